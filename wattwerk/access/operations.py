"""Operations on roles (the matrix of privileges per record type, each at a depth) and on field
security profiles (which secured fields their holders may read or write)."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from wattwerk.core import changelog
from wattwerk.core.querysets import Action, secured_holders, secured_name, secured_parts
from wattwerk.core.registry import RecordType, registry

from .models import (
    Depth,
    FieldPermission,
    FieldSecurityProfile,
    Privilege,
    Role,
    RolePrivilege,
)
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


def _lock_within_write_reach(instance: models.Model, acting_user) -> None:
    """Lock the record's row until the transaction ends; refuse one the user may not write."""
    records = type(instance).objects.all()
    if acting_user is not None:  # None: the system itself (demo loader, migrations)
        records = records.restrict(acting_user, Action.WRITE)
    locked = records.select_for_update(of=("self",)).filter(pk=instance.pk)
    if not list(locked.values_list("pk", flat=True)):
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


# --- Field security profiles: which secured fields a profile lets its holders read or write ---

FieldKey = tuple[int, str]
"""One row of a profile's field matrix: (content type id of the record type, field name)."""


class FieldAccess(models.TextChoices):
    """What a field security profile allows on one secured field."""

    NONE = "none", gettext_lazy("kein Zugriff")
    READ = "read", gettext_lazy("lesen")
    WRITE = "write", gettext_lazy("lesen und schreiben")


@dataclass(frozen=True)
class SecuredFieldRow:
    """One secured field of a registered record type (or of its child rows, such as a quote's
    lines), a row of the profile's field matrix."""

    record_type: RecordType
    content_type_id: int
    field_name: str
    part: str = ""  # the relation to the child rows holding the field ("lines"), or none

    @property
    def key(self) -> FieldKey:
        return (self.content_type_id, self.field_name)

    @property
    def model(self) -> type:
        model = self.record_type.model
        return secured_parts(model)[self.part] if self.part else model

    @property
    def api_field(self) -> str:
        """The field as the API names it: "rating", or "lines.price_ct_kwh" on child rows."""
        return secured_name(self.part, self.field_name)

    @property
    def record_type_label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def field_label(self) -> str:
        return str(self.model._meta.get_field(self.field_name).verbose_name)

    @property
    def label(self) -> str:
        """ "Notizen · Bonitätsnote", "Angebotszeilen · Arbeitspreis (ct/kWh)" """
        return f"{self.record_type_label} · {self.field_label}"


def secured_field_rows() -> list[SecuredFieldRow]:
    """Every secured field of every registered record type and of its secured parts, in the
    registry's order and then the order of ``secured_fields`` (content types come from Django's
    cache: one query at most, whatever the number of rows)."""
    holders = [
        (rt, part, model)
        for rt in registry
        for part, model in secured_holders(rt.model)
        if getattr(model, "secured_fields", ())
    ]
    if not holders:
        return []
    content_types = ContentType.objects.get_for_models(*(model for _rt, _part, model in holders))
    return [
        SecuredFieldRow(rt, content_types[model].pk, name, part)
        for rt, part, model in holders
        for name in model.secured_fields
    ]


def field_access_of(profile: FieldSecurityProfile) -> dict[FieldKey, str]:
    """What the profile allows on each secured field it has a row for (one query); a missing
    row is kein Zugriff."""
    rows = FieldPermission.objects.filter(profile=profile).values_list(
        "content_type_id", "field_name", "can_read", "can_write"
    )
    return {
        (content_type_id, name): _access_of(can_read, can_write)
        for content_type_id, name, can_read, can_write in rows
    }


def _access_of(can_read: bool, can_write: bool) -> str:
    if can_read and can_write:
        return FieldAccess.WRITE
    return FieldAccess.READ if can_read else FieldAccess.NONE


def _access_label(access: str) -> str:
    return str(FieldAccess(access).label) if access in FieldAccess.values else str(access)


