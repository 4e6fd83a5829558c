"""Writes on processes: import and activate templates; start a record's process, advance it
past its stage's gate, move it back, switch it to another template; finish it with the record
(won, lost, qualified, disqualified); close stage tasks whose data has been entered.

The stage changes only here. Every operation is one transaction with the record's process row
locked; what follows from a template's rules (stage tasks created or closed) is done by the
system, in the name of whoever caused it in the history.
"""

from collections import defaultdict
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import NamedTuple

from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wattwerk.access.models import Department, Role, Team
from wattwerk.activities import chains, notifications
from wattwerk.activities.models import Activity
from wattwerk.activities.planning import BERLIN, DAY_END, DAY_START
from wattwerk.core import bulk, changelog, history, operations
from wattwerk.core.querysets import Action
from wattwerk.customers.models import Account
from wattwerk.energy.calendars import add_working_days
from wattwerk.sales import operations as sales_operations
from wattwerk.sales import totals
from wattwerk.sales.models import Lead, Opportunity

from . import definition, expressions
from .models import ProcessInstance, ProcessTask, ProcessTemplate, RecordKind, StageVisit

KIND_OF_MODEL = {Lead: RecordKind.LEAD, Opportunity: RecordKind.OPPORTUNITY}
OPEN = (Activity.Status.OPEN, Activity.Status.WAITING)
START_BATCH = 500  # records whose processes start together (bounds the queries' id lists)


class References:
    """The names a template may use, checked against the data (see ``definition.parse``);
    ``apps`` the migration's when a migration loads the shipped templates."""

    def __init__(self, apps=None):
        self.customer_types = (apps or django_apps).get_model("customers", "CustomerType")

    def fields(self, record_kind: str) -> list[str]:
        return expressions.record_fields(record_kind)

    def has_field(self, record_kind: str, name: str) -> bool:
        return name in self.fields(record_kind)

    def field_label(self, record_kind: str, name: str) -> str:
        if name == "customer_type" and record_kind == RecordKind.OPPORTUNITY:
            return _("Kundentyp")
        return str(expressions.RECORD_MODELS[record_kind]._meta.get_field(name).verbose_name)

    def has_segment(self, name: str) -> bool:
        return self.customer_types.objects.filter(name=name).exists()


def parse(source: str, *, filename: str = "") -> dict:
    """The checked definition of a template's YAML (TemplateError with every problem)."""
    return definition.parse(source, filename=filename, references=References())


def warnings(template_definition: dict) -> list[str]:
    """What a valid template names that the organisation lacks (yet): such a task goes to the
    record's owner instead."""
    found = []
    for stage in template_definition["stages"]:
        for task in stage["tasks"]:
            for name in ("assignee", "department"):
                value = task[name]
                if value and _assignee_target(value) is None:
                    found.append(
                        _(
                            "Stufe „%(stage)s“, Aufgabe „%(task)s“: „%(value)s“ gibt es "
                            "nicht; die Aufgabe geht an die Verantwortlichen des Datensatzes."
                        )
                        % {"stage": stage["name"], "task": task["subject"], "value": value}
                    )
    return found


def _assignee_target(value: str):
    """The role, team or department a task names (owner: True), or None if it does not exist."""
    if value == "owner":
        return True
    kind, _sep, name = value.partition(":") if ":" in value else ("department", "", value)
    model = {"role": Role, "team": Team}.get(kind)
    if model is not None:
        return model.objects.filter(name=name).first()
    return Department.objects.filter(code=name).first()


def import_template(
    *, source: str, filename: str = "", acting_user, now: datetime, activate: bool = False
) -> ProcessTemplate:
    """Store a checked template version (refused if that key and version exist already)."""
    parsed = parse(source, filename=filename)
    with transaction.atomic():
        if ProcessTemplate.objects.filter(key=parsed["key"], version=parsed["version"]).exists():
            raise ValidationError(
                {
                    "source": _(
                        "Version %(version)s der Vorlage „%(key)s“ gibt es schon; "
                        "erhöhen Sie „version“."
                    )
                    % parsed
                }
            )
        template = ProcessTemplate.objects.create(
            key=parsed["key"],
            version=parsed["version"],
            name=parsed["name"],
            record_kind=parsed["record"],
            segments=parsed["segments"],
            description=parsed["description"],
            source=source,
            filename=filename[:200],
            definition=parsed,
            imported_at=now,
            imported_by=acting_user,
        )
        changelog.log_event(
            instance=template,
            event="template_imported",
            message=_("Importiert: %(template)s") % {"template": str(template)[:200]},
            data={"filename": template.filename},
            acting_user=acting_user,
            now=now,
        )
        if activate:
            activate_template(template=template, acting_user=acting_user, now=now)
    return template


