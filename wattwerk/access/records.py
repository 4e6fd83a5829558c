"""The record types of this app, registered for the generic pages."""

from django.utils.translation import gettext_lazy as _

from wattwerk.core.registry import Tab, registry

from . import filtersets, forms, tables
from .models import Department, FieldSecurityProfile, Role, Team, User

registry.register(
    Department,
    slug="departments",
    form_class=forms.DepartmentForm,
    table_class=tables.DepartmentTable,
    filterset_class=filtersets.DepartmentFilterSet,
    icon="bi-diagram-3",
    menu_group=_("Organisation"),
    detail_fields=("name", "code", "parent", "email", "tasks_by_email", "head", "description"),
    list_select_related=("parent",),
)
registry.register(
    User,
    slug="users",
    form_class=forms.UserForm,
    table_class=tables.UserTable,
    filterset_class=filtersets.UserFilterSet,
    icon="bi-people",
    menu_group=_("Organisation"),
    detail_fields=(
        "username",
        "first_name",
        "last_name",
        "email",
        "department",
        "roles",
        "is_active",
    ),
    list_select_related=("department",),
)
registry.register(
    Team,
    slug="teams",
    form_class=forms.TeamForm,
    table_class=tables.TeamTable,
    filterset_class=filtersets.TeamFilterSet,
    icon="bi-people-fill",
    menu_group=_("Organisation"),
    detail_fields=("name", "department", "members", "roles", "description"),
    list_select_related=("department",),
)
registry.register(
    Role,
    slug="roles",
    form_class=forms.RoleForm,
    table_class=tables.RoleTable,
    filterset_class=filtersets.RoleFilterSet,
    icon="bi-shield-lock",
    menu_group=_("Organisation"),
    detail_fields=("name", "description"),
    tabs=(Tab(name="privileges", label=_("Rechte"), url_name="roles_privileges"),),
)
registry.register(
    FieldSecurityProfile,
    slug="field-profiles",
    form_class=forms.FieldSecurityProfileForm,
    table_class=tables.FieldSecurityProfileTable,
    filterset_class=filtersets.FieldSecurityProfileFilterSet,
    icon="bi-lock",
    menu_group=_("Organisation"),
    detail_fields=("name", "description", "users", "teams"),
    tabs=(Tab(name="fields", label=_("Felder"), url_name="field-profiles_fields"),),
)
