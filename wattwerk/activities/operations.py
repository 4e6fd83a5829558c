"""Writes on activities beyond the generic create, update and delete: complete, cancel and
reschedule. Every write keeps the regarding record's last and next activity right, in the same
transaction (the after-write hook below also covers the generic operations), and a step of a
chain moves the chain on (:mod:`wattwerk.activities.chains`)."""

from collections import defaultdict
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wattwerk.core import operations
from wattwerk.core.querysets import Action

from . import chains, links, notifications
from .models import Activity, Chain


def _activities_created(activities: list[Activity], *, now, **context) -> None:
    regarding = defaultdict(set)
    for activity in activities:
        if notifications.opens_for_a_department(activity, None):
            notifications.notify_department(activity, now=now)
        regarding[activity.regarding_type_id].add(activity.regarding_id)
    for type_id, ids in regarding.items():
        if type_id is not None:
            links.refresh_many(regarding_type=ContentType.objects.get_for_id(type_id), ids=ids)


@operations.after_write(Activity, many=_activities_created)
def _activity_written(activity: Activity, *, stored, deleted: bool, now, **context) -> None:
    if not deleted and notifications.opens_for_a_department(activity, stored):
        notifications.notify_department(activity, now=now)
    places = {(activity.regarding_type, activity.regarding_id)}
    if stored is not None:
        places.add((stored.regarding_type, stored.regarding_id))
    for regarding_type, regarding_id in places:
        links.refresh(regarding_type=regarding_type, regarding_id=regarding_id)


@operations.after_any_delete
def _regarding_deleted(model, object_id, *, acting_user, now: datetime) -> None:
    """A deleted record's running chains and activities not yet closed end with it: cancelled
    (by the system, the deletion in their history), so no work list or feed keeps them."""
    if model in (Activity, Chain):
        return
    regarding = {
        "regarding_type": ContentType.objects.get_for_model(model),
        "regarding_id": object_id,
    }
    for chain in Chain.objects.filter(**regarding, status=Chain.Status.RUNNING):
        chains.cancel_chain(chain=chain, acting_user=None, now=now)
    for activity in Activity.objects.filter(**regarding).exclude(status__in=chains.DONE):
        activity.status = Activity.Status.CANCELLED
        activity.status_changed_by, activity.status_changed_at = acting_user, now
        activity.outcome = activity.outcome or _("Der Datensatz wurde gelöscht.")
        operations.update_record(instance=activity, acting_user=None, now=now)


def _locked(activity: Activity) -> Activity:
    """The activity's row locked — its chain's first, so two steps of one chain finished at
    once queue up on the chain instead of each waiting for the other's row."""
    chain_id = Activity.objects.filter(pk=activity.pk).values_list("chain_id", flat=True).get()
    if chain_id is not None:
        Chain.objects.select_for_update().filter(pk=chain_id).first()
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _refuse_if_closed(activity: Activity, message: str) -> None:
    if activity.status in chains.DONE:
        raise ValidationError(message % {"status": activity.get_status_display()})


def _change_status(activity, status, *, outcome, acting_user, now) -> Activity:
    with transaction.atomic():
        activity = _locked(activity)
        operations.require(activity, acting_user, Action.WRITE)
        _refuse_if_closed(activity, _("Die Aktivität ist bereits %(status)s."))
        activity.status = status
        activity.status_changed_by = acting_user
        activity.status_changed_at = now
        if outcome:
            activity.outcome = outcome.strip()
        operations.update_record(instance=activity, acting_user=acting_user, now=now)
        if activity.chain_id:
            chains.advance(activity.chain, now=now)
    return activity


def complete_activity(*, activity: Activity, acting_user, now: datetime, outcome: str = ""):
    """Done, with who and when, and optionally what came of it; a chain's next steps open."""
    return _change_status(
        activity, Activity.Status.COMPLETED, outcome=outcome, acting_user=acting_user, now=now
    )


def cancel_activity(*, activity: Activity, acting_user, now: datetime, outcome: str = ""):
    """Not done and not to be done; in a chain, the next steps go on without it."""
    return _change_status(
        activity, Activity.Status.CANCELLED, outcome=outcome, acting_user=acting_user, now=now
    )


def reschedule_activity(
    *, activity: Activity, start: datetime | None, due: datetime | None, acting_user, now
) -> Activity:
    """New start and due of an activity not yet closed; a chain's later steps follow."""
    with transaction.atomic():
        activity = _locked(activity)
        operations.require(activity, acting_user, Action.WRITE)
        _refuse_if_closed(
            activity, _("Nur offene Aktivitäten lassen sich verschieben; diese ist %(status)s.")
        )
        activity.start, activity.due = start, due
        operations.update_record(instance=activity, acting_user=acting_user, now=now)
        if activity.chain_id:
            chains.advance(activity.chain, now=now)
    return activity


def move_activity(*, activity: Activity, due: datetime, acting_user, now: datetime) -> Activity:
    """To a new due date as a whole: the start moves along, so the activity keeps its length."""
    start = activity.start
    if start is not None and activity.due is not None:
        start = due - (activity.due - start)
    return reschedule_activity(
        activity=activity, start=start, due=due, acting_user=acting_user, now=now
    )