def _overlapping(template: ProcessTemplate):
    """An active template of another key that new records of the same kind and customer type
    would start on as well."""
    others = ProcessTemplate.objects.filter(is_active=True, record_kind=template.record_kind)
    for other in others.exclude(key=template.key).order_by("key"):
        if not other.segments and not template.segments:
            return other
        if set(other.segments) & set(template.segments):
            return other
    return None


def activate_template(*, template: ProcessTemplate, acting_user, now: datetime) -> None:
    """Make this version the one new records start on (other versions of the key stop being
    so; processes running on them go on as they are). Refused while another template serves
    the same record kind and customer types."""
    with transaction.atomic():
        other = _overlapping(template)
        if other is not None:
            raise ValidationError(
                _(
                    "„%(other)s“ ist für dieselben Datensätze und Kundentypen aktiv; "
                    "deaktivieren Sie sie zuerst."
                )
                % {"other": other}
            )
        ProcessTemplate.objects.filter(key=template.key).exclude(pk=template.pk).update(
            is_active=False
        )
        ProcessTemplate.objects.filter(pk=template.pk).update(is_active=True)
        template.is_active = True
        changelog.log_event(
            instance=template,
            event="template_activated",
            message=_("Aktiviert: %(template)s") % {"template": str(template)[:200]},
            acting_user=acting_user,
            now=now,
        )


def deactivate_template(*, template: ProcessTemplate, acting_user, now: datetime) -> None:
    """New records no longer start on it; processes running on it go on."""
    with transaction.atomic():
        ProcessTemplate.objects.filter(pk=template.pk).update(is_active=False)
        template.is_active = False
        changelog.log_event(
            instance=template,
            event="template_deactivated",
            message=_("Deaktiviert: %(template)s") % {"template": str(template)[:200]},
            acting_user=acting_user,
            now=now,
        )


def template_for(record, candidates: list[ProcessTemplate] | None = None) -> ProcessTemplate | None:
    """The active template a new record starts on: one for its customer type, else one for
    every customer type (the first by key when several fit). ``candidates``: the active
    templates of the record's kind, when already read."""
    segment = expressions.context_customer_type(record)
    if candidates is None:
        candidates = _active_templates(type(record))
    general = None
    for template in candidates:
        if segment and segment in template.segments:
            return template
        if not template.segments and general is None:
            general = template
    return general


def _active_templates(model) -> list[ProcessTemplate]:
    kind = KIND_OF_MODEL[model]
    return list(ProcessTemplate.objects.filter(is_active=True, record_kind=kind).order_by("key"))


# -- the record's process ---------------------------------------------------------------------


def instance_of(record, *, lock: bool = False) -> ProcessInstance | None:
    queryset = ProcessInstance.objects.select_related("template")
    if lock:
        queryset = queryset.select_for_update()
    return queryset.filter(
        record_type=ContentType.objects.get_for_model(type(record)), record_id=record.pk
    ).first()


@dataclass(frozen=True)
class Check:
    message: str
    met: bool


def gate(instance: ProcessInstance, context: dict | None = None, record=None) -> list[Check]:
    """Every check of the current stage's gate, met or not."""
    stage = instance.template.stage(instance.stage)
    if not stage["gate"]:
        return []
    if context is None:
        context = expressions.context(record if record is not None else instance.record)
    kind = instance.template.record_kind
    return [
        Check(
            definition.required_message(References().field_label(kind, check["field"]))
            if check.get("field")
            else check["message"],
            expressions.holds(check["when"], context),
        )
        for check in stage["gate"]
    ]


def unmet(checks: list[Check]) -> list[str]:
    return [check.message for check in checks if not check.met]


