"""Keeping a record's last and next activity right (see :class:`models.ActivityLinks`)."""

from . import queries
from .models import ActivityLinks


def refresh(*, regarding_type, regarding_id) -> None:
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
