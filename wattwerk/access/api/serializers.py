from rest_framework import serializers

from wattwerk.core.api.serializers import RecordSerializer

from ..models import Department, Role, RolePrivilege, Team, User


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
