"""Forms of the energy record types beyond the generic ones."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wattwerk.core.forms import RecordForm

from .models import DeliveryPoint

# What a user edits on a delivery point, in the order forms, pages and the API show it.
DELIVERY_POINT_FIELDS = (
    "malo_id",
    "commodity",
    "account",
    "name",
    "melo_ids",
    "street",
    "postcode",
    "city",
    "network_operator",
    "market_area",
    "balancing_area",
    "metering",
    "load_profile",
    "annual_kwh",
    "peak_kw",
    "owner",
)


class LinesField(forms.CharField):
    """A list of strings edited as lines of text (blank lines ignored)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class DeliveryPointForm(RecordForm):
    melo_ids = LinesField(
        label=_("MeLo-IDs"), required=False, help_text=_("Eine Zählpunktbezeichnung je Zeile.")
    )

    class Meta:
        model = DeliveryPoint
        fields = list(DELIVERY_POINT_FIELDS)
