from rest_framework import serializers

from wattwerk.core.api.serializers import RecordSerializer

from ..models import Department, User


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
            "is_active",
            "date_joined",
        ]
        read_only_fields = ["date_joined"]