def next_stage(instance: ProcessInstance, context: dict) -> dict | None:
    """The stage after the current one: the first branch whose condition holds, else the next
    in order; None after the last."""
    template = instance.template
    stage = template.stage(instance.stage)
    for branch in stage["next"]:
        if expressions.holds(branch["when"], context):
            return template.stage(branch["stage"])
    index = template.stage_index(instance.stage) + 1
    return template.stages[index] if index < len(template.stages) else None


def _gate_error(messages: list[str]) -> ValidationError:
    return ValidationError(
        [ValidationError(message, code="gate") for message in messages],
    )


def _require_running(instance: ProcessInstance | None, record) -> ProcessInstance:
    if instance is None:
        raise ValidationError(_("„%(record)s“ hat keinen Prozess.") % {"record": record})
    if instance.status != ProcessInstance.Status.RUNNING:
        raise ValidationError(
            _("Der Prozess von „%(record)s“ ist abgeschlossen (%(outcome)s).")
            % {"record": record, "outcome": instance.get_outcome_display()}
        )
    return instance


def _locked_record(record):
    return type(record).objects.select_for_update().get(pk=record.pk)


def start_process(
    *, record, template: ProcessTemplate, acting_user, now: datetime, creating: bool = False
) -> ProcessInstance:
    """Put a record that has no process on a template's first stage (and create its tasks).
    ``creating``: the record is being created, and a probability other than the default is
    the user's own."""
    with transaction.atomic():
        first = template.stages[0]
        probability = Opportunity._meta.get_field("probability").get_default()
        instance = ProcessInstance.objects.create(
            template=template,
            record_type=ContentType.objects.get_for_model(type(record)),
            record_id=record.pk,
            stage=first["key"],
            started_at=now,
            probability_by_hand=creating
            and isinstance(record, Opportunity)
            and record.probability != probability,
        )
        _enter(
            instance,
            first,
            record,
            how=StageVisit.How.START,
            acting_user=acting_user,
            now=now,
            creating=creating,
        )
        _entered(
            record,
            instance,
            event="process_started",
            message=_started(template),
            acting_user=acting_user,
            now=now,
        )
    return instance


def _started(template: ProcessTemplate) -> str:
    return _("Prozess „%(template)s“ begonnen: %(stage)s") % {
        "template": template.name,
        "stage": template.stages[0]["name"],
    }


def start_processes(*, records: list, acting_user, now: datetime) -> None:
    """:func:`start_process` for many new records of one type (an import), each on its
    template: the same rows, tasks, e-mails and history, written in blocks of ``START_BATCH``.
    A record that has a process already keeps it. An opportunity whose first stage sets its
    probability starts one by one."""
    if not records:
        return
    model = type(records[0])
    candidates = _active_templates(model)
    if not candidates:
        return
    groups: dict[ProcessTemplate, list] = defaultdict(list)
    for record in records:
        template = template_for(record, candidates)
        if template is not None:
            groups[template].append(record)
    with transaction.atomic():
        for template, group in groups.items():
            for start in range(0, len(group), START_BATCH):
                block = _without_process(group[start : start + START_BATCH])
                if model is Opportunity and template.stages[0]["probability"] is not None:
                    for record in block:
                        start_process(
                            record=record, template=template, acting_user=acting_user, now=now
                        )
                elif block:
                    _start_block(template, block, acting_user=acting_user, now=now)


class _NewTask(NamedTuple):
    instance: ProcessInstance
    visit: StageVisit
    task: dict
    activity: Activity


def _without_process(records: list) -> list:
    started = set(
        ProcessInstance.objects.filter(
            record_type=ContentType.objects.get_for_model(type(records[0])),
            record_id__in=[record.pk for record in records],
        ).values_list("record_id", flat=True)
    )
    return [record for record in records if record.pk not in started]


