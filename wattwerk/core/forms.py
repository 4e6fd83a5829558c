"""The base form of every record type: related-record pickers offer only what the user may read."""

from django import forms

from .querysets import Action


class RecordForm(forms.ModelForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, Action.READ)
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
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

    def _post_clean(self):
        # Model validation runs in the operation (create_record/update_record) so that the UI and
        # the API share one path; here only the fields are copied onto the instance.
        opts = self._meta
        self.instance = forms.models.construct_instance(
            self, self.instance, opts.fields, opts.exclude
        )
