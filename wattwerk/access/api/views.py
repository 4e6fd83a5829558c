from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from wattwerk.core.api.exceptions import PreconditionFailed
from wattwerk.core.api.views import IF_MATCH, RecordViewSet, etag_for

from .. import filtersets, operations
from ..models import Department, FieldSecurityProfile, Privilege, Role, Team, User
from . import serializers


class DepartmentViewSet(RecordViewSet):
    """Departments (Abteilungen) of the organisation, as a tree via ``parent``."""

    model = Department
    serializer_class = serializers.DepartmentSerializer
    filterset_class = filtersets.DepartmentFilterSet
    ordering_fields = ["name", "code", "path", "created_at", "updated_at"]
    ordering = ["path"]


class UserViewSet(RecordViewSet):
    """Users and the department each belongs to."""

    model = User
    serializer_class = serializers.UserSerializer
    filterset_class = filtersets.UserFilterSet
    ordering_fields = ["username", "last_name", "first_name", "date_joined"]
    ordering = ["username"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("roles")


class TeamViewSet(RecordViewSet):
    """Owner teams: members from several departments, roles for all of them."""

    model = Team
    serializer_class = serializers.TeamSerializer
    filterset_class = filtersets.TeamFilterSet
    select_related = ("department",)
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("members", "roles")


def matrix_data(role: Role) -> list[dict]:
    """Every cell of the role's matrix: registered record types × privileges, keine included."""
    depths = operations.depths_of(role)
    return serializers.RoleMatrixCellSerializer(
        [
            {
                "record_type": row.record_type.slug,
                "privilege": privilege,
                "depth": depths.get((row.content_type_id, privilege), 0),
            }
            for row in operations.matrix_rows()
            for privilege in Privilege.values
        ],
        many=True,
    ).data


MATRIX = serializers.RoleMatrixCellSerializer(many=True)


class RoleViewSet(RecordViewSet):
    """Roles: privileges per record type at a depth."""

    model = Role
    serializer_class = serializers.RoleSerializer
    filterset_class = filtersets.RoleFilterSet
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("privileges__content_type")

    @extend_schema(
        methods=["GET"],
        responses=MATRIX,
        description="Die Rechtematrix der Rolle: jeder Datensatztyp × jedes Recht mit seiner "
        "Tiefe, auch die Zellen mit Tiefe 0 (keine).",
    )
    @extend_schema(
        methods=["PUT"],
        request=MATRIX,
        responses=MATRIX,
        parameters=[IF_MATCH],
        description="Setzt die genannten Zellen der Rechtematrix (nicht genannte behalten ihre "
        "Tiefe); braucht Schreibrecht auf die Rolle. Geänderte Zellen stehen in einem Eintrag "
        "im Verlauf der Rolle. Antwort: die ganze Matrix danach.",
    )
    @action(
        detail=True,
        methods=["get", "put"],
        url_path="privileges",
        pagination_class=None,
        filter_backends=[],
    )
    def privileges(self, request, *args, **kwargs):
        if request.method == "GET":
            return self.with_etag(Response(matrix_data(self.get_object())))
        with transaction.atomic():
            role = self.get_object()  # write on the role: 403 if only readable, else 404
            self.check_matrix_if_match(role)
            cells = serializers.RoleMatrixCellSerializer(data=request.data, many=True)
            cells.is_valid(raise_exception=True)
            content_type_ids = {
                row.record_type.slug: row.content_type_id for row in operations.matrix_rows()
            }
            depths = {
                (content_type_ids[cell["record_type"]], cell["privilege"]): cell["depth"]
                for cell in cells.validated_data
            }
            try:
                operations.set_role_privileges(
                    role=role, depths=depths, acting_user=request.user, now=timezone.now()
                )
            except DjangoValidationError as error:
                raise drf_serializers.ValidationError(get_error_detail(error)) from error
        return self.with_etag(Response(matrix_data(role)))

    def check_matrix_if_match(self, role: Role) -> None:
        expected = self.request.headers.get("If-Match")
        if not expected or expected.strip() == "*":
            return
        candidates = {tag.strip().removeprefix("W/") for tag in expected.split(",")}
        if etag_for(matrix_data(role)) not in candidates:
            raise PreconditionFailed


def profile_fields_data(profile: FieldSecurityProfile) -> list[dict]:
    """Every row of the profile's field matrix: each secured field of each registered record
    type, kein Zugriff included."""
    access = operations.field_access_of(profile)
    return serializers.ProfileFieldSerializer(
        [
            {
                "record_type": row.record_type.slug,
                "field": row.api_field,
                "access": access.get(row.key, operations.FieldAccess.NONE),
            }
            for row in operations.secured_field_rows()
        ],
        many=True,
    ).data


PROFILE_FIELDS = serializers.ProfileFieldSerializer(many=True)

# Which entry key names the problem in an error of set_profile_fields, by its code.
_PROFILE_FIELD_ERROR_KEYS = {"unknown_record_type": "record_type", "invalid_access": "access"}


def profile_field_errors(error: DjangoValidationError, positions: dict) -> dict | list:
    """The operation's errors keyed by the position of the entry each names ("0" → "access"),
    as the list serializer keys its own."""
    detail: dict[str, dict[str, list]] = {}
    for item in error.error_list:
        params = item.params or {}
        index = positions.get((params.get("content_type_id"), params.get("field_name")))
        if index is None:
            return get_error_detail(error)
        key = _PROFILE_FIELD_ERROR_KEYS.get(item.code, "field")
        detail.setdefault(str(index), {}).setdefault(key, []).extend(get_error_detail(item))
    return detail


class FieldSecurityProfileViewSet(RecordViewSet):
    """Field security profiles: which secured fields their holders may read or write."""

    model = FieldSecurityProfile
    serializer_class = serializers.FieldSecurityProfileSerializer
    filterset_class = filtersets.FieldSecurityProfileFilterSet
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("users", "teams")

    @extend_schema(
        methods=["GET"],
        responses=PROFILE_FIELDS,
        description="Die Feldrechte des Profils: jedes feldgesicherte Feld jedes Datensatztyps "
        "mit seinem Zugriff, auch die Felder ohne Zugriff (none).",
    )
    @extend_schema(
        methods=["PUT"],
        request=PROFILE_FIELDS,
        responses=PROFILE_FIELDS,
        parameters=[IF_MATCH],
        description="Setzt den Zugriff auf die genannten Felder (nicht genannte behalten ihren); "
        "braucht Schreibrecht auf das Profil. Geänderte Felder stehen in einem Eintrag im "
        "Verlauf des Profils. Antwort: alle Feldrechte danach.",
    )
    @action(
        detail=True,
        methods=["get", "put"],
        url_path="fields",
        url_name="fields",
        pagination_class=None,
        filter_backends=[],
    )
    def profile_fields(self, request, *args, **kwargs):
        if request.method == "GET":
            return self.with_etag(Response(profile_fields_data(self.get_object())))
        with transaction.atomic():
            profile = self.get_object()  # write on the profile: 403 if only readable, else 404
            self.check_fields_if_match(profile)
            entries = serializers.ProfileFieldSerializer(data=request.data, many=True)
            entries.is_valid(raise_exception=True)
            content_type_ids = {
                row.record_type.slug: row.content_type_id for row in operations.matrix_rows()
            }
            secured = {
                (row.record_type.slug, row.api_field): row.key
                for row in operations.secured_field_rows()
            }
            keys = [
                secured.get(
                    (entry["record_type"], entry["field"]),
                    (content_type_ids[entry["record_type"]], entry["field"]),
                )
                for entry in entries.validated_data
            ]
            access = {
                key: entry["access"]
                for key, entry in zip(keys, entries.validated_data, strict=True)
            }
            try:
                operations.set_profile_fields(
                    profile=profile, access=access, acting_user=request.user, now=timezone.now()
                )
            except DjangoValidationError as error:
                positions = {key: index for index, key in enumerate(keys)}
                detail = profile_field_errors(error, positions)
                raise drf_serializers.ValidationError(detail) from error
        return self.with_etag(Response(profile_fields_data(profile)))

    def check_fields_if_match(self, profile: FieldSecurityProfile) -> None:
        expected = self.request.headers.get("If-Match")
        if not expected or expected.strip() == "*":
            return
        candidates = {tag.strip().removeprefix("W/") for tag in expected.split(",")}
        if etag_for(profile_fields_data(profile)) not in candidates:
            raise PreconditionFailed
