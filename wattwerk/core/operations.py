"""Generic write operations for records: one transaction, validated, written to the history.

Record types without rules of their own are created, changed and deleted through these; an
app's own ``operations.py`` calls them for the bookkeeping and adds its business rules around.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from . import bulk, changelog, history
from .models import ObjectChange, OwnedModel
from .querysets import Action, field_rights, forget_rights


class UnableToDeleteRecord(Exception):
    """The record is still used by other records (or is the acting user's own account)."""

    def __init__(self, instance: models.Model, blocking: list[models.Model], message: str = ""):
        self.instance = instance
        self.blocking = blocking
        names = ", ".join(str(obj) for obj in blocking[:5])
        super().__init__(
            message
            or _("„%(record)s“ kann nicht gelöscht werden, weil es noch verwendet wird: %(names)s")
            % {"record": instance, "names": names}
        )


ManyToMany = dict[str, Iterable[models.Model]]

OWNER_FIELDS = ("owner", "owner_team")


def _m2m_snapshot(instance: models.Model) -> dict[str, tuple[list, str]]:
    """Many-to-many links (roles, team members) as sorted ids and the names linked."""
    result = {}
    for field in instance._meta.many_to_many:
        related = sorted(getattr(instance, field.name).all(), key=lambda obj: obj.pk)
        result[field.name] = ([obj.pk for obj in related], ", ".join(str(obj) for obj in related))
    return result


def _full_snapshot(instance: models.Model) -> dict:
    return {**changelog.snapshot(instance), **_m2m_snapshot(instance)}


def _set_many_to_many(
    instance: models.Model, many_to_many: ManyToMany | None, acting_user=None
) -> None:
    """Set the links the user chose; links to records the user may not read (so could not
    have chosen) are kept as they are."""
    for name, values in (many_to_many or {}).items():
        manager = getattr(instance, name)
        kept = []
        queryset = manager.model._default_manager.all()
        if acting_user is not None and hasattr(queryset, "restrict"):
            readable = queryset.restrict(acting_user, Action.READ).values("pk")
            kept = list(manager.exclude(pk__in=readable))
        manager.set([*values, *kept])


# Apps that keep figures derived from a record type (totals, say) register what to do after a
# create, update or delete of it, inside the operation's transaction: fn(instance, *, stored,
# deleted, acting_user, now) — ``stored`` the record as it was before an update, else None.
# A function may come with its form for many new records at once (``create_records``):
# fn(instances, *, acting_user, now), called once instead of the function for each.
_after_write: dict[type, list[Callable]] = defaultdict(list)
_for_many: dict[tuple[type, Callable], Callable] = {}


def after_write(model: type[models.Model], *, many: Callable | None = None) -> Callable:
    """``@after_write(Opportunity)`` registers the decorated function for that record type;
    ``many``: what it does for many new records at once."""

    def register(function: Callable) -> Callable:
        if function not in _after_write[model]:
            _after_write[model].append(function)
        if many is not None:
            _for_many[model, function] = many
        return function

    return register


# Apps that hang records off any other record (activities regarding it, say) register what to do
# when one is deleted, inside the delete's transaction: fn(model, object_id, *, acting_user, now).
_after_any_delete: list[Callable] = []


def after_any_delete(function: Callable) -> Callable:
    """``@after_any_delete`` registers the decorated function for deletes of every record type."""
    if function not in _after_any_delete:
        _after_any_delete.append(function)
    return function


# Apps that follow what happens to a record beyond its own fields (its lines changed, it was won,
# a lead qualified) register for such events, raised by the operation that does it inside its
# transaction: fn(instance, *, event, acting_user, now). A hook may refuse (ValidationError).
_after_event: dict[type, list[Callable]] = defaultdict(list)


def after_event(model: type[models.Model]) -> Callable:
    """``@after_event(Opportunity)`` registers the decorated function for that record type."""

    def register(function: Callable) -> Callable:
        if function not in _after_event[model]:
            _after_event[model].append(function)
        return function

    return register


# An app that can follow an event of many records at once more cheaply than one by one (the
# processes of a thousand imported leads) registers for the whole list instead:
# fn(instances, *, event, acting_user, now).
_after_events: dict[type, list[Callable]] = defaultdict(list)


def after_events(model: type[models.Model]) -> Callable:
    """``@after_events(Lead)`` registers the decorated function for that record type's events,
    called once with every record an operation raises the event for."""

    def register(function: Callable) -> Callable:
        if function not in _after_events[model]:
            _after_events[model].append(function)
        return function

    return register


def record_event(instance: models.Model, event: str, *, acting_user, now: datetime) -> None:
    """Tell the apps that follow this record type what just happened to a record."""
    record_events([instance], event, acting_user=acting_user, now=now)


def record_events(instances: list[models.Model], event: str, *, acting_user, now: datetime) -> None:
    """The same event for many records of one type (an import): apps registered for the list
    get it once, the others record by record."""
    if not instances:
        return
    model = type(instances[0])
    for function in _after_events.get(model, ()):
        function(instances, event=event, acting_user=acting_user, now=now)
    for function in _after_event.get(model, ()):
        for instance in instances:
            function(instance, event=event, acting_user=acting_user, now=now)


def _written(
    instance: models.Model, *, acting_user, now: datetime, stored=None, deleted: bool = False
) -> None:
    for function in _after_write.get(type(instance), ()):
        function(instance, stored=stored, deleted=deleted, acting_user=acting_user, now=now)


def within_reach(instance: models.Model, acting_user, action: str) -> bool:
    """Whether the user may do ``action`` on this record (``None``: the system, always)."""
    if acting_user is None:  # the system itself (demo loader, migrations)
        return True
    return type(instance).objects.restrict(acting_user, action).filter(pk=instance.pk).exists()


def require(instance: models.Model, acting_user, action: str) -> None:
    """Refuse (PermissionDenied) when the user may not do ``action`` on this record."""
    if not within_reach(instance, acting_user, action):
        raise PermissionDenied(
            _("Dazu fehlt Ihnen das Recht an „%(record)s“.") % {"record": instance}
        )


def check_secured_writes(instance: models.Model, acting_user, stored: models.Model | None):
    """A secured field the user may not write must keep its value (its default when new)."""
    read_only = field_rights(acting_user, type(instance)).read_only
    refused = {}
    for name in sorted(read_only):
        field = instance._meta.get_field(name)
        before = getattr(stored, field.attname) if stored is not None else field.get_default()
        if getattr(instance, field.attname) != before:
            refused[name] = _(
                "Sie dürfen das Feld „%(field)s“ nicht ändern (Feldsicherheit). "
                "Es wurde nichts gespeichert."
            ) % {"field": field.verbose_name}
    if refused:
        raise ValidationError(refused)


def _out_of_reach_after_save() -> ValidationError:
    return ValidationError(
        _(
            "So gespeichert läge der Datensatz außerhalb Ihres Bereichs (Abteilung oder "
            "Verantwortliche). Es wurde nichts gespeichert."
        )
    )


def create_record(
    *, instance: models.Model, acting_user, now: datetime, many_to_many: ManyToMany | None = None
) -> models.Model:
    """Validate and save a new record, and note it in its history.

    A record with an owner that names none belongs to the user who creates it. A record the user
    could not have created where it ends up (another department, say) is rolled back.
    """
    with transaction.atomic():
        unowned = isinstance(instance, OwnedModel) and not (
            instance.owner_id or instance.owner_team_id
        )
        if unowned:
            instance.owner = acting_user
        check_secured_writes(instance, acting_user, stored=None)
        instance.full_clean()
        instance.save()
        _set_many_to_many(instance, many_to_many, acting_user)
        forget_rights(acting_user)  # the write may change them: a team one joins, say
        if not within_reach(instance, acting_user, Action.CREATE):
            raise _out_of_reach_after_save()
        _written(instance, acting_user=acting_user, now=now)
        changelog.log_change(
            instance=instance,
            kind=ObjectChange.Kind.CREATE,
            changes=changelog.difference({}, _full_snapshot(instance)),
            acting_user=acting_user,
            now=now,
        )
    return instance


def create_records(
    *, model: type[models.Model], instances: list[models.Model], acting_user, now: datetime
) -> list[models.Model]:
    """:func:`create_record` for many new records of one type that the system makes at once (the
    stage tasks of imported leads): each validated, all inserted in batches (:mod:`.bulk`), the
    after-write hooks for each, their history in one append. The database checks the table's
    constraints on insert rather than a query per record. All or nothing."""
    with transaction.atomic():
        for instance in instances:
            if isinstance(instance, OwnedModel) and not (
                instance.owner_id or instance.owner_team_id
            ):
                instance.owner = acting_user
            check_secured_writes(instance, acting_user, stored=None)
            given = [  # related records handed over as objects exist: no query each
                field.name
                for field in model._meta.concrete_fields
                if field.many_to_one
                and field.is_cached(instance)
                and field.get_cached_value(instance) is not None
            ]
            instance.full_clean(exclude=given, validate_constraints=False)
            if isinstance(instance, OwnedModel):
                instance.take_owning_department()  # as save() does
        bulk.insert(model, instances, batch=1000)
        forget_rights(acting_user)
        if acting_user is not None:
            reachable = model.objects.restrict(acting_user, Action.CREATE)
            for start in range(0, len(instances), 1000):
                ids = [instance.pk for instance in instances[start : start + 1000]]
                if reachable.filter(pk__in=ids).count() != len(ids):
                    raise _out_of_reach_after_save()
        for function in _after_write.get(model, ()):
            if (model, function) in _for_many:
                _for_many[model, function](instances, acting_user=acting_user, now=now)
                continue
            for instance in instances:
                function(instance, stored=None, deleted=False, acting_user=acting_user, now=now)
        history.append_many(changelog.creation_entries(instances, acting_user=acting_user, now=now))
    return instances


def update_record(
    *, instance: models.Model, acting_user, now: datetime, many_to_many: ManyToMany | None = None
) -> dict:
    """Validate and save changes to a record; returns what changed (field → old/new).

    Handing the record to another owner needs the assign privilege on it; any other change must
    leave the record within what the user may write, or nothing is saved.
    """
    with transaction.atomic():
        stored = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
        if not within_reach(stored, acting_user, Action.WRITE):
            raise PermissionDenied
        before = _full_snapshot(stored)
        reassigned = any(
            getattr(stored, f"{name}_id", None) != getattr(instance, f"{name}_id", None)
            for name in OWNER_FIELDS
            if hasattr(stored, f"{name}_id")
        )
        if reassigned and not within_reach(stored, acting_user, Action.ASSIGN):
            raise ValidationError(
                {"owner": _("Sie dürfen diesen Datensatz niemand anderem zuweisen.")}
            )
        check_secured_writes(instance, acting_user, stored=stored)
        instance.full_clean()
        instance.save()
        _set_many_to_many(instance, many_to_many, acting_user)
        forget_rights(acting_user)
        if not reassigned and not within_reach(instance, acting_user, Action.WRITE):
            raise _out_of_reach_after_save()
        _written(instance, acting_user=acting_user, now=now, stored=stored)
        changes = changelog.difference(before, _full_snapshot(instance))
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
        if not within_reach(instance, acting_user, Action.DELETE):
            raise PermissionDenied
        if acting_user is not None and instance == acting_user:
            raise UnableToDeleteRecord(
                instance, [], _("Das eigene Benutzerkonto kann man nicht selbst löschen.")
            )
        object_id = instance.pk
        before = _full_snapshot(instance)
        try:
            instance.delete()
        except (ProtectedError, RestrictedError) as error:
            blocking = list(getattr(error, "protected_objects", None) or error.restricted_objects)
            raise UnableToDeleteRecord(instance, blocking) from error
        _written(instance, acting_user=acting_user, now=now, deleted=True)
        for function in _after_any_delete:
            function(type(instance), object_id, acting_user=acting_user, now=now)
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
    "after_any_delete",
    "after_event",
    "after_write",
    "create_record",
    "delete_record",
    "record_event",
    "require",
    "update_record",
    "within_reach",
]
