"""Operations on roles: the matrix of privileges per record type, each at a depth."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wattwerk.core import changelog
from wattwerk.core.querysets import Action
from wattwerk.core.registry import RecordType, registry

from .models import Depth, Privilege, Role, RolePrivilege
from .rights import forget_rights

Cell = tuple[int, str]
"""One cell of a role's matrix: (content type id of the record type, privilege)."""


@dataclass(frozen=True)
class MatrixRow:
    """One row of the matrix: a registered record type and its content type."""

    record_type: RecordType
    content_type_id: int

    @property
    def label(self) -> str:
        return self.record_type.verbose_name_plural


def matrix_rows() -> list[MatrixRow]:
    """Every registered record type, in the registry's order (content types come from Django's
    cache: one query at most, whatever the number of record types)."""
    record_types = list(registry)
    content_types = ContentType.objects.get_for_models(*(rt.model for rt in record_types))
    return [MatrixRow(rt, content_types[rt.model].pk) for rt in record_types]


def depths_of(role: Role) -> dict[Cell, int]:
    """The depth of each cell the role has a row for (one query); a missing cell is keine."""
    rows = RolePrivilege.objects.filter(role=role).values_list(
        "content_type_id", "privilege", "depth"
    )
    return {(content_type_id, privilege): depth for content_type_id, privilege, depth in rows}


def _is_depth(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in Depth.values


def _depth_label(depth: int) -> str:
    return str(dict(Depth.choices).get(depth, depth))


def _cell_name(cell: Cell, labels: dict[int, str]) -> str:
    """ "Abteilungen · Lesen", also for a cell that names no known record type or privilege."""
    content_type_id, privilege = cell
    record_type = labels.get(content_type_id) or _("Datensatztyp %(id)s") % {"id": content_type_id}
    if privilege in Privilege.values:
        privilege = Privilege(privilege).label
    return f"{record_type} · {privilege}"


def _cell_errors(depths: dict, labels: dict[int, str]) -> list[ValidationError]:
    errors = []
    for cell, depth in depths.items():
        content_type_id, privilege = cell
        params = {
            "cell": _cell_name(cell, labels),
            "depth": depth,
            "content_type_id": content_type_id,
            "privilege": privilege,
        }
        if content_type_id not in labels:
            message, code = _("%(cell)s: kein bekannter Datensatztyp."), "unknown_record_type"
        elif privilege not in Privilege.values:
            message, code = _("%(cell)s: kein bekanntes Recht."), "unknown_privilege"
        elif not _is_depth(depth):
            message = _(
                "%(cell)s: „%(depth)s“ ist keine gültige Tiefe (0 keine bis 4 ganze Organisation)."
            )
            code = "invalid_depth"
        else:
            continue
        errors.append(ValidationError(message, code=code, params=params))
    return errors


def _lock_within_write_reach(role: Role, acting_user) -> None:
    """Lock the role's row until the transaction ends; refuse a role the user may not write."""
    if acting_user is None:  # the system itself (demo loader, migrations)
        roles = Role.objects.all()
    else:
        roles = Role.objects.restrict(acting_user, Action.WRITE)
    locked = roles.select_for_update(of=("self",)).filter(pk=role.pk).values_list("pk", flat=True)
    if not list(locked):
        raise PermissionDenied


def set_role_privileges(
    *, role: Role, depths: dict[Cell, int], acting_user, now: datetime
) -> dict[Cell, tuple[int, int]]:
    """Set cells of a role's matrix to a depth; returns what changed (cell → old and new depth).

    ``depths`` maps (content type id, privilege) to a depth; cells it does not name keep theirs.
    Only changed cells are written (keine deletes the row), and the role's history gets one
    entry listing each change, "Abteilungen · Lesen": "keine → ganze Organisation"; none when
    nothing changed. Needs write on the role. A cell naming no registered record type, no known
    privilege or no valid depth is refused with a ValidationError naming it; nothing is saved.
    """
    with transaction.atomic():
        _lock_within_write_reach(role, acting_user)
        rows = matrix_rows()
        errors = _cell_errors(depths, {row.content_type_id: row.label for row in rows})
        if errors:
            raise ValidationError(errors)
        stored = depths_of(role)
        changes = {
            cell: (stored.get(cell, Depth.NONE), depth)
            for cell, depth in depths.items()
            if stored.get(cell, Depth.NONE) != depth
        }
        if not changes:
            return {}
        for (content_type_id, privilege), (_old, new) in changes.items():
            cell_rows = RolePrivilege.objects.filter(
                role=role, content_type_id=content_type_id, privilege=privilege
            )
            if new == Depth.NONE:
                cell_rows.delete()
            else:
                RolePrivilege.objects.update_or_create(
                    role=role,
                    content_type_id=content_type_id,
                    privilege=privilege,
                    defaults={"depth": new},
                )
        # The history is kept in the site's language, whoever made the change.
        with translation.override(settings.LANGUAGE_CODE):
            labels = {row.content_type_id: row.label for row in rows}
            data = {
                _cell_name(cell, labels): f"{_depth_label(old)} → {_depth_label(new)}"
                for cell, (old, new) in changes.items()
            }
            message = ngettext(
                "%(count)d Recht der Rolle geändert",
                "%(count)d Rechte der Rolle geändert",
                len(changes),
            ) % {"count": len(changes)}
        changelog.log_event(
            instance=role,
            event="privileges_changed",
            message=message,
            data=data,
            acting_user=acting_user,
            now=now,
        )
    if acting_user is not None:
        forget_rights(acting_user)  # the user may hold the role just changed
    return changes


__all__ = [
    "Cell",
    "MatrixRow",
    "ValidationError",
    "depths_of",
    "matrix_rows",
    "set_role_privileges",
]
