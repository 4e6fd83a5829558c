"""Field lists of quotes, shared by forms, record pages and the API."""

from django import forms

from wattwerk.activities.forms import DATETIME
from wattwerk.core.forms import RecordForm

from .models import Quote

QUOTE_FIELDS = (
    "name",
    "opportunity",
    "contact",
    "binding_until",
    "indicative",
    "group",
    "payment_terms",
    "note",
    "owner",
)
QUOTE_DERIVED = (
    "number",
    "revision",
    "account",
    "status",
    "sent_at",
    "decided_at",
    "lost_reason",
    "total_eur",
    "total_kwh",
    "next_activity",
    "last_activity",
)


class QuoteForm(RecordForm):
    class Meta:
        model = Quote
        fields = list(QUOTE_FIELDS)
        widgets = {
            "binding_until": DATETIME,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
