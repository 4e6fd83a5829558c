from django import forms
from django.utils.translation import gettext_lazy as _

from wattwerk.core.forms import RecordForm

from .models import Department, User


class DepartmentForm(RecordForm):
    class Meta:
        model = Department
        fields = ["name", "code", "parent", "email", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class UserForm(RecordForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "department", "is_active"]
        help_texts = {"username": _("Anmeldename; Buchstaben, Ziffern und @/./+/-/_.")}
