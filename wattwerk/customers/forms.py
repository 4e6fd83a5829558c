"""Forms of the customer record types; the field lists are shared with record pages and API."""

from django import forms

from wattwerk.core.forms import RecordForm

from .models import Account, AccountContact, Contact

MARKETING_FIELDS = ("segment", "interests", "channels", "consent", "consent_date", "consent_source")

ACCOUNT_FIELDS = (
    "name",
    "legal_form",
    "customer_type",
    "parent",
    "industry",
    "vat_id",
    "street",
    "postcode",
    "city",
    "billing_street",
    "billing_postcode",
    "billing_city",
    "phone",
    "email",
    "website",
    *MARKETING_FIELDS,
    *Account.secured_fields,
    "owner",
)

# Kept by the sales operations; shown, never edited.
ACCOUNT_TOTALS = ("potential_kwh", "demand_kwh", "services_eur", "revenue_eur")
ACCOUNT_ACTIVITIES = ("next_activity", "last_activity")

CONTACT_FIELDS = (
    "salutation",
    "title",
    "first_name",
    "last_name",
    "accounts",
    "email",
    "phone",
    "mobile",
    *MARKETING_FIELDS,
    "owner",
)

CHECKBOXES = dict.fromkeys(("interests", "channels"), forms.CheckboxSelectMultiple)


class AccountForm(RecordForm):
    class Meta:
        model = Account
        fields = list(ACCOUNT_FIELDS)
        widgets = {**CHECKBOXES, "consent_date": forms.DateInput(attrs={"type": "date"})}


class ContactForm(RecordForm):
    class Meta:
        model = Contact
        fields = list(CONTACT_FIELDS)
        widgets = {**CHECKBOXES, "consent_date": forms.DateInput(attrs={"type": "date"})}


class PositionForm(RecordForm):
    """A contact's position and department at one account (tab "Firmen und Funktionen")."""

    class Meta:
        model = AccountContact
        fields = ["account", "position", "department"]
