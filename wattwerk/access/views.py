"""The role matrix (a role's privileges per record type, each at a depth) and the field matrix of
a field security profile (what it allows on each secured field), each on one tab."""

import re
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from wattwerk.core.querysets import Action
from wattwerk.core.registry import RecordType, registry
from wattwerk.core.views import RecordView, render_page

from . import operations
from .models import Depth, FieldSecurityProfile, Privilege, Role

CELL_FIELD = re.compile(r"cell-([0-9]+)-(\w+)")
NUMBER = re.compile(r"[0-9]+")


def cell_field(content_type_id: int, privilege: str) -> str:
    """The name of a cell's ``<select>``: ``cell-<content type id>-<privilege>``."""
    return f"cell-{content_type_id}-{privilege}"


@dataclass(frozen=True)
class MatrixCell:
    field: str
    label: str  # "Abteilungen · Lesen", for screen readers and error messages
    depth: int
    invalid: bool


def posted_depths(data: QueryDict) -> dict:
    """The cells of a submitted matrix; a depth that is not a number is passed on as sent, for
    the operation to refuse by name. Fields that are no cells (the CSRF token) are ignored."""
    depths: dict = {}
    for name, value in data.items():
        match = CELL_FIELD.fullmatch(name)
        if match:
            value = value.strip()
            depths[(int(match[1]), match[2])] = int(value) if NUMBER.fullmatch(value) else value
    return depths


def matrix_groups(depths: dict, invalid: set) -> list[tuple[str, list[tuple[str, list]]]]:
    """[(menu group, [(record type label, [MatrixCell per privilege])])], grouped as in the
    navigation bar."""
    groups: dict[str, list] = {}
    for row in operations.matrix_rows():
        cells = [
            MatrixCell(
                field=cell_field(row.content_type_id, privilege),
                label=f"{row.label} · {label}",
                depth=depths.get((row.content_type_id, privilege), Depth.NONE),
                invalid=(row.content_type_id, privilege) in invalid,
            )
            for privilege, label in Privilege.choices
        ]
        groups.setdefault(str(row.record_type.menu_group), []).append((row.label, cells))
    return list(groups.items())


class RolePrivilegesView(RecordView):
    """The "Rechte" tab of a role: readable with read on the role, saved with write on it."""

    template_name = "access/role_privileges.html"

    @property
    def record_type(self) -> RecordType:
        return registry.for_model(Role)

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        role = self.get_object(Action.READ)
        return self.render_matrix(role, operations.depths_of(role))

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        role = self.get_object(Action.WRITE)
        depths = posted_depths(request.POST)
        try:
            changes = operations.set_role_privileges(
                role=role, depths=depths, acting_user=request.user, now=timezone.now()
            )
        except operations.ValidationError as error:
            invalid = {
                (item.params["content_type_id"], item.params["privilege"])
                for item in error.error_list
                if item.params and "content_type_id" in item.params
            }
            # The other cells as they were sent, so that the user corrects only the named ones.
            shown = {
                **operations.depths_of(role),
                **{cell: depth for cell, depth in depths.items() if cell not in invalid},
            }
            return self.render_matrix(
                role, shown, invalid=invalid, errors=error.messages, status=422
            )
        if changes:
            messages.success(
                request, _("Rechte der Rolle „%(role)s“ wurden gespeichert.") % {"role": role}
            )
        else:
            messages.info(
                request,
                _("An den Rechten der Rolle „%(role)s“ hat sich nichts geändert.") % {"role": role},
            )
        return redirect("roles_privileges", pk=role.pk)

    def render_matrix(
        self,
        role: Role,
        depths: dict,
        *,
        invalid: set | None = None,
        errors: list[str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context = self.base_context(
            object=role,
            active_tab="privileges",
            privileges=Privilege.choices,
            depths=Depth.choices,
            groups=matrix_groups(depths, invalid or set()),
            errors=errors or [],
        )
        response = render_page(self.request, self.template_name, context, partial="tab")
        response.status_code = status
        return response


# --- The "Felder" tab of a field security profile -----------------------------------------------

PROFILE_FIELD = re.compile(r"field-([0-9]+)-(\w+)")


def profile_field(content_type_id: int, field_name: str) -> str:
    """The name of a row's ``<select>``: ``field-<content type id>-<field name>``."""
    return f"field-{content_type_id}-{field_name}"


@dataclass(frozen=True)
class ProfileFieldRow:
    field: str
    label: str  # the field's name, "Bonitätsnote"
    full_label: str  # "Notizen · Bonitätsnote", for screen readers and error messages
    access: str
    invalid: bool


def posted_field_access(data: QueryDict) -> dict:
    """The rows of a submitted field matrix, values as sent (stripped), for the operation to
    check. Fields that are no rows (the CSRF token) are ignored."""
    return {
        (int(match[1]), match[2]): value.strip()
        for name, value in data.items()
        if (match := PROFILE_FIELD.fullmatch(name))
    }


def profile_field_groups(access: dict, invalid: set) -> list[tuple[str, list[ProfileFieldRow]]]:
    """[(record type label, [ProfileFieldRow per secured field])], in the registry's order."""
    groups: dict[str, list[ProfileFieldRow]] = {}
    for row in operations.secured_field_rows():
        groups.setdefault(row.record_type_label, []).append(
            ProfileFieldRow(
                field=profile_field(row.content_type_id, row.field_name),
                label=row.field_label,
                full_label=row.label,
                access=access.get(row.key, operations.FieldAccess.NONE),
                invalid=row.key in invalid,
            )
        )
    return list(groups.items())


class ProfileFieldsView(RecordView):
    """The "Felder" tab of a field security profile: readable with read on the profile, saved
    with write on it."""

    template_name = "access/profile_fields.html"

    @property
    def record_type(self) -> RecordType:
        return registry.for_model(FieldSecurityProfile)

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        profile = self.get_object(Action.READ)
        return self.render_fields(profile, operations.field_access_of(profile))

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        profile = self.get_object(Action.WRITE)
        access = posted_field_access(request.POST)
        try:
            changes = operations.set_profile_fields(
                profile=profile, access=access, acting_user=request.user, now=timezone.now()
            )
        except operations.ValidationError as error:
            invalid = {
                (item.params["content_type_id"], item.params["field_name"])
                for item in error.error_list
                if item.params and "content_type_id" in item.params
            }
            # The other rows as they were sent, so that the user corrects only the named ones.
            shown = {
                **operations.field_access_of(profile),
                **{key: value for key, value in access.items() if key not in invalid},
            }
            return self.render_fields(
                profile, shown, invalid=invalid, errors=error.messages, status=422
            )
        if changes:
            messages.success(
                request,
                _("Die Feldrechte des Profils „%(profile)s“ wurden gespeichert.")
                % {"profile": profile},
            )
        else:
            messages.info(
                request,
                _("An den Feldrechten des Profils „%(profile)s“ hat sich nichts geändert.")
                % {"profile": profile},
            )
        return redirect("field-profiles_fields", pk=profile.pk)

    def render_fields(
        self,
        profile: FieldSecurityProfile,
        access: dict,
        *,
        invalid: set | None = None,
        errors: list[str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context = self.base_context(
            object=profile,
            active_tab="fields",
            choices=operations.FieldAccess.choices,
            groups=profile_field_groups(access, invalid or set()),
            errors=errors or [],
        )
        response = render_page(self.request, self.template_name, context, partial="tab")
        response.status_code = status
        return response
