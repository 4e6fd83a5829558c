"""The base form of every record type: related-record pickers offer only what the user may read,
and secured fields are left out (no read) or shown read-only (no write)."""

import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import OwnedModel
from .querysets import Action, field_rights
from .registry import registry

PICKED = re.compile(r"·\s*([0-9]{1,18})\s*$")  # a suggestion chosen: "Stadtbad Nord · 123"
UNPICKED = "\N{ZERO WIDTH SPACE}"  # marks text typed, not picked: no id, the field refuses it


def picked_label(record, context: list[str] = ()) -> str:
    """How a record reads in a picker — with ``context`` in brackets, where the search found
    it besides its name — its id last (what the form takes back)."""
    if context:
        return f"{record} ({', '.join(context)}) · {record.pk}"
    return f"{record} · {record.pk}"


class Picking:
    """What both pickers hold: the records to pick from (those the user may read) and the URL
    that suggests some for the text typed."""

    def __init__(self, *, queryset, url: str, attrs=None):
        super().__init__(attrs)
        self.queryset, self.url = queryset, url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["url"] = self.url
        return context


class RecordPicker(Picking, forms.TextInput):
    """A related record picked by typing part of its name: the browser suggests from a list the
    server fills as one types (htmx into a ``<datalist>``). A select would have to list all of
    them — 150,000 accounts at a large utility."""

    template_name = "core/widgets/record_picker.html"

    def format_value(self, value):
        if value in (None, ""):
            return None
        value = str(getattr(value, "pk", value))
        if value.startswith(UNPICKED):
            return value.removeprefix(UNPICKED)  # shown again as typed
        if not _an_id(value):
            return value
        record = self.queryset.filter(pk=value).first()
        return picked_label(record) if record is not None else value

    def value_from_datadict(self, data, files, name):
        """The chosen suggestion's id. Anything else typed — a number too (a postcode, a
        customer number) — names no record and is refused at the field."""
        text = str(data.get(name) or "").strip()
        found = PICKED.search(text)
        return found.group(1) if found else text and UNPICKED + text


class RecordsPicker(Picking, forms.Widget):
    """Several related records: each chosen one a ticked chip (untick to remove), and a field to
    type in that suggests like ``RecordPicker``; picking a suggestion adds its chip (the server
    answers with it). No script of our own: the page's policy allows none."""

    template_name = "core/widgets/records_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = [value] if isinstance(value, str | int) else value or ()
        ids = [str(getattr(item, "pk", item)) for item in value]
        ids = [int(item) for item in ids if _an_id(item)]
        picked = self.queryset.filter(pk__in=ids) if ids else []
        context["widget"]["picked"] = [(record.pk, str(record)) for record in picked]
        # The typing field is the one a reader of the page meets: it carries the error mark.
        attrs = context["widget"]["attrs"]
        context["widget"]["invalid"] = attrs.get("aria-invalid")
        context["widget"]["described_by"] = attrs.get("aria-describedby")
        return context

    def format_value(self, value):
        return value

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        values = [values] if isinstance(values, str | int) else list(values)
        # A suggestion picked just before saving, its chip not yet there, counts too.
        typed = PICKED.search(str(data.get(f"{name}-search") or "").strip())
        return [*values, typed.group(1)] if typed else values

    def value_omitted_from_data(self, data, files, name):
        return False  # no ticked chip is an empty choice, as with checkboxes

    def id_for_label(self, id_):
        return id_


class RecordForm(forms.ModelForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.field_rights = field_rights(user, self._meta.model)
        for name in self.field_rights.hidden:
            self.fields.pop(name, None)
        for name in self.field_rights.read_only & self.fields.keys():
            self.fields[name].disabled = True
            self.fields[name].help_text = gettext_lazy(
                "Nur lesbar: Ändern erfordert ein Feldsicherheitsprofil."
            )
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, Action.READ)
            _pick_by_typing(field)
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)
            if isinstance(field, forms.DecimalField | forms.FloatField | forms.IntegerField):
                # German input: "1.234,5" is read as 1234.5 and shown that way again.
                field.localize = field.widget.is_localized = True
                field.widget.input_type = "text"
                field.widget.attrs.setdefault("inputmode", "decimal")
        if "owner" in self.fields and self.instance.pk is None:
            # Left empty, a new record belongs to its creator (see core.operations.create_record).
            self.fields["owner"].required = False
            if user is not None:
                self.initial["owner"] = self.initial.get("owner") or user.pk

    def clean(self):
        cleaned_data = super().clean()
        # The form neither shows nor takes a secured field the user may not write; a value sent
        # anyway (not the stored one) is refused by name rather than silently dropped.
        for name in sorted(self.field_rights.read_only & set(self.data.keys())):
            if self._differs_from_stored(name, self.data.get(name)):
                label = self._meta.model._meta.get_field(name).verbose_name
                self.add_error(
                    None,
                    _("Sie dürfen das Feld „%(field)s“ nicht ändern (Feldsicherheit).")
                    % {"field": label},
                )
        return cleaned_data

    def _differs_from_stored(self, name: str, posted) -> bool:
        model_field = self._meta.model._meta.get_field(name)
        stored = (
            getattr(self.instance, model_field.attname)
            if self.instance.pk
            else model_field.get_default()
        )
        form_field = model_field.formfield(localize=True)
        try:
            value = form_field.clean(posted) if form_field is not None else posted
        except ValidationError:
            return True
        value = getattr(value, "pk", value)
        return model_field.to_python(value) != stored and not (
            value in (None, "") and stored in (None, "")
        )

    def add_operation_error(self, error: ValidationError) -> None:
        """Show what the operation refused: at the field when the form has it, otherwise among
        the general errors with the field's name in front."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        model_opts = self._meta.model._meta
        for name, messages in error.message_dict.items():
            if name in self.fields or name == NON_FIELD_ERRORS:
                self.add_error(name if name in self.fields else None, messages)
                continue
            try:
                label = str(model_opts.get_field(name).verbose_name)
            except FieldDoesNotExist:
                label = name
            self.add_error(None, [f"{label[:1].upper()}{label[1:]}: {m}" for m in messages])

    def _post_clean(self):
        # Model validation runs in the operation (create_record/update_record) so that the UI and
        # the API share one path; here only the fields are copied onto the instance.
        opts = self._meta
        self.instance = forms.models.construct_instance(
            self, self.instance, opts.fields, opts.exclude
        )


def _an_id(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{1,18}", text))


def _pick_by_typing(field) -> None:
    """Related records of an owned type (accounts, contacts …) are picked by typing; users,
    departments and reference lists stay selects."""
    widget = {forms.ModelChoiceField: RecordPicker, forms.ModelMultipleChoiceField: RecordsPicker}
    if type(field) not in widget or not issubclass(field.queryset.model, OwnedModel):
        return
    try:
        slug = registry.for_model(field.queryset.model).slug
    except KeyError:
        return
    field.widget = widget[type(field)](
        queryset=field.queryset, url=reverse(f"{slug}_choices"), attrs=field.widget.attrs
    )
    field.error_messages = {
        **field.error_messages,
        "invalid_choice": gettext_lazy(
            "Kein passender Datensatz. Bitte einen Teil des Namens eintippen und einen der "
            "Vorschläge wählen."
        ),
    }
