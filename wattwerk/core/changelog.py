"""Snapshots and differences of records, the raw material of the history (Verlauf)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.formats import localize

from .models import ObjectChange


def _loggable_fields(instance: models.Model) -> list[models.Field]:
    excluded = set(getattr(instance, "changelog_exclude", ()))
    return [
        field
        for field in instance._meta.concrete_fields
        if field.name not in excluded
        and not field.primary_key
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ]


def _raw(value: Any) -> Any:
    if isinstance(value, datetime | date | Decimal):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    return value


def _display(instance: models.Model, field: models.Field) -> str:
    """What a person reads: the related record's name, a choice's label, German formats."""
    value = getattr(instance, field.attname)
    if value is None or value == "":
        return ""
    if field.is_relation:
        related = getattr(instance, field.name)
        return str(related) if related is not None else ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Ja" if value else "Nein"
    if isinstance(value, datetime):
        return localize(timezone.localtime(value))
    if isinstance(value, date | Decimal | int | float):
        return localize(value)
    return str(value)


def snapshot(instance: models.Model) -> dict[str, tuple[Any, str]]:
    """Each logged field's stored value and its display text."""
    return {
        field.name: (_raw(getattr(instance, field.attname)), _display(instance, field))
        for field in _loggable_fields(instance)
    }


def difference(before: dict, after: dict) -> dict[str, dict[str, Any]]:
    changes = {}
    for name in after.keys() | before.keys():
        old, new = before.get(name, (None, "")), after.get(name, (None, ""))
        if old[0] != new[0] and not (old[0] in (None, "") and new[0] in (None, "")):
            changes[name] = {
                "old": old[0],
                "new": new[0],
                "old_display": old[1],
                "new_display": new[1],
            }
    return changes


def log_change(
    *,
    instance: models.Model,
    kind: ObjectChange.Kind,
    changes: dict,
    acting_user,
    now: datetime,
    object_id: Any = None,
) -> ObjectChange:
    department = getattr(acting_user, "department", None) if acting_user else None
    return ObjectChange.objects.create(
        changed_at=now,
        user=acting_user if acting_user and acting_user.pk else None,
        user_name=acting_user.get_username() if acting_user else "",
        department_name=str(department) if department else "",
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(object_id if object_id is not None else instance.pk),
        object_repr=str(instance)[:200],
        kind=kind,
        changes=changes,
    )


def history_for(instance: models.Model) -> models.QuerySet[ObjectChange]:
    return ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)), object_id=str(instance.pk)
    ).select_related("user")