def _start_block(template: ProcessTemplate, records: list, *, acting_user, now: datetime) -> None:
    """The records' processes on the template's first stage: the rows of each kind in one
    insert, the assignees looked up once, the tasks whose data came along closed at once."""
    first = template.stages[0]
    record_type = ContentType.objects.get_for_model(type(records[0]))
    instances = bulk.insert(
        ProcessInstance,
        (
            ProcessInstance(
                template=template,
                record_type=record_type,
                record_id=record.pk,
                stage=first["key"],
                started_at=now,
            )
            for record in records
        ),
    )
    visits = bulk.insert(
        StageVisit,
        (
            _visit(instance, first, how=StageVisit.How.START, acting_user=acting_user, now=now)
            for instance in instances
        ),
    )
    lookups = (cache(_assignee_target), cache(chains.role_holder))  # once for the block
    tasks = [
        _NewTask(
            instance, visit, task, _task_activity(instance, task, record, now=now, lookups=lookups)
        )
        for instance, visit, record in zip(instances, visits, records, strict=True)
        for task in first["tasks"]
    ]
    operations.create_records(
        model=Activity, instances=[new.activity for new in tasks], acting_user=None, now=now
    )
    bulk.insert(
        ProcessTask,
        (
            ProcessTask(**_task_row(new.instance, new.visit, new.task, new.activity))
            for new in tasks
        ),
    )
    for new in tasks:
        _notify(new.task, new.activity, now=now)
    history.append_many(
        [
            _stage_entry(
                record,
                instance,
                event="process_started",
                message=_started(template),
                acting_user=acting_user,
                now=now,
            )
            for record, instance in zip(records, instances, strict=True)
        ]
    )
    # as _entered does for one record
    closable = defaultdict(list)
    for new in tasks:
        if new.task["auto_close"]:
            closable[new.instance.record_id].append(
                (
                    new.activity.pk,
                    new.task["key"],
                    new.task["auto_close"],
                    new.task["auto_close_label"],
                )
            )
    closing = [record for record in records if record.pk in closable]
    holding = {}
    for record, context in zip(closing, expressions.contexts(closing), strict=True):
        holding |= _holding(closable[record.pk], context)
    _close(holding, acting_user=acting_user, now=now)


def advance_stage(*, record, acting_user, now: datetime) -> ProcessInstance:
    """On to the next stage (chosen by the template's branches) when every check of the gate
    is met — else ValidationError listing each unmet one. From an opportunity's last stage,
    advancing wins it."""
    with transaction.atomic():
        record = _locked_record(record)
        operations.require(record, acting_user, Action.WRITE)
        instance = _require_running(instance_of(record, lock=True), record)
        context = expressions.context(record)
        missing = unmet(gate(instance, context))
        if missing:
            raise _gate_error(missing)
        following = next_stage(instance, context)
        if following is None:
            if isinstance(record, Opportunity):
                sales_operations.close_opportunity(
                    opportunity=record, won=True, acting_user=acting_user, now=now
                )
                instance.refresh_from_db()
                return instance
            raise ValidationError(
                _("Das ist die letzte Stufe: weiter geht es mit „Qualifizieren“.")
            )
        _leave(instance, acting_user=acting_user, now=now, advanced=True)
        instance.stage = following["key"]
        instance.save(update_fields=["stage"])
        _enter(
            instance,
            following,
            record,
            how=StageVisit.How.ADVANCE,
            acting_user=acting_user,
            now=now,
        )
        _entered(
            record,
            instance,
            event="stage_advanced",
            message=_("Stufe: %(stage)s") % {"stage": following["name"]},
            acting_user=acting_user,
            now=now,
        )
    return instance


def move_back(*, record, acting_user, now: datetime) -> ProcessInstance:
    """Back to the stage the process came from (no gate; its still open tasks stay)."""
    with transaction.atomic():
        record = _locked_record(record)
        operations.require(record, acting_user, Action.WRITE)
        instance = _require_running(instance_of(record, lock=True), record)
        earlier = (
            instance.visits.filter(template=instance.template)
            .exclude(stage=instance.stage)
            .order_by("-entered_at", "-pk")
            .values_list("stage", flat=True)
        )
        current = instance.template.stage_index(instance.stage)
        previous = next(
            (key for key in earlier if instance.template.stage_index(key) < current), None
        )
        if previous is None:
            raise ValidationError(_("Der Prozess steht schon in seiner ersten Stufe."))
        stage = instance.template.stage(previous)
        _leave(instance, acting_user=acting_user, now=now, advanced=False)
        instance.stage = previous
        instance.save(update_fields=["stage"])
        _enter(instance, stage, record, how=StageVisit.How.BACK, acting_user=acting_user, now=now)
        _entered(
            record,
            instance,
            event="stage_back",
            message=_("Stufe zurück: %(stage)s") % {"stage": stage["name"]},
            acting_user=acting_user,
            now=now,
        )
    return instance


