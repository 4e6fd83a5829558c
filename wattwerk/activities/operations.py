"""Writes on activities beyond the generic create, update and delete: complete, cancel and
reschedule. Every write keeps the regarding record's last and next activity right, in the same
transaction (the after-write hook below also covers the generic operations)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wattwerk.core import operations
from wattwerk.core.querysets import Action

from . import chains, notifications, queries
from .models import Activity, ActivityLinks


def refresh_links(regarding_type, regarding_id) -> None:
    """Store the regarding record's last and next activity afresh (its row locked first, so
    two writers on one record queue up instead of each storing a stale pair)."""
    if regarding_type is None:
        return
    model = regarding_type.model_class()
    if model is None or not issubclass(model, ActivityLinks):
        return
    rows = model._base_manager.select_for_update().filter(pk=regarding_id)
    if not rows.exists():
        return
    last, upcoming = queries.last_and_next(regarding_type, regarding_id)
    rows.update(last_activity_id=last, next_activity_id=upcoming)


@operations.after_write(Activity)
def _activity_written(activity: Activity, *, stored, deleted: bool, **context) -> None:
    if not deleted and notifications.opens_for_a_department(activity, stored):
        notifications.notify_department(activity, now=context["now"])
    places = {(activity.regarding_type, activity.regarding_id)}
    if stored is not None:
        places.add((stored.regarding_type, stored.regarding_id))
    for regarding_type, regarding_id in places:
        refresh_links(regarding_type, regarding_id)


def _change_status(activity, status, *, outcome, acting_user, now) -> Activity:
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        operations.require(activity, acting_user, Action.WRITE)
        if activity.status in chains.DONE:
            raise ValidationError(
                _("Die Aktivität ist bereits %(status)s.")
                % {"status": activity.get_status_display()}
            )
        activity.status = status
        activity.status_changed_by = acting_user
        activity.status_changed_at = now
        if outcome:
            activity.outcome = outcome.strip()
        operations.update_record(instance=activity, acting_user=acting_user, now=now)
        if activity.chain_id:
            chains.advance(activity.chain, acting_user=acting_user, now=now)
    return activity


def complete_activity(*, activity: Activity, acting_user, now: datetime, outcome: str = ""):
    """Done, with who and when, and optionally what came of it."""
    return _change_status(
        activity, Activity.Status.COMPLETED, outcome=outcome, acting_user=acting_user, now=now
    )


def cancel_activity(*, activity: Activity, acting_user, now: datetime, outcome: str = ""):
    return _change_status(
        activity, Activity.Status.CANCELLED, outcome=outcome, acting_user=acting_user, now=now
    )


def reschedule_activity(
    *, activity: Activity, start: datetime | None, due: datetime | None, acting_user, now
) -> Activity:
    """New start and due of an open activity."""
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        operations.require(activity, acting_user, Action.WRITE)
        if activity.status in chains.DONE:
            raise ValidationError(
                _("Nur offene Aktivitäten lassen sich verschieben; diese ist %(status)s.")
                % {"status": activity.get_status_display()}
            )
        activity.start, activity.due = start, due
        operations.update_record(instance=activity, acting_user=acting_user, now=now)
    return activity
