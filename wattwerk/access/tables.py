import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wattwerk.core.tables import RecordTable

from .models import Department, FieldSecurityProfile, Role, Team, User


class DepartmentTable(RecordTable):
    name = tables.Column(linkify=True, order_by=("path",))
    parent = tables.Column(verbose_name=_("übergeordnet"))

    class Meta(RecordTable.Meta):
        model = Department
        fields = ("name", "code", "parent", "email")


class UserTable(RecordTable):
    username = tables.Column(linkify=True)
    department = tables.Column()

    class Meta(RecordTable.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "department", "is_active")


class TeamTable(RecordTable):
    name = tables.Column(linkify=True)

    class Meta(RecordTable.Meta):
        model = Team
        fields = ("name", "department", "description")


class RoleTable(RecordTable):
    name = tables.Column(linkify=True)

    class Meta(RecordTable.Meta):
        model = Role
        fields = ("name", "description")


class FieldSecurityProfileTable(RecordTable):
    name = tables.Column(linkify=True)

    class Meta(RecordTable.Meta):
        model = FieldSecurityProfile
        fields = ("name", "description")
