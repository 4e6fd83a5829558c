from wattwerk.core.api.views import RecordViewSet

from .. import filtersets
from ..models import Department, User
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
