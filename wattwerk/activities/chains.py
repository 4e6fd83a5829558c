"""Activity chains: start one on a record, advance it as its steps are done, cancel it.

Starting plans every step on working days (:mod:`wattwerk.activities.planning`) — forward from
the start, or backward from the deadline — and creates one activity per step: open when it has
no predecessors, waiting otherwise. Each time a step is completed, cancelled (cancelled counts as
done: the chain goes on without it) or moved, and once an hour for every running chain, the rest
is re-planned: a waiting step opens when all its predecessors are done, and moves later when they
end later than planned (never earlier); steps under way keep their dates. When the deadline can
no longer be met, the owner and the head of the owner's department are warned at once — once per
chain.

What follows from the chain's rules (steps created, opened, moved; the chain completed) is done
by the system, not in the name of whoever completed a step: a department finishing its step may
not itself write the next step of another department, yet the next step must open.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from wattwerk.access.models import User
from wattwerk.core import operations, outbox
from wattwerk.core.querysets import Action

from . import links, planning
from .models import Activity, Chain, ChainTemplate

DONE = (Activity.Status.COMPLETED, Activity.Status.CANCELLED)
# Fixed once a chain runs: its steps were planned from them.
FIXED_FIELDS = ("template_id", "regarding_type_id", "regarding_id", "anchor_at")


def template_steps(template: ChainTemplate) -> tuple[list, dict]:
    """(the planning steps, the template steps by key) of a template."""
    steps = list(template.steps.select_related("role").prefetch_related("predecessors"))
    planned = [
        planning.Step(
            step.key,
            step.working_days,
            tuple(other.key for other in step.predecessors.all()),
        )
        for step in steps
    ]
    return planned, {step.key: step for step in steps}


def _plan(template: ChainTemplate, anchor_at: datetime, now: datetime) -> tuple[dict, bool]:
    """The planned steps and whether the deadline is missed already: a backward plan that would
    have to start in the past is planned forward from now instead."""
    steps, _by_key = template_steps(template)
    try:
        if template.anchor == ChainTemplate.Anchor.FORWARD:
            return planning.plan_forward(steps, anchor_at), False
        backward = planning.plan_backward(steps, anchor_at)
        if min((step.start for step in backward.values()), default=anchor_at) >= now:
            return backward, False
        replanned = planning.replan(steps, {}, now, anchor_at)
    except ValueError as error:  # a template whose steps do not form a plan
        raise ValidationError(
            {"template": _("Die Vorlage lässt sich nicht planen: %(error)s") % {"error": error}}
        ) from error
    return replanned.steps, replanned.late


def start_chain(
    *,
    template: ChainTemplate,
    regarding,
    anchor_at: datetime,
    acting_user,
    now: datetime,
    owner=None,
) -> Chain:
    """Start a chain on a record the user may read: the chain and (by the hook below) one
    activity per step."""
    with transaction.atomic():
        if acting_user is not None:
            operations.require(regarding, acting_user, Action.READ)
        return operations.create_record(
            instance=Chain(
                template=template,
                regarding_type=ContentType.objects.get_for_model(type(regarding)),
                regarding_id=regarding.pk,
                anchor_at=anchor_at,
                owner=owner or acting_user,
            ),
            acting_user=acting_user,
            now=now,
        )


@operations.after_write(Chain)
def _chain_written(chain: Chain, *, stored, deleted: bool, now, **context) -> None:
    """A new chain (from any surface: form, API, operation) gets its steps as activities; a
    running one keeps what it was planned from; a deleted one took its steps along, so the
    record's last and next activity follow."""
    if deleted:
        links.refresh(regarding_type=chain.regarding_type, regarding_id=chain.regarding_id)
        return
    if stored is not None:
        changed = [name for name in FIXED_FIELDS if getattr(stored, name) != getattr(chain, name)]
        if changed:
            raise ValidationError(
                _(
                    "Vorlage, Bezug und Beginn bzw. Frist einer gestarteten Kette bleiben; "
                    "brechen Sie sie ab und starten Sie eine neue."
                )
            )
        return
    plan, late = _plan(chain.template, chain.anchor_at, now)
    _steps, by_key = template_steps(chain.template)
    for key, step in by_key.items():
        waiting = bool(step.predecessors.all())
        holder = (
            role_holder(step.role, (chain.owner or chain.owner_team).department_id)
            if step.role_id
            else None
        )
        operations.create_record(
            instance=Activity(
                kind=step.kind,
                subject=step.subject,
                regarding_type=chain.regarding_type,
                regarding_id=chain.regarding_id,
                start=plan[key].start,
                due=plan[key].due,
                assigned_department=step.department,
                owner=holder or chain.owner,
                owner_team=None if holder else chain.owner_team,
                chain=chain,
                step=step,
                status=Activity.Status.WAITING if waiting else Activity.Status.OPEN,
            ),
            acting_user=None,  # the chain's rule, whoever started it (see the module's doc)
            now=now,
        )
    if late:
        _warn(chain, now=now, logged=False)  # its creation is logged after this, with the flag


