from django import forms
from django.utils.translation import gettext_lazy as _

from wattwerk.core.forms import RecordForm

from .models import Department, FieldSecurityProfile, Role, Team, User


class DepartmentForm(RecordForm):
    class Meta:
        model = Department
        fields = ["name", "code", "parent", "email", "tasks_by_email", "head", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class UserForm(RecordForm):
    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "department",
            "roles",
            "is_active",
        ]
        help_texts = {"username": _("Anmeldename; Buchstaben, Ziffern und @/./+/-/_.")}


class TeamForm(RecordForm):
    class Meta:
        model = Team
        fields = ["name", "department", "members", "roles", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class RoleForm(RecordForm):
    class Meta:
        model = Role
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class FieldSecurityProfileForm(RecordForm):
    class Meta:
        model = FieldSecurityProfile
        fields = ["name", "description", "users", "teams"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
