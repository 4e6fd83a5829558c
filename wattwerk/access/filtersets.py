import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from wattwerk.core.filtersets import RecordFilterSet

from .models import Department, FieldSecurityProfile, Role, Team, User


class DepartmentFilterSet(RecordFilterSet):
    search_fields = ("name", "code", "email")

    parent = django_filters.ModelChoiceFilter(
        label=_("übergeordnete Abteilung"), queryset=Department.objects.all()
    )
    below = django_filters.ModelChoiceFilter(
        label=_("innerhalb von"), queryset=Department.objects.all(), method="filter_below"
    )

    class Meta:
        model = Department
        fields = ["q", "parent", "below"]

    @extend_schema_field(OpenApiTypes.INT)  # the department's id
    def filter_below(self, queryset, name, value):
        return queryset.subtree(value) if value else queryset


class UserFilterSet(RecordFilterSet):
    search_fields = ("username", "first_name", "last_name", "email")

    department = django_filters.ModelChoiceFilter(
        label=_("Abteilung"), queryset=Department.objects.all()
    )

    class Meta:
        model = User
        fields = ["q", "department", "is_active"]


class TeamFilterSet(RecordFilterSet):
    search_fields = ("name", "description")

    department = django_filters.ModelChoiceFilter(
        label=_("Abteilung"), queryset=Department.objects.all()
    )
    member = django_filters.ModelChoiceFilter(
        label=_("Mitglied"), field_name="members", queryset=User.objects.all()
    )

    class Meta:
        model = Team
        fields = ["q", "department", "member"]


class RoleFilterSet(RecordFilterSet):
    search_fields = ("name", "description")

    class Meta:
        model = Role
        fields = ["q"]


class FieldSecurityProfileFilterSet(RecordFilterSet):
    search_fields = ("name", "description")

    user = django_filters.ModelChoiceFilter(
        label=_("Benutzer"), field_name="users", queryset=User.objects.all()
    )

    class Meta:
        model = FieldSecurityProfile
        fields = ["q", "user"]
