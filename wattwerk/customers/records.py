"""The customer record types: the lists they use, accounts (Firmen) and contacts."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wattwerk.activities.tables import NextActivityColumn, NextActivityFilters
from wattwerk.core.filtersets import RecordFilterSet
from wattwerk.core.references import Reference, register_references
from wattwerk.core.registry import RelatedTab, Tab, registry
from wattwerk.core.tables import RecordTable
from wattwerk.energy.tables import EnergyColumn

from . import forms, models

MENU = _("Kunden")

REFERENCES = [
    Reference(
        models.CustomerType, "customer-types", ("name", "description"), ("name",), icon="bi-tags"
    ),
    Reference(
        models.IndustryCode,
        "industry-codes",
        ("code", "title", "system", "version", "parent"),
        ("code", "title"),
        ("system", "version"),
        icon="bi-diagram-3",
    ),
    Reference(models.Interest, "interests", ("name",), ("name",), icon="bi-star"),
    Reference(models.Channel, "channels", ("name",), ("name",), icon="bi-megaphone"),
]

register_references(REFERENCES, menu_group=MENU)


class AccountTable(RecordTable):
    name = tables.Column(linkify=True)
    potential_kwh = EnergyColumn(verbose_name=_("Energiepotenzial (MWh/a)"))
    next_activity = NextActivityColumn()

    class Meta(RecordTable.Meta):
        model = models.Account
        fields = (
            "name",
            "legal_form",
            "customer_type",
            "city",
            "segment",
            "potential_kwh",
            "credit_limit",  # secured: only with a field security profile
            "next_activity",
            "owner",
        )


class AccountFilterSet(NextActivityFilters, RecordFilterSet):
    search_fields = (
        "name",
        "city",
        "postcode",
        "vat_id",
        "debtor_number",
        "delivery_points__malo_id",
    )

    class Meta:
        model = models.Account
        fields = [
            "q",
            "customer_type",
            "segment",
            "legal_form",
            "industry",
            "rating_system",
            "owner",
        ]


registry.register(
    models.Account,
    slug="accounts",
    form_class=forms.AccountForm,
    table_class=AccountTable,
    filterset_class=AccountFilterSet,
    icon="bi-building",
    menu_group=MENU,
    detail_fields=(
        *forms.ACCOUNT_FIELDS,
        *forms.ACCOUNT_ACTIVITIES,
        *forms.ACCOUNT_TOTALS,
        "owning_department",
    ),
    list_select_related=("customer_type", "owner", "next_activity"),
    searchable=True,
    related_tabs=(
        RelatedTab("contacts", _("Kontakte"), "contacts", "accounts"),
        RelatedTab("opportunities", _("Verkaufschancen"), "opportunities", "account"),
        RelatedTab("delivery_points", _("Lieferstellen"), "delivery-points", "account"),
        RelatedTab("subsidiaries", _("Tochterfirmen"), "accounts", "parent"),
    ),
)


class ContactTable(RecordTable):
    last_name = tables.Column(linkify=True)

    class Meta(RecordTable.Meta):
        model = models.Contact
        fields = ("last_name", "first_name", "email", "phone", "owner")


class ContactFilterSet(RecordFilterSet):
    search_fields = ("last_name", "first_name", "email")

    class Meta:
        model = models.Contact
        fields = ["q", "accounts", "segment", "owner"]


registry.register(
    models.Contact,
    slug="contacts",
    form_class=forms.ContactForm,
    table_class=ContactTable,
    filterset_class=ContactFilterSet,
    icon="bi-person-vcard",
    menu_group=MENU,
    detail_fields=(*forms.CONTACT_FIELDS, "owning_department"),
    searchable=True,
    list_select_related=("owner",),
    tabs=(Tab("accounts", _("Firmen und Funktionen"), "contacts_accounts"),),
)