def switch_process(
    *, record, template: ProcessTemplate, acting_user, now: datetime
) -> ProcessInstance:
    """Run the record on another active template of its kind, from its first stage (no stage
    is skipped that way); a record without a process starts on it."""
    with transaction.atomic():
        record = _locked_record(record)
        operations.require(record, acting_user, Action.WRITE)
        if template.record_kind != KIND_OF_MODEL[type(record)] or not template.is_active:
            raise ValidationError(
                {"template": _("Die Vorlage passt nicht zu diesem Datensatz oder ist nicht aktiv.")}
            )
        instance = instance_of(record, lock=True)
        if instance is None:
            return start_process(record=record, template=template, acting_user=acting_user, now=now)
        _require_running(instance, record)
        _leave(instance, acting_user=acting_user, now=now, advanced=False)
        if instance.template_id != template.pk:
            _end_open_tasks(
                instance,
                reason=_("Prozess gewechselt zu „%(template)s“") % {"template": template.name},
                now=now,
                template=instance.template,
            )
        first = template.stages[0]
        instance.template, instance.stage = template, first["key"]
        instance.save(update_fields=["template", "stage"])
        _enter(instance, first, record, how=StageVisit.How.SWITCH, acting_user=acting_user, now=now)
        _entered(
            record,
            instance,
            event="process_switched",
            message=_("Prozess gewechselt: %(template)s, Stufe %(stage)s")
            % {"template": template.name, "stage": first["name"]},
            acting_user=acting_user,
            now=now,
        )
    return instance


def change_stage(
    *, record, action: str, acting_user, now: datetime, template: ProcessTemplate | None = None
) -> ProcessInstance:
    """One of the stage bar's and the API's actions: ``advance``, ``back`` or ``switch`` (to
    ``template``)."""
    if action == "advance":
        return advance_stage(record=record, acting_user=acting_user, now=now)
    if action == "back":
        return move_back(record=record, acting_user=acting_user, now=now)
    return switch_process(record=record, template=template, acting_user=acting_user, now=now)


def _entered(record, instance: ProcessInstance, *, event: str, message: str, acting_user, now):
    """The stage change in the record's history; then the new stage's tasks whose data is
    there already close at once."""
    history.append(
        _stage_entry(
            record, instance, event=event, message=message, acting_user=acting_user, now=now
        )
    )
    close_satisfied_tasks(record, acting_user=acting_user, now=now, instance=instance)


def _stage_entry(record, instance: ProcessInstance, *, event: str, message: str, acting_user, now):
    return changelog.event_entry(
        instance=record,
        event=event,
        message=message,
        data={
            "template": instance.template.key,
            "version": instance.template.version,
            "stage": instance.stage,
        },
        acting_user=acting_user,
        now=now,
    )


def _leave(instance: ProcessInstance, *, acting_user, now: datetime, advanced: bool) -> None:
    visit = instance.visits.filter(left_at__isnull=True).order_by("-pk").first()
    if visit is None:
        return
    visit.left_at, visit.left_by, visit.advanced = now, acting_user, advanced
    visit.seconds = max(0, int((now - visit.entered_at).total_seconds()))
    visit.save(update_fields=["left_at", "left_by", "advanced", "seconds"])


def _enter(
    instance, stage: dict, record, *, how: str, acting_user, now: datetime, creating=False
) -> None:
    """A new stay in the stage: its probability (unless the user's own is kept) and its tasks
    (those not still open from an earlier stay)."""
    visit = _visit(instance, stage, how=how, acting_user=acting_user, now=now)
    visit.save()
    if isinstance(record, Opportunity) and stage["probability"] is not None:
        keep = (
            instance.probability_by_hand
            and instance.template.definition["probability"] == "keep_manual"
        )
        if not keep and record.probability != stage["probability"]:
            record.probability = stage["probability"]
            if creating:  # the creation's own history entry shows it; totals follow
                Opportunity.objects.filter(pk=record.pk).update(probability=record.probability)
                totals.refresh_opportunity(record)
            else:
                operations.update_record(instance=record, acting_user=None, now=now)
            instance.probability_by_hand = False
            instance.save(update_fields=["probability_by_hand"])
    still_open = set(
        instance.tasks.filter(visit__stage=stage["key"], activity__status__in=OPEN).values_list(
            "key", flat=True
        )
    )
    for task in stage["tasks"]:
        if task["key"] not in still_open:
            _create_task(instance, visit, task, record, now=now)


