from django.utils.translation import gettext as _
from rest_framework import serializers

from wattwerk.core.api.serializers import RecordSerializer
from wattwerk.core.registry import registry

from ..models import (
    Department,
    Depth,
    FieldSecurityProfile,
    Privilege,
    Role,
    RolePrivilege,
    Team,
    User,
)
from ..operations import FieldAccess


class DepartmentSerializer(RecordSerializer):
    depth = serializers.IntegerField(
        read_only=True, help_text="Ebene im Abteilungsbaum (0 = oberste)"
    )

    class Meta:
        model = Department
        fields = [
            "id",
            "display",
            "name",
            "code",
            "parent",
            "email",
            "tasks_by_email",
            "head",
            "description",
            "depth",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class UserSerializer(RecordSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "display",
            "username",
            "first_name",
            "last_name",
            "email",
            "department",
            "roles",
            "is_active",
            "date_joined",
        ]
        read_only_fields = ["date_joined"]


class TeamSerializer(RecordSerializer):
    class Meta:
        model = Team
        fields = ["id", "display", "name", "department", "members", "roles", "description"]


class RolePrivilegeSerializer(serializers.ModelSerializer):
    record_type = serializers.SerializerMethodField(help_text="app_label.model")

    class Meta:
        model = RolePrivilege
        fields = ["record_type", "privilege", "depth"]

    def get_record_type(self, privilege) -> str:
        return f"{privilege.content_type.app_label}.{privilege.content_type.model}"


class RoleSerializer(RecordSerializer):
    privileges = RolePrivilegeSerializer(many=True, read_only=True)

    class Meta:
        model = Role
        fields = ["id", "display", "name", "description", "privileges"]


class RoleMatrixCellListSerializer(serializers.ListSerializer):
    """The cells of a matrix; each cell at most once. Errors are keyed by the entry's position."""

    def to_internal_value(self, data):
        cells = super().to_internal_value(data)
        errors = {}
        first: dict[tuple[str, str], int] = {}
        for index, cell in enumerate(cells):
            key = (cell["record_type"], cell["privilege"])
            if key in first:
                errors[str(index)] = {
                    "privilege": [
                        _("Dieses Recht dieses Datensatztyps steht schon in Eintrag %(index)d.")
                        % {"index": first[key]}
                    ]
                }
            first.setdefault(key, index)
        if errors:
            raise serializers.ValidationError(errors)
        return cells


class RoleMatrixCellSerializer(serializers.Serializer):
    """One cell of a role's matrix: how far one privilege on one record type reaches."""

    record_type = serializers.ChoiceField(
        choices=[], help_text="Kürzel des Datensatztyps, wie in seiner URL (z. B. departments)"
    )
    privilege = serializers.ChoiceField(choices=Privilege.choices, help_text="Recht")
    depth = serializers.ChoiceField(
        choices=Depth.choices,
        help_text=(
            "Tiefe: 0 keine, 1 eigene Datensätze, 2 eigene Abteilung, "
            "3 eigene Abteilung und darunter, 4 ganze Organisation"
        ),
    )

    class Meta:
        list_serializer_class = RoleMatrixCellListSerializer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The registry is complete only once every app is loaded, so the choices are read here.
        self.fields["record_type"].choices = [record_type.slug for record_type in registry]


class FieldSecurityProfileSerializer(RecordSerializer):
    class Meta:
        model = FieldSecurityProfile
        fields = ["id", "display", "name", "description", "users", "teams"]


class ProfileFieldListSerializer(serializers.ListSerializer):
    """The rows of a profile's field matrix; each row at most once. Errors are keyed by the
    entry's position."""

    def to_internal_value(self, data):
        rows = super().to_internal_value(data)
        errors = {}
        first: dict[tuple[str, str], int] = {}
        for index, row in enumerate(rows):
            key = (row["record_type"], row["field"])
            if key in first:
                errors[str(index)] = {
                    "field": [
                        _("Dieses Feld dieses Datensatztyps steht schon in Eintrag %(index)d.")
                        % {"index": first[key]}
                    ]
                }
            first.setdefault(key, index)
        if errors:
            raise serializers.ValidationError(errors)
        return rows


class ProfileFieldSerializer(serializers.Serializer):
    """One row of a field security profile: what it allows on one secured field."""

    record_type = serializers.ChoiceField(
        choices=[], help_text="Kürzel des Datensatztyps, wie in seiner URL (z. B. notes)"
    )
    field = serializers.CharField(
        max_length=100,
        help_text=(
            "Name des feldgesicherten Felds, wie in der API (z. B. rating); "
            "Felder von Zeilen mit der Beziehung davor (z. B. lines.price_ct_kwh bei quotes)"
        ),
    )
    access = serializers.ChoiceField(
        choices=FieldAccess.choices,
        help_text="Zugriff: none kein Zugriff, read lesen, write lesen und schreiben",
    )

    class Meta:
        list_serializer_class = ProfileFieldListSerializer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The registry is complete only once every app is loaded, so the choices are read here.
        self.fields["record_type"].choices = [record_type.slug for record_type in registry]
