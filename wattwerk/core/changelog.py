"""Snapshots and differences of records, the raw material of the history (Verlauf).

The history stores raw values (ISO dates, decimal strings), plus, for references to other
records, the name the referenced record had at the time. Numbers, dates, yes/no and choice labels
are formatted when the history is read, in the reader's language.
"""

import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import history
from .models import ObjectChange, OwnedModel
from .querysets import Action

EVENT_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")


def _loggable_fields(instance: models.Model) -> list[models.Field]:
    return _loggable_fields_of(type(instance))


@cache
def _loggable_fields_of(model: type[models.Model]) -> list[models.Field]:
    # Each mixin names its own derived fields: the exclusions of every class add up.
    excluded = {
        name for klass in model.__mro__ for name in vars(klass).get("changelog_exclude", ())
    }
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in excluded
        and not field.primary_key
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ]


def _raw(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def format_value(field: models.Field, value: Any) -> str:
    """A stored value as the reader reads it: choice label, Ja/Nein, German number or date
    (or the field's own ``display``)."""
    if value is None or value == "":
        return ""
    if hasattr(field, "display"):
        return field.display(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Ja") if value else _("Nein")
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else value
        return localize(timezone.localtime(moment)) if moment else str(value)
    if isinstance(field, models.DateField):
        day = parse_date(value) if isinstance(value, str) else value
        return localize(day) if day else str(value)
    if isinstance(field, models.DecimalField):
        try:
            return localize(Decimal(value))
        except (InvalidOperation, TypeError):
            return str(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return localize(value)
    return str(value)


def field_display(instance: models.Model, field: models.Field) -> str:
    """A record's current value of one field, for its page."""
    if field.many_to_many:
        return ", ".join(str(related) for related in getattr(instance, field.name).all())
    if field.is_relation:
        related = getattr(instance, field.name)
        return str(related) if related is not None else ""
    return format_value(field, getattr(instance, field.attname))


def field_rows(
    instance: models.Model,
    names: Iterable[str],
    hidden: frozenset[str] = frozenset(),
    reader=None,
) -> list[tuple[str, str | None, bool]]:
    """(label, value, hidden) per field, for a record page, an e-mail, a PDF or an export.

    A field in ``hidden`` (see :func:`wattwerk.core.querysets.field_rights`) keeps its label and
    loses its value, so whatever renders the rows cannot show it by mistake. With a ``reader``
    (a record page), owned records it links to that the reader may not read are not named, and
    the ones the reader may read are linked to their pages (one query per such field, whatever
    the number of links).
    """
    rows = []
    for name in names:
        field = instance._meta.get_field(name)
        if name in hidden:
            value = None
        elif reader is not None and _is_owned_link(field):
            value = _readable_display(instance, field, reader)
        else:
            value = field_display(instance, field)
        rows.append((getattr(field, "verbose_name", name), value, name in hidden))
    return rows


def _is_owned_link(field: models.Field) -> bool:
    """A link to owned records — or a generic one (``related_model`` None), which may be."""
    return field.is_relation and (
        field.related_model is None or issubclass(field.related_model, OwnedModel)
    )


def _readable_display(instance: models.Model, field: models.Field, reader) -> str:
    """The linked records the reader may read, as links to their pages; the others counted."""
    if field.many_to_many:
        linked = list(getattr(instance, field.name).all())
    else:
        related = getattr(instance, field.name)
        linked = [related] if related is not None else []
    if not linked:
        return ""
    model = field.related_model or type(linked[0])
    if not issubclass(model, OwnedModel):
        return ", ".join(str(record) for record in linked)
    allowed = set(
        model.objects.restrict(reader, Action.READ)
        .filter(pk__in=[record.pk for record in linked])
        .values_list("pk", flat=True)
    )
    shown = [record for record in linked if record.pk in allowed]
    parts = [
        format_html('<a href="{}">{}</a>', record.get_absolute_url(), record)
        if getattr(record, "get_absolute_url", None) and record.get_absolute_url()
        else conditional_escape(str(record))
        for record in shown
    ]
    withheld = len(linked) - len(shown)
    if withheld:
        parts.append(conditional_escape(_("%(count)s ohne Leserecht") % {"count": withheld}))
    return mark_safe(", ".join(parts))  # each part escaped above


def snapshot(instance: models.Model) -> dict[str, tuple[Any, str | None]]:
    """Each logged field's raw value, and for a reference the referenced record's name."""
    result = {}
    for field in _loggable_fields(instance):
        raw = _raw(getattr(instance, field.attname))
        label = field_display(instance, field) if field.is_relation else None
        result[field.name] = (raw, label)
    return result


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def difference(before: dict, after: dict) -> dict[str, dict[str, Any]]:
    changes = {}
    for name in after.keys() | before.keys():
        (old, old_label), (new, new_label) = (
            before.get(name, (None, None)),
            after.get(name, (None, None)),
        )
        if old != new and not (_is_empty(old) and _is_empty(new)):
            change = {"old": old, "new": new}
            if old_label is not None or new_label is not None:
                change.update(old_label=old_label or "", new_label=new_label or "")
            changes[name] = change
    return changes


def change_rows(
    model: type[models.Model], entry: ObjectChange, hidden: frozenset[str] = frozenset()
) -> list[tuple[str, str, str]]:
    """(field label, old, new) of one history entry, formatted for the reader.

    For a business event, its data instead: (label, "", value), a label being the field's name
    when the key names a field of the record type. ``hidden`` are the secured fields the reader
    may not read: their change shows without values, event data under their name not at all
    (so an event that carries a secured value must key it by the field's name).
    """
    if entry.is_event:
        return [
            _event_row(model, name, value)
            for name, value in sorted(entry.data.items())
            if name not in hidden
        ]
    rows = []
    for name, change in sorted(entry.changes.items()):
        if name in hidden:
            label = str(model._meta.get_field(name).verbose_name)
            rows.append((label, _("verborgen"), _("verborgen")))
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a field removed since
            rows.append((name, str(change.get("old") or ""), str(change.get("new") or "")))
            continue
        old = (
            change["old_label"] if "old_label" in change else format_value(field, change.get("old"))
        )
        new = (
            change["new_label"] if "new_label" in change else format_value(field, change.get("new"))
        )
        rows.append((str(field.verbose_name), old, new))
    return rows


def _event_row(model: type[models.Model], name: str, value: Any) -> tuple[str, str, str]:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    label = getattr(field, "verbose_name", None) or name
    if isinstance(value, dict | list):
        shown = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif isinstance(field, models.Field) and not field.is_relation:
        shown = format_value(field, value)
    elif value is None:
        shown = ""
    elif isinstance(value, bool):
        shown = _("Ja") if value else _("Nein")
    elif isinstance(value, int | float):
        shown = localize(value)
    else:
        shown = str(value)
    return str(label), "", shown


def _entry(*, instance: models.Model, acting_user, now: datetime, object_id: Any) -> ObjectChange:
    department = getattr(acting_user, "department", None) if acting_user else None
    return ObjectChange(
        changed_at=now,
        user=acting_user if acting_user and acting_user.pk else None,
        user_name=acting_user.get_username() if acting_user else "",
        department_name=str(department)[:200] if department else "",
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(object_id if object_id is not None else instance.pk),
        object_repr=str(instance)[:200],
    )


def log_change(
    *,
    instance: models.Model,
    kind: ObjectChange.Kind,
    changes: dict,
    acting_user,
    now: datetime,
    object_id: Any = None,
) -> ObjectChange:
    """Append a create, update or delete of a record to the history (in the caller's
    transaction; see :func:`wattwerk.core.history.append`)."""
    entry = _entry(instance=instance, acting_user=acting_user, now=now, object_id=object_id)
    entry.kind, entry.changes = kind, changes
    return history.append(entry)


def creation_entry(*, instance: models.Model, acting_user, now: datetime) -> ObjectChange:
    """The (unsaved) history entry of a new record, for :func:`history.append_many`."""
    entry = _entry(instance=instance, acting_user=acting_user, now=now, object_id=None)
    entry.kind = ObjectChange.Kind.CREATE
    entry.changes = difference({}, snapshot(instance))
    return entry


def creation_entries(instances: list[models.Model], *, acting_user, now: datetime) -> list:
    """:func:`creation_entry` for many new records of one type, the records they link to read
    in one query per link rather than one per record."""
    unread = {
        field.name
        for instance in instances
        for field in instance._meta.concrete_fields
        if field.many_to_one
        and getattr(instance, field.attname) is not None
        and not field.is_cached(instance)
    }
    models.prefetch_related_objects(instances, *unread)
    return [
        creation_entry(instance=instance, acting_user=acting_user, now=now)
        for instance in instances
    ]


def log_event(
    *,
    instance: models.Model,
    event: str,
    message: str,
    data: dict | None = None,
    acting_user,
    now: datetime,
) -> ObjectChange:
    """Append a business event to a record's history: ``event`` a code (``"lead_qualified"``),
    ``message`` a short German sentence for the reader, ``data`` what else it needs to know."""
    entry = event_entry(
        instance=instance,
        event=event,
        message=message,
        data=data,
        acting_user=acting_user,
        now=now,
    )
    return history.append(entry)


def event_entry(
    *,
    instance: models.Model,
    event: str,
    message: str,
    data: dict | None = None,
    acting_user,
    now: datetime,
) -> ObjectChange:
    """The (unsaved) history entry of a business event (see :func:`log_event`)."""
    if not EVENT_CODE.fullmatch(event):
        raise ValueError(f"Ereignis-Code {event!r}: nur Kleinbuchstaben, Ziffern und _")
    if len(message) > ObjectChange._meta.get_field("message").max_length:
        raise ValueError(f"Meldung zu lang für den Verlauf: {message!r}")
    entry = _entry(instance=instance, acting_user=acting_user, now=now, object_id=None)
    entry.kind, entry.event, entry.message = ObjectChange.Kind.EVENT, event, str(message)
    entry.data = data or {}
    return entry


def history_for(instance: models.Model) -> models.QuerySet[ObjectChange]:
    return ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(instance)), object_id=str(instance.pk)
    )