def _visit(instance, stage: dict, *, how: str, acting_user, now: datetime) -> StageVisit:
    return StageVisit(
        instance=instance,
        template=instance.template,
        stage=stage["key"],
        stage_name=stage["name"],
        how=how,
        entered_at=now,
        entered_by=acting_user,
    )


def _create_task(instance, visit: StageVisit, task: dict, record, *, now: datetime) -> None:
    activity = operations.create_record(
        instance=_task_activity(instance, task, record, now=now),
        acting_user=None,  # the template's rule, whoever entered the stage
        now=now,
    )
    ProcessTask.objects.create(**_task_row(instance, visit, task, activity))
    _notify(task, activity, now=now)


def _task_activity(instance, task: dict, record, *, now: datetime, lookups=()):
    """The (unsaved) activity of a stage task, its start and due date counted in working days
    from ``now``; ``lookups``: see :func:`_assignment`."""
    owner, owner_team, department = _assignment(task, record, *lookups)
    today = timezone.localtime(now, BERLIN).date()
    start_day = add_working_days(today, task["start"])
    start = datetime.combine(start_day, DAY_START, tzinfo=BERLIN)
    if start_day == today:
        start = max(start, min(now, datetime.combine(today, DAY_END, tzinfo=BERLIN)))
    due = datetime.combine(add_working_days(today, task["due"]), DAY_END, tzinfo=BERLIN)
    return Activity(
        kind=task["kind"],
        subject=task["subject"],
        description=task["description"],
        priority=task["priority"],
        regarding_type=instance.record_type,
        regarding_id=instance.record_id,
        start=start,
        due=max(due, start),
        assigned_department=department,
        owner=owner,
        owner_team=owner_team,
    )


def _task_row(instance, visit: StageVisit, task: dict, activity: Activity) -> dict:
    return {
        "instance": instance,
        "visit": visit,
        "key": task["key"],
        "activity": activity,
        "auto_close": task["auto_close"],
        "auto_close_label": task["auto_close_label"],
    }


def _notify(task: dict, activity: Activity, *, now: datetime) -> None:
    department = activity.assigned_department
    if task["notify"] and department is not None and not department.tasks_by_email:
        notifications.notify_department(activity, now=now)  # else the activities' hook does


def _assignment(task: dict, record, find=_assignee_target, holder_of=chains.role_holder):
    """(owner, owner team, assigned department) of a stage task; ``find`` and ``holder_of``:
    how the task's assignee and a role's holder are looked up."""
    owner, owner_team = (record.owner, None) if record.owner_id else (None, record.owner_team)
    department = None
    target = find(task["assignee"])
    if isinstance(target, Role):
        department = (record.owner or record.owner_team).department
        # from the owner's department first
        holder = holder_of(target, department.pk if department else None)
        if holder is not None:
            owner, owner_team = holder, None
    elif isinstance(target, Team):
        owner, owner_team = None, target
    elif isinstance(target, Department):
        department = target
    if task["department"]:
        found = find(f"department:{task['department']}")
        department = found if isinstance(found, Department) else department
    return owner, owner_team, department


# Set while stage tasks are being closed: their own writes need not be looked at again.
_closing: ContextVar[bool] = ContextVar("closing_stage_tasks", default=False)


def close_satisfied_tasks(
    record, *, acting_user, now: datetime, instance: ProcessInstance | None = None, changed=()
) -> int:
    """Complete the record's open stage tasks whose auto-close condition now holds, each with
    a history entry naming what was entered and by whom. How many were closed.

    The tasks' rows are locked first; one locked by someone else at this moment (being
    completed or changed by hand) is left to them, rather than overwritten or waited for.
    """
    instance = instance or instance_of(record)
    if instance is None or _closing.get():
        return 0
    candidates = list(
        instance.tasks.exclude(auto_close="")
        .filter(activity__status__in=OPEN)
        .values_list("activity_id", "key", "auto_close", "auto_close_label")
    )
    if not candidates:
        return 0
    holding = _holding(candidates, expressions.context(record))
    return _close(holding, acting_user=acting_user, now=now, changed=changed)


