"""Field lists of quotes, shared by forms, record pages and the API."""

from django import forms

from wattwerk.activities.forms import DATETIME
from wattwerk.core.forms import RecordForm
from wattwerk.core.querysets import Action
from wattwerk.sales.models import Opportunity

from .models import Quote, QuoteGroup

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


def readable_groups(user, opportunity=None):
    """Quote groups of opportunities the user may read (of one opportunity, when given)."""
    groups = QuoteGroup.objects.filter(
        opportunity__in=Opportunity.objects.restrict(user, Action.READ)
    )
    return groups if opportunity is None else groups.filter(opportunity=opportunity)


class QuoteForm(RecordForm):
    class Meta:
        model = Quote
        fields = list(QUOTE_FIELDS)
        widgets = {
            "binding_until": DATETIME,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if "group" in self.fields:
            opportunity = self.instance.opportunity if self.instance.opportunity_id else None
            self.fields["group"].queryset = readable_groups(user, opportunity)
