"""Field lists of the sales record types, shared by forms, record pages and the API."""

from django import forms

from wattwerk.core.forms import RecordForm
from wattwerk.customers.forms import CHECKBOXES, MARKETING_FIELDS

from .models import AccountOpportunity, Lead, Opportunity

TOTAL_FIELDS = ("potential_kwh", "demand_kwh", "services_eur", "revenue_eur")

LEAD_FIELDS = (
    "company_name",
    "legal_form",
    "vat_id",
    "street",
    "postcode",
    "city",
    "salutation",
    "first_name",
    "last_name",
    "position",
    "email",
    "phone",
    "source",
    "industry",
    "customer_type",
    *MARKETING_FIELDS,
    "owner",
)
LEAD_DERIVED = (
    "next_activity",
    "last_activity",
    "status",
    "disqualified_reason",
    "account",
    "contact",
    "qualified_at",
    *TOTAL_FIELDS,
)

OPPORTUNITY_FIELDS = (
    "name",
    "account",
    "contact",
    "probability",
    "expected_close",
    "required_securities",
    "owner",
)
OPPORTUNITY_DERIVED = (
    "next_activity",
    "last_activity",
    "status",
    "lost_reason",
    "account_opportunity",
    "lead",
    *TOTAL_FIELDS,
    "expected_revenue_eur",
)

ACCOUNT_OPPORTUNITY_FIELDS = ("account", "phase", "note", "owner")
ACCOUNT_OPPORTUNITY_DERIVED = ("demand_kwh", "won_kwh", "remaining_kwh")


class LeadForm(RecordForm):
    class Meta:
        model = Lead
        fields = list(LEAD_FIELDS)
        widgets = {**CHECKBOXES, "consent_date": forms.DateInput(attrs={"type": "date"})}


class OpportunityForm(RecordForm):
    class Meta:
        model = Opportunity
        fields = list(OPPORTUNITY_FIELDS)
        widgets = {"expected_close": forms.DateInput(attrs={"type": "date"})}


class AccountOpportunityForm(RecordForm):
    class Meta:
        model = AccountOpportunity
        fields = list(ACCOUNT_OPPORTUNITY_FIELDS)
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
