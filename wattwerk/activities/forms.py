"""The activity form; its field list is shared with the record page and the API."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from wattwerk.core.forms import RecordForm
from wattwerk.core.models import OwnedModel
from wattwerk.core.registry import registry

from .models import Activity, Chain, ChainTemplate

ACTIVITY_FIELDS = (
    "kind",
    "subject",
    "description",
    "regarding_type",
    "regarding_id",
    "start",
    "due",
    "priority",
    "assigned_department",
    "contacts",
    "users",
    "outcome",
    "owner",
)
ACTIVITY_DERIVED = ("status", "status_changed_by", "status_changed_at")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def regarding_models() -> list[type]:
    """The record types an activity may regard: the owned business records (leads,
    opportunities, accounts, contacts, delivery points, …), not lists and settings."""
    return [
        record_type.model
        for record_type in registry
        if issubclass(record_type.model, OwnedModel) and record_type.model is not Activity
    ]


def regarding_types():
    """The content types of the record types an activity may regard."""
    models = regarding_models()
    ids = [ContentType.objects.get_for_model(model).pk for model in models]
    return ContentType.objects.filter(pk__in=ids)


def check_activity(values: dict, user) -> dict:
    """What the form and the API both check beyond the model: the regarding record is one the
    user may read; participants only for calls, appointments and e-mails."""
    errors = {}
    regarding_type, regarding_id = values.get("regarding_type"), values.get("regarding_id")
    if regarding_type is not None and regarding_id is not None:
        model = regarding_type.model_class()
        readable = model.objects.restrict(user, "read").filter(pk=regarding_id).exists()
        if not readable:
            errors["regarding_id"] = _(
                "Diesen Datensatz gibt es nicht oder Sie dürfen ihn nicht lesen."
            )
    if values.get("kind") not in Activity.WITH_PARTICIPANTS:
        for name in ("contacts", "users"):
            if values.get(name):
                errors[name] = _("Teilnehmende gibt es nur bei Telefonaten, Terminen und E-Mails.")
    return errors


class RegardingTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj.model_class()._meta.verbose_name)


class RegardingForm(RecordForm):
    """A form of a record that regards another (activity, chain): the record types offered, the
    German date-time inputs, and the checks of :func:`check_activity`."""

    datetime_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "regarding_type" in self.fields:
            self.fields["regarding_type"].queryset = regarding_types()
        for name in self.datetime_fields:
            if name in self.fields:
                self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"]

    def clean(self):
        cleaned = super().clean()
        for name, message in check_activity(cleaned, self.user).items():
            name = "regarding_type" if name == "regarding_id" else name  # the one shown
            self.add_error(name if name in self.fields else None, message)
        return cleaned


class ActivityForm(RegardingForm):
    datetime_fields = ("start", "due")

    class Meta:
        model = Activity
        fields = list(ACTIVITY_FIELDS)
        field_classes = {"regarding_type": RegardingTypeField}
        widgets = {
            "start": DATETIME,
            "due": DATETIME,
            "description": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
            "regarding_id": forms.HiddenInput,
        }


CHAIN_FIELDS = ("template", "regarding_type", "regarding_id", "anchor_at", "note", "owner")
CHAIN_DERIVED = ("status", "late_warned_at")


class ChainForm(RegardingForm):
    """Start a chain: which template, on which record, from when or by when."""

    datetime_fields = ("anchor_at",)

    class Meta:
        model = Chain
        fields = list(CHAIN_FIELDS)
        field_classes = {"regarding_type": RegardingTypeField}
        widgets = {
            "anchor_at": DATETIME,
            "regarding_id": forms.HiddenInput,
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class ChainTemplateForm(RecordForm):
    class Meta:
        model = ChainTemplate
        fields = ["name", "anchor", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