def _holding(candidates, context) -> dict:
    """Those of the open tasks ``candidates`` (activity id, key, condition, label) whose
    condition holds in the record's ``context``: activity id → (key, condition, label)."""
    return {
        activity_id: (key, condition, label)
        for activity_id, key, condition, label in candidates
        if expressions.holds(condition, context)
    }


def _close(holding: dict, *, acting_user, now: datetime, changed=()) -> int:
    """Complete the tasks of ``holding`` (see :func:`_holding`) still open and not locked."""
    if not holding:
        return 0
    locked = Activity.objects.select_for_update(skip_locked=True).filter(
        pk__in=holding, status__in=OPEN
    )
    by = (acting_user.get_full_name() or acting_user.username) if acting_user else _("System")
    token = _closing.set(True)
    try:
        closed = 0
        for activity in locked.order_by("pk"):
            key, condition, label = holding[activity.pk]
            what = label or ", ".join(changed) or activity.subject
            message = _("automatisch erledigt: %(field)s eingegeben von %(user)s") % {
                "field": what,
                "user": by,
            }
            activity.status = Activity.Status.COMPLETED
            activity.status_changed_by, activity.status_changed_at = acting_user, now
            activity.outcome = activity.outcome or message
            operations.update_record(instance=activity, acting_user=None, now=now)
            changelog.log_event(
                instance=activity,
                event="auto_closed",
                message=message[:300],
                data={"process_task": key, "condition": condition},
                acting_user=acting_user,
                now=now,
            )
            closed += 1
    finally:
        _closing.reset(token)
    return closed


def _end_open_tasks(instance: ProcessInstance, *, reason: str, now: datetime, template=None):
    """Cancel the process's stage tasks still open (of one template, when given): the process
    ended or left that template, so nobody is to work on them any more."""
    tasks = Activity.objects.select_for_update().filter(
        process_task__instance=instance, status__in=OPEN
    )
    if template is not None:
        tasks = tasks.filter(process_task__visit__template=template)
    token = _closing.set(True)
    try:
        for activity in tasks.order_by("pk"):
            activity.status = Activity.Status.CANCELLED
            activity.status_changed_at = now
            activity.outcome = activity.outcome or reason
            operations.update_record(instance=activity, acting_user=None, now=now)
    finally:
        _closing.reset(token)


def _finish(instance: ProcessInstance, outcome: str, *, acting_user, now: datetime) -> None:
    _leave(instance, acting_user=acting_user, now=now, advanced=outcome in ("won", "qualified"))
    _end_open_tasks(
        instance,
        reason=_("Prozess abgeschlossen: %(outcome)s")
        % {"outcome": ProcessInstance.Outcome(outcome).label},
        now=now,
    )
    instance.status, instance.outcome, instance.finished_at = (
        ProcessInstance.Status.FINISHED,
        outcome,
        now,
    )
    instance.save(update_fields=["status", "outcome", "finished_at"])


def _changed_labels(record, stored) -> list[str]:
    if stored is None:
        return []
    return [
        str(field.verbose_name)
        for field in record._meta.concrete_fields
        if field.editable and getattr(record, field.attname) != getattr(stored, field.attname)
    ]


def _record_written(record, *, stored, deleted: bool, acting_user, now, **context) -> None:
    """A new lead or opportunity starts on its template; a changed one may have had its
    probability set by hand, and may close stage tasks; a deleted one takes its process along."""
    if deleted:
        return  # see _record_deleted
    if stored is None:
        template = template_for(record)
        if template is not None:
            start_process(
                record=record, template=template, acting_user=acting_user, now=now, creating=True
            )
        return
    instance = instance_of(record)
    if instance is None:
        return
    if (
        isinstance(record, Opportunity)
        and acting_user is not None
        and stored.probability != record.probability
        and not instance.probability_by_hand
    ):
        instance.probability_by_hand = True
        instance.save(update_fields=["probability_by_hand"])
    if instance.status == ProcessInstance.Status.RUNNING:
        close_satisfied_tasks(
            record,
            acting_user=acting_user,
            now=now,
            instance=instance,
            changed=_changed_labels(record, stored),
        )


