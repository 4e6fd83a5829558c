"""The one restriction every user-facing queryset passes through.

``Model.objects.restrict(user, action)`` turns the user's rights into a SQL filter. In this
foundation the rights are Django's model permissions (whole organisation or nothing); the access
issue replaces the body of :func:`restrict_queryset` with role grants at a depth, sharing and teams,
without changing a single caller.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("Anlegen")
    READ = "read", _("Lesen")
    WRITE = "write", _("Schreiben")
    DELETE = "delete", _("Löschen")


_DJANGO_PERMISSION = {
    Action.CREATE: "add",
    Action.READ: "view",
    Action.WRITE: "change",
    Action.DELETE: "delete",
}


def permission_name(model: type[models.Model], action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}.{_DJANGO_PERMISSION[Action(action)]}_{opts.model_name}"


def user_can(user, model: type[models.Model], action: str) -> bool:
    """Whether the user holds the privilege on the record type at all (e.g. to offer "Neu")."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(permission_name(model, action))


def restrict_queryset(queryset: models.QuerySet, user, action: str) -> models.QuerySet:
    if not user_can(user, queryset.model, action):
        return queryset.none()
    return queryset


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what one user may do."""

    def restrict(self, user, action: str = Action.READ) -> "RestrictedQuerySet":
        return restrict_queryset(self, user, action)

    def get_for(self, user, action: str, **lookup) -> models.Model:
        """The one record the user may act on, the same answer for pages and API.

        Out of reach (or not an id at all): ``Http404``, so its existence does not leak.
        Readable but the action is not allowed: ``PermissionDenied`` (403).
        """
        try:
            return self.restrict(user, action).get(**lookup)
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