def _field_row_name(key: FieldKey, rows: dict[FieldKey, SecuredFieldRow], models_) -> str:
    """ "Notizen · Bonitätsnote", also for a row that names no registered record type or no
    secured field (then its field's label if it has one, else the name as sent)."""
    if key in rows:
        return rows[key].label
    content_type_id, name = key
    model = models_.get(content_type_id)
    if model is None:
        return _("Datensatztyp %(id)s · %(field)s") % {"id": content_type_id, "field": name}
    try:
        field_label = str(model._meta.get_field(name).verbose_name)
    except (FieldDoesNotExist, TypeError):
        field_label = str(name)
    return f"{model._meta.verbose_name_plural} · {field_label}"


def _field_errors(access: dict, rows: dict[FieldKey, SecuredFieldRow]) -> list[ValidationError]:
    # The record types and their secured parts (a quote's lines), by content type.
    holders = {row.content_type_id: row.record_type.model for row in matrix_rows()}
    holders |= {row.content_type_id: row.model for row in rows.values()}
    errors = []
    for key, value in access.items():
        content_type_id, name = key
        params = {
            "row": _field_row_name(key, rows, holders),
            "value": value,
            "content_type_id": content_type_id,
            "field_name": name,
        }
        if content_type_id not in holders:
            message, code = _("%(row)s: kein bekannter Datensatztyp."), "unknown_record_type"
        elif key not in rows:
            message, code = _("%(row)s: kein feldgesichertes Feld."), "unknown_field"
        elif not isinstance(value, str) or value not in FieldAccess.values:
            message = _(
                "%(row)s: „%(value)s“ ist kein gültiger Zugriff "
                "(none kein Zugriff, read lesen, write lesen und schreiben)."
            )
            code = "invalid_access"
        else:
            continue
        errors.append(ValidationError(message, code=code, params=params))
    return errors


def set_profile_fields(
    *, profile: FieldSecurityProfile, access: dict[FieldKey, str], acting_user, now: datetime
) -> dict[FieldKey, tuple[str, str]]:
    """Set what a field security profile allows on secured fields; returns what changed
    (row → old and new access).

    ``access`` maps (content type id, field name) to "none", "read" or "write"; rows it does not
    name keep theirs. Only changed rows are written (none deletes the field permission), and
    the profile's history gets one entry listing each change, "Notizen · Bonitätsnote":
    "kein Zugriff → lesen und schreiben"; none when nothing changed. Needs write on the profile.
    A row naming no registered record type, no field that record type secures or no known
    access is refused with a ValidationError naming it; nothing is saved.
    """
    with transaction.atomic():
        _lock_within_write_reach(profile, acting_user)
        rows = {row.key: row for row in secured_field_rows()}
        errors = _field_errors(access, rows)
        if errors:
            raise ValidationError(errors)
        stored = field_access_of(profile)
        changes = {
            key: (FieldAccess(stored.get(key, FieldAccess.NONE)), FieldAccess(value))
            for key, value in access.items()
            if stored.get(key, FieldAccess.NONE) != value
        }
        if not changes:
            return {}
        for (content_type_id, name), (_old, new) in changes.items():
            if new == FieldAccess.NONE:
                FieldPermission.objects.filter(
                    profile=profile, content_type_id=content_type_id, field_name=name
                ).delete()
            else:
                FieldPermission.objects.update_or_create(
                    profile=profile,
                    content_type_id=content_type_id,
                    field_name=name,
                    defaults={"can_read": True, "can_write": new == FieldAccess.WRITE},
                )
        # The history is kept in the site's language, whoever made the change.
        with translation.override(settings.LANGUAGE_CODE):
            data = {
                rows[key].label: f"{_access_label(old)} → {_access_label(new)}"
                for key, (old, new) in changes.items()
            }
            message = ngettext(
                "%(count)d Feldrecht des Profils geändert",
                "%(count)d Feldrechte des Profils geändert",
                len(changes),
            ) % {"count": len(changes)}
        changelog.log_event(
            instance=profile,
            event="field_permissions_changed",
            message=message,
            data=data,
            acting_user=acting_user,
            now=now,
        )
    if acting_user is not None:
        forget_rights(acting_user)  # the user may hold the profile just changed
    return changes


__all__ += [
    "FieldAccess",
    "FieldKey",
    "SecuredFieldRow",
    "field_access_of",
    "secured_field_rows",
    "set_profile_fields",
]