FINISHING = {
    "won": ProcessInstance.Outcome.WON,
    "lost": ProcessInstance.Outcome.LOST,
    "qualified": ProcessInstance.Outcome.QUALIFIED,
    "disqualified": ProcessInstance.Outcome.DISQUALIFIED,
}


def _record_event(record, *, event: str, acting_user, now: datetime) -> None:
    """Lines changed: stage tasks may close. Won or qualified:
    only from the last stage with its gate met. Lost or disqualified: from anywhere."""
    if event == "imported":
        return  # _records_imported starts their processes
    instance = instance_of(record, lock=True)
    if instance is None or instance.status != ProcessInstance.Status.RUNNING:
        return
    if event == "lines":
        close_satisfied_tasks(
            record, acting_user=acting_user, now=now, instance=instance, changed=[_("Zeilen")]
        )
        return
    outcome = FINISHING.get(event)
    if outcome is None:
        return
    if outcome in (ProcessInstance.Outcome.WON, ProcessInstance.Outcome.QUALIFIED):
        template = instance.template
        last = template.stages[-1]
        if instance.stage != last["key"]:
            raise ValidationError(
                _("Erst in der letzten Stufe „%(last)s“ möglich; der Prozess steht in „%(stage)s“.")
                % {"last": last["name"], "stage": instance.stage_name}
            )
        missing = unmet(gate(instance, record=record))
        if missing:
            raise _gate_error(missing)
    _finish(instance, outcome, acting_user=acting_user, now=now)


@operations.after_write(Activity)
def _activity_written(activity: Activity, *, stored, deleted: bool, acting_user, now, **context):
    """Conditions read the record's activities and stage tasks too: an activity of a lead or
    opportunity completed or cancelled (by hand) may close other stage tasks."""
    if deleted or stored is None or stored.status == activity.status or _closing.get():
        return
    model = activity.regarding_type.model_class() if activity.regarding_type_id else None
    if model not in KIND_OF_MODEL:
        return
    record = model.objects.filter(pk=activity.regarding_id).first()
    instance = instance_of(record) if record is not None else None
    if instance is not None and instance.status == ProcessInstance.Status.RUNNING:
        close_satisfied_tasks(
            record, acting_user=acting_user, now=now, instance=instance, changed=[activity.subject]
        )


@operations.after_write(Account)
def _account_written(account: Account, *, stored, deleted: bool, acting_user, now, **context):
    """Conditions read the account too (its rating, say): the open tasks of its opportunities'
    and leads' running processes may close with its change."""
    if stored is None or deleted:
        return
    changed = _changed_labels(account, stored)
    if not changed:
        return
    running = ProcessInstance.objects.filter(status=ProcessInstance.Status.RUNNING)
    for model, field in ((Opportunity, "account"), (Lead, "account")):
        ids = running.filter(
            record_type=ContentType.objects.get_for_model(model),
            record_id__in=model.objects.filter(**{field: account}).values("pk"),
            tasks__activity__status__in=OPEN,
        ).values_list("record_id", flat=True)
        for record in model.objects.filter(pk__in=ids).select_related("account"):
            close_satisfied_tasks(record, acting_user=acting_user, now=now, changed=changed)


@operations.after_any_delete
def _record_deleted(model, object_id, **context) -> None:
    """A deleted lead or opportunity takes its process along (its tasks are cancelled by the
    activities' own hook)."""
    if model in KIND_OF_MODEL:
        ProcessInstance.objects.filter(
            record_type=ContentType.objects.get_for_model(model), record_id=object_id
        ).delete()


def _records_imported(records: list, *, event: str, acting_user, now: datetime) -> None:
    """Imported records start their processes, all at once."""
    if event == "imported":
        start_processes(records=records, acting_user=acting_user, now=now)


for _model in (Lead, Opportunity):
    operations.after_write(_model)(_record_written)
    operations.after_event(_model)(_record_event)
    operations.after_events(_model)(_records_imported)
