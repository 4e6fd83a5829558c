"""Keeping a record's last and next activity right (see :class:`models.ActivityLinks`)."""

from django.db.models import OuterRef, Subquery

from . import queries
from .models import Activity, ActivityLinks


def refresh(*, regarding_type, regarding_id) -> None:
    """Store the regarding record's last and next activity afresh (its row locked first, so
    two writers on one record queue up instead of each storing a stale pair)."""
    refresh_many(regarding_type=regarding_type, ids=[regarding_id])


def refresh_many(*, regarding_type, ids) -> None:
    """:func:`refresh` for many records of one type, in one lock and one update."""
    if regarding_type is None:
        return
    model = regarding_type.model_class()
    if model is None or not issubclass(model, ActivityLinks):
        return
    rows = model._base_manager.filter(pk__in=list(ids))
    locked = list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
    if not locked:
        return
    activities = Activity.objects.filter(regarding_type=regarding_type, regarding_id=OuterRef("pk"))
    model._base_manager.filter(pk__in=locked).update(
        last_activity_id=Subquery(queries.last_of(activities).values("pk")[:1]),
        next_activity_id=Subquery(queries.next_of(activities).values("pk")[:1]),
    )
