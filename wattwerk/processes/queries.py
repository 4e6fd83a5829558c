"""Reading processes: the state a record's stage bar and the API show, the stage history with
durations, and the reports (time in stage, conversion from stage to stage)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Avg, Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from wattwerk.activities.models import Activity
from wattwerk.core.querysets import Action

from . import expressions, operations
from .models import ProcessInstance, ProcessTemplate, StageVisit


@dataclass
class StageState:
    key: str
    name: str
    probability: int | None
    state: str  # "done", "current", "upcoming" or "skipped"


@dataclass
class State:
    """A record's process as its stage bar shows it."""

    instance: ProcessInstance
    stages: list[StageState]
    checks: list[operations.Check]
    next_stage: dict | None
    tasks: list[Activity]
    visits: list[StageVisit]
    probability_note: str = ""
    reasons: list[str] = field(default_factory=list)  # why advancing is not possible
    can_back: bool = False

    @property
    def unmet(self) -> list[str]:
        return operations.unmet(self.checks)

    @property
    def finished(self) -> bool:
        return self.instance.status == ProcessInstance.Status.FINISHED


def state(record, *, user=None, can_write: bool = True) -> State | None:
    """The record's process with its gate checklist, the tasks of the current stage and its
    history — a fixed number of queries, however long the history."""
    instance = operations.instance_of(record)
    if instance is None:
        return None
    template = instance.template
    visits = list(
        instance.visits.select_related("entered_by", "left_by", "template").order_by(
            "entered_at", "pk"
        )
    )
    now = timezone.now()
    for visit in visits:
        visit.duration_text = duration_text(duration(visit, now))
    visited = {visit.stage for visit in visits if visit.template_id == template.pk}
    current_index = template.stage_index(instance.stage)
    stages = []
    for index, stage in enumerate(template.stages):
        if instance.status == ProcessInstance.Status.FINISHED:
            status = "done" if stage["key"] in visited else "skipped"
        elif stage["key"] == instance.stage:
            status = "current"
        elif index < current_index:
            status = "done" if stage["key"] in visited else "skipped"
        else:
            status = "upcoming"
        stages.append(StageState(stage["key"], stage["name"], stage["probability"], status))
    result = State(instance, stages, [], None, [], visits)
    if result.finished:
        return result
    context = expressions.context(record)
    result.checks = operations.gate(instance, context)
    result.next_stage = operations.next_stage(instance, context)
    tasks = Activity.objects.filter(
        process_task__instance=instance,
        process_task__visit__template=template,
        process_task__visit__stage=instance.stage,
    ).select_related("owner", "owner_team", "assigned_department")
    if user is not None:
        tasks = tasks.restrict(user, Action.READ)
    result.tasks = list(tasks.order_by("due", "pk"))
    result.reasons = list(result.unmet)
    if not can_write:
        result.reasons.insert(0, _("Sie dürfen diesen Datensatz nicht ändern."))
    result.can_back = can_write and any(
        template.stage_index(visit.stage) < current_index
        for visit in visits
        if visit.template_id == template.pk
    )
    stage = template.stage(instance.stage)
    probability = getattr(record, "probability", None)
    if (
        probability is not None
        and result.next_stage
        and result.next_stage["probability"] is not None
    ):
        keep = instance.probability_by_hand and template.definition["probability"] == "keep_manual"
        if keep:
            result.probability_note = _(
                "Die Wahrscheinlichkeit (%(own)s %%) ist von Hand gesetzt und bleibt; "
                "die nächste Stufe sähe %(stage)s %% vor."
            ) % {"own": probability, "stage": result.next_stage["probability"]}
        else:
            result.probability_note = _(
                "Mit der nächsten Stufe wird die Wahrscheinlichkeit %(stage)s %%."
            ) % {"stage": result.next_stage["probability"]}
    elif (
        stage["probability"] is not None
        and probability is not None
        and instance.probability_by_hand
    ):
        result.probability_note = _("Die Wahrscheinlichkeit (%(own)s %%) ist von Hand gesetzt.") % {
            "own": probability
        }
    return result


def duration(visit: StageVisit, now: datetime | None = None) -> timedelta:
    end = visit.left_at or now or timezone.now()
    return end - visit.entered_at


def duration_text(length: timedelta | float | None) -> str:
    """„3 T 4 Std“, „2 Std 5 Min“, „under a minute“ — as long as it is useful to read."""
    if length is None:
        return "–"
    seconds = int(length.total_seconds() if isinstance(length, timedelta) else length)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(days)d T %(hours)d Std") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d Std %(minutes)d Min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d Min") % {"minutes": minutes}
    return _("< 1 Min")


def switch_choices(record) -> list[ProcessTemplate]:
    kind = operations.KIND_OF_MODEL[type(record)]
    return list(ProcessTemplate.objects.filter(is_active=True, record_kind=kind).order_by("name"))


@dataclass
class StageFigures:
    key: str
    name: str
    entered: int  # instances that reached the stage
    advanced: int  # of those, how many went on from it
    median_seconds: float | None
    average_seconds: float | None

    @property
    def conversion(self) -> float | None:
        return self.advanced / self.entered if self.entered else None

    @property
    def conversion_percent(self) -> str:
        return formats.number_format(100 * self.conversion, 1) if self.entered else "–"

    @property
    def median_text(self) -> str:
        return duration_text(self.median_seconds)

    @property
    def average_text(self) -> str:
        return duration_text(self.average_seconds)


def report(template_key: str) -> tuple[list[ProcessTemplate], list[StageFigures]]:
    """Time in stage (median and average over the stays that ended) and conversion (of the
    processes that reached a stage, the share that went on from it) for every version of a
    template, by stage in the order of its newest version. Three queries."""
    versions = list(ProcessTemplate.objects.filter(key=template_key).order_by("-version"))
    if not versions:
        return [], []
    visits = StageVisit.objects.filter(template__key=template_key)
    entered = {
        row["stage"]: row
        for row in visits.values("stage").annotate(
            entered=Count("instance", distinct=True),
            advanced=Count("instance", filter=Q(advanced=True), distinct=True),
            average=Avg("seconds"),
        )
    }
    # The median in the database, alike on SQLite and PostgreSQL: number the ended stays of
    # each stage by duration and average the middle one or two.
    numbered = (
        visits.filter(seconds__isnull=False)
        .annotate(
            position=Window(RowNumber(), partition_by=[F("stage")], order_by=F("seconds").asc()),
            count=Window(Count("pk"), partition_by=[F("stage")]),
        )
        .values("stage", "seconds", "position", "count")
    )
    middles: dict[str, list[int]] = {}
    for row in numbered.filter(Q(position=(F("count") + 1) / 2) | Q(position=(F("count") + 2) / 2)):
        middles.setdefault(row["stage"], []).append(row["seconds"])
    figures = []
    names = {}
    for template in reversed(versions):
        names |= {stage["key"]: stage["name"] for stage in template.stages}
    order = [stage["key"] for stage in versions[0].stages]
    order += [key for key in entered if key not in order]
    for key in order:
        row = entered.get(key, {})
        middle = middles.get(key)
        figures.append(
            StageFigures(
                key=key,
                name=names.get(key, key),
                entered=row.get("entered", 0),
                advanced=row.get("advanced", 0),
                median_seconds=sum(middle) / len(middle) if middle else None,
                average_seconds=row.get("average"),
            )
        )
    return versions, figures
