"""The one restriction every user-facing queryset passes through.

``Model.objects.restrict(user, action)`` turns the user's rights into one SQL filter. The rules
themselves (roles with depth, teams, shares) live in :mod:`wattwerk.access.rights`, which plugs
itself in here when the app loads; core knows only this interface, so it imports no app.

How far "own records", "own department" and "department and below" reach is read from the
model: ``access_owner`` (path to the owning user, ``"pk"`` for users themselves),
``access_owner_team`` (path to the owning team), ``access_department`` (path to the department's
id) and ``access_department_path`` (path to the department's tree path). A model without them
is organisation data: only a grant for the whole organisation reaches it.

Field-level security works alongside: a model names its sensitive fields in ``secured_fields``
(credit rating, debtor number, price calculation); only holders of a field security profile
read or write them. Child rows that are no record type of their own (a quote's lines) secure
fields the same way, and the record type names them in ``secured_parts``. :func:`field_rights`
answers, per user and record type, which of them are hidden and which are read-only; forms,
tables, filters, the API and the history ask it.
"""

from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("Anlegen")
    READ = "read", _("Lesen")
    WRITE = "write", _("Schreiben")
    DELETE = "delete", _("Löschen")
    ASSIGN = "assign", _("Zuweisen")
    SHARE = "share", _("Freigeben")


class RightsProvider(Protocol):
    def restrict(self, queryset: models.QuerySet, user, action: str) -> models.QuerySet: ...

    def can(self, user, model: type[models.Model], action: str) -> bool: ...

    def explain(self, user, instance: models.Model) -> list: ...

    def secured_field_rights(
        self, user, model: type[models.Model]
    ) -> tuple[frozenset[str], frozenset[str]]: ...

    def forget(self, user) -> None: ...


class DenyAll:
    """Until an app provides the rules: administrators see everything, nobody else anything."""

    def restrict(self, queryset, user, action):
        return queryset if is_superuser(user) else queryset.none()

    def can(self, user, model, action):
        return is_superuser(user)

    def explain(self, user, instance):
        return []

    def secured_field_rights(self, user, model):
        everything = secured_fields(model) if is_superuser(user) else frozenset()
        return everything, everything

    def forget(self, user):
        pass


_provider: RightsProvider = DenyAll()


def set_rights_provider(provider: RightsProvider) -> None:
    global _provider
    _provider = provider


def is_active_user(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_superuser(user) -> bool:
    return is_active_user(user) and user.is_superuser


def forget_rights(user) -> None:
    """Read the user's rights afresh next time: a write changed roles, teams or departments."""
    if user is not None:
        _provider.forget(user)


def user_can(user, model: type[models.Model], action: str) -> bool:
    """Whether the user holds the privilege on the record type at all (e.g. to offer "Neu")."""
    return is_active_user(user) and _provider.can(user, model, action)


def explain_access(user, instance: models.Model) -> list:
    """Why the user may read, write or delete this record: roles, depths, teams, shares."""
    return _provider.explain(user, instance) if is_active_user(user) else []


def secured_fields(model: type[models.Model]) -> frozenset[str]:
    """The field names a record type protects by field-level security."""
    return frozenset(getattr(model, "secured_fields", ()))


def secured_parts(model: type[models.Model]) -> dict[str, type[models.Model]]:
    """The child rows of a record type that secure fields of their own (a quote's lines and
    their prices): relation name → model, from the record type's ``secured_parts``."""
    return {
        name: model._meta.get_field(name).related_model
        for name in getattr(model, "secured_parts", ())
    }


def secured_holders(model: type[models.Model]) -> list[tuple[str, type[models.Model]]]:
    """The record type itself (relation "") and its secured parts: where its secured fields
    live."""
    return [("", model), *secured_parts(model).items()]


def secured_name(part: str, name: str) -> str:
    """A secured field as the API names it: "rating", or "lines.price_ct_kwh" on a part."""
    return f"{part}.{name}" if part else name


@dataclass(frozen=True)
class FieldRights:
    """What one user may do with the secured fields of one record type."""

    hidden: frozenset[str] = frozenset()  # no read: the value appears nowhere
    read_only: frozenset[str] = frozenset()  # read, but no write (includes the hidden ones)

    def may_read(self, name: str) -> bool:
        return name not in self.hidden

    def may_write(self, name: str) -> bool:
        return name not in self.read_only


def field_rights(user, model: type[models.Model]) -> FieldRights:
    """The secured fields of ``model`` the user may not read, and those they may not write.

    ``user=None`` is the system itself (demo loader, migrations, tasks acting for nobody).
    """
    secured = secured_fields(model)
    if not secured or user is None:
        return FieldRights()
    readable, writable = (
        _provider.secured_field_rights(user, model)
        if is_active_user(user)
        else (frozenset(), frozenset())
    )
    return FieldRights(hidden=secured - readable, read_only=secured - (writable & readable))


def hidden_in_history(user, model: type[models.Model]) -> frozenset[str]:
    """The secured fields whose values a record's history must not show the user: the record
    type's own and its parts' (a line's price change is logged on its quote, keyed by the
    field's name)."""
    hidden = frozenset()
    for _part, holder in secured_holders(model):
        hidden |= field_rights(user, holder).hidden
    return hidden


def restrict_queryset(queryset: models.QuerySet, user, action: str) -> models.QuerySet:
    if not is_active_user(user):
        return queryset.none()
    return _provider.restrict(queryset, user, action)


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what one user may do."""

    def restrict(self, user, action: str = Action.READ) -> "RestrictedQuerySet":
        return restrict_queryset(self, user, action)

    def get_for(self, user, action: str, **lookup) -> models.Model:
        """The one record the user may act on, the same answer for pages and API.

        Out of reach (or not an id at all): ``Http404``, so its existence does not leak.
        Readable but the action is not allowed: ``PermissionDenied`` (403). Every action needs
        read as well: a form or an answer would otherwise show what the user may not read.
        """
        allowed = self.restrict(user, action)
        if action != Action.READ:
            allowed = allowed.restrict(user, Action.READ)
        try:
            return allowed.get(**lookup)
        except (self.model.DoesNotExist, ValueError, TypeError, ValidationError):
            pass
        if action != Action.READ:
            readable = self.model._default_manager.all().restrict(user, Action.READ)
            try:
                if readable.filter(**lookup).exists():
                    raise PermissionDenied
            except (ValueError, TypeError, ValidationError):
                pass
        raise Http404
