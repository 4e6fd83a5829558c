"""Generic write operations for records: one transaction, validated, written to the history.

Record types without rules of their own are created, changed and deleted through these; an
app's own ``operations.py`` calls them for the bookkeeping and adds its business rules around.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from . import changelog
from .models import ObjectChange, OwnedModel


class UnableToDeleteRecord(Exception):
    """The record is still used by other records."""

    def __init__(self, instance: models.Model, blocking: list[models.Model]):
        self.instance = instance
        self.blocking = blocking
        names = ", ".join(str(obj) for obj in blocking[:5])
        super().__init__(
            _("„%(record)s“ kann nicht gelöscht werden, weil es noch verwendet wird: %(names)s")
            % {"record": instance, "names": names}
        )


def create_record(*, instance: models.Model, acting_user, now: datetime) -> models.Model:
    """Validate and save a new record, and note it in its history.

    A record with an owner that names none belongs to the user who creates it.
    """
    with transaction.atomic():
        unowned = isinstance(instance, OwnedModel) and not (
            instance.owner_id or instance.owner_team_id
        )
        if unowned:
            instance.owner = acting_user
        instance.full_clean()
        instance.save()
        changes = changelog.difference({}, changelog.snapshot(instance))
        changelog.log_change(
            instance=instance,
            kind=ObjectChange.Kind.CREATE,
            changes=changes,
            acting_user=acting_user,
            now=now,
        )
    return instance


def update_record(*, instance: models.Model, acting_user, now: datetime) -> dict:
    """Validate and save changes to a record; returns what changed (field → old/new)."""
    with transaction.atomic():
        stored = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
        before = changelog.snapshot(stored)
        instance.full_clean()
        instance.save()
        changes = changelog.difference(before, changelog.snapshot(instance))
        if changes:
            changelog.log_change(
                instance=instance,
                kind=ObjectChange.Kind.UPDATE,
                changes=changes,
                acting_user=acting_user,
                now=now,
            )
    return changes


def delete_record(*, instance: models.Model, acting_user, now: datetime) -> None:
    """Delete a record that nothing else uses any more, and note it in its history."""
    with transaction.atomic():
        object_id = instance.pk
        before = changelog.snapshot(instance)
        try:
            instance.delete()
        except (ProtectedError, RestrictedError) as error:
            blocking = list(getattr(error, "protected_objects", None) or error.restricted_objects)
            raise UnableToDeleteRecord(instance, blocking) from error
        changelog.log_change(
            instance=instance,
            kind=ObjectChange.Kind.DELETE,
            changes=changelog.difference(before, {}),
            acting_user=acting_user,
            now=now,
            object_id=object_id,
        )


__all__ = [
    "UnableToDeleteRecord",
    "ValidationError",
    "create_record",
    "delete_record",
    "update_record",
]
