from wattwerk.core.api.views import RecordViewSet

from .. import filtersets
from ..models import Department, Role, Team, User
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


class RoleViewSet(RecordViewSet):
    """Roles: privileges per record type at a depth."""

    model = Role
    serializer_class = serializers.RoleSerializer
    filterset_class = filtersets.RoleFilterSet
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("privileges__content_type")