def advance(chain: Chain, *, now: datetime) -> None:
    """After a step is done or moved (or on the hourly check): open what may start, move later
    what must, warn once when the deadline is lost, complete the chain when every step is done.
    In the caller's transaction, with the chain's row locked."""
    chain = Chain.objects.select_for_update().select_related("template").get(pk=chain.pk)
    if chain.status != Chain.Status.RUNNING:
        return
    steps, by_key = template_steps(chain.template)
    activities = {
        activity.step.key: activity
        for activity in chain.activities.select_related("step")
        if activity.step_id and activity.step.key in by_key
    }
    done = {
        key: activity.status_changed_at or now
        for key, activity in activities.items()
        if activity.status in DONE
    }
    # A step whose activity was deleted, or added to the template later: not waited for.
    done |= {key: now for key in by_key if key not in activities}
    if len(done) == len(by_key):
        chain.status = Chain.Status.COMPLETED
        operations.update_record(instance=chain, acting_user=None, now=now)
        return
    under_way = {
        key: planning.Planned(key, activity.start, activity.due)
        for key, activity in activities.items()
        if activity.status == Activity.Status.OPEN and activity.start and activity.due
    }
    replanned = planning.replan(steps, done, now, chain.deadline, fixed=under_way)
    for key, planned in replanned.steps.items():
        activity = activities.get(key)
        if activity is None or activity.status != Activity.Status.WAITING:
            continue
        opens = all(other.key in done for other in by_key[key].predecessors.all())
        later = activity.start is None or planned.start > activity.start
        if not (opens or later):
            continue
        if opens:
            activity.status = Activity.Status.OPEN
        if later:  # a late predecessor pushes it; an early one does not pull it forward
            activity.start, activity.due = planned.start, planned.due
        operations.update_record(instance=activity, acting_user=None, now=now)
    if replanned.late and chain.late_warned_at is None:
        _warn(chain, now=now)


def cancel_chain(*, chain: Chain, acting_user, now: datetime) -> Chain:
    """Stop a running chain: its waiting and open steps are cancelled (needs write on it)."""
    with transaction.atomic():
        chain = Chain.objects.select_for_update().get(pk=chain.pk)
        operations.require(chain, acting_user, Action.WRITE)
        if chain.status != Chain.Status.RUNNING:
            raise ValidationError(
                _("Die Kette ist bereits %(status)s.") % {"status": chain.get_status_display()}
            )
        chain.status = Chain.Status.CANCELLED
        operations.update_record(instance=chain, acting_user=acting_user, now=now)
        for activity in chain.activities.exclude(status__in=DONE):
            activity.status = Activity.Status.CANCELLED
            activity.status_changed_by, activity.status_changed_at = acting_user, now
            operations.update_record(instance=activity, acting_user=None, now=now)
    return chain


def check_running(*, now: datetime) -> int:
    """The hourly check: every running chain re-planned from now, so an overdue step moves its
    successors and a lost deadline is warned about at once. How many chains are late."""
    late = 0
    for chain in Chain.objects.filter(status=Chain.Status.RUNNING).iterator():
        with transaction.atomic():
            advance(chain, now=now)
            late += Chain.objects.filter(pk=chain.pk, late_warned_at__isnull=False).exists()
    return late


def role_holder(role, department_id: int | None):
    """Who takes work that names a role: an active person holding it (directly or through a
    team), from the given department if there is one there, else from anywhere; None if nobody
    holds it."""
    people = (
        User.objects.filter(is_active=True)
        .filter(Q(roles=role) | Q(teams__roles=role))
        .distinct()
        .order_by("pk")
    )
    return people.filter(department_id=department_id).first() or people.first()


def _warn(chain: Chain, *, now: datetime, logged: bool = True) -> None:
    """One e-mail each to the chain's owner and the head of the owner's department (the same
    person once), and the chain remembers it warned (in its history, too)."""
    owner = chain.owner
    department = owner.department if owner is not None else chain.owner_team.department
    recipients = []
    for person in (owner, department.head if department is not None else None):
        if person is not None and person.email and person.email not in recipients:
            recipients.append(person.email)
    deadline = formats.date_format(timezone.localtime(chain.anchor_at), "SHORT_DATETIME_FORMAT")
    url = settings.SITE_URL.rstrip("/") + chain.get_absolute_url()
    for recipient in recipients:
        outbox.queue_email(
            recipients=[recipient],
            subject=_("Frist gefährdet: %(chain)s") % {"chain": chain},
            body=_(
                "Die Aktivitätenkette „%(chain)s“ hält ihre Frist (%(deadline)s) nicht mehr: "
                "die offenen Schritte sind neu geplant und enden später.\n\n%(url)s\n"
            )
            % {"chain": chain, "deadline": deadline, "url": url},
            now=now,
        )
    chain.late_warned_at = now
    if logged:
        operations.update_record(instance=chain, acting_user=None, now=now)
    else:
        Chain.objects.filter(pk=chain.pk).update(late_warned_at=now)
