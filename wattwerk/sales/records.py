"""The sales record types: leads, opportunities, account opportunities."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wattwerk.activities.tables import NextActivityColumn, NextActivityFilters
from wattwerk.core.filtersets import RecordFilterSet
from wattwerk.core.registry import RelatedTab, Tab, registry
from wattwerk.core.tables import RecordTable
from wattwerk.customers.models import Account
from wattwerk.energy.tables import EnergyColumn

from . import forms, models

MENU = _("Vertrieb")


class LeadTable(RecordTable):
    company_name = tables.Column(linkify=True)
    potential_kwh = EnergyColumn(verbose_name=_("Energiepotenzial (MWh/a)"))
    next_activity = NextActivityColumn()

    class Meta(RecordTable.Meta):
        model = models.Lead
        fields = (
            "company_name",
            "city",
            "source",
            "status",
            "potential_kwh",
            "next_activity",
            "owner",
        )


class LeadFilterSet(NextActivityFilters, RecordFilterSet):
    search_fields = ("company_name", "last_name", "city", "email")

    class Meta:
        model = models.Lead
        fields = ["q", "status", "source", "customer_type", "segment", "owner"]


class OpportunityTable(RecordTable):
    name = tables.Column(linkify=True)
    potential_kwh = EnergyColumn(verbose_name=_("Energiepotenzial (MWh/a)"))
    next_activity = NextActivityColumn()

    class Meta(RecordTable.Meta):
        model = models.Opportunity
        fields = (
            "name",
            "account",
            "status",
            "probability",
            "expected_close",
            "potential_kwh",
            "expected_revenue_eur",
            "next_activity",
            "owner",
        )


class OpportunityFilterSet(NextActivityFilters, RecordFilterSet):
    search_fields = ("name", "account__name")

    class Meta:
        model = models.Opportunity
        fields = ["q", "status", "account", "owner"]


class AccountOpportunityTable(RecordTable):
    account = tables.Column(linkify=lambda record: record.get_absolute_url())
    demand_kwh = EnergyColumn(verbose_name=_("Gesamtbedarf (MWh/a)"))
    won_kwh = EnergyColumn(verbose_name=_("gewonnen (MWh/a)"))
    remaining_kwh = EnergyColumn(verbose_name=_("Restpotenzial (MWh/a)"))

    class Meta(RecordTable.Meta):
        model = models.AccountOpportunity
        fields = ("account", "phase", "demand_kwh", "won_kwh", "remaining_kwh", "owner")


class AccountOpportunityFilterSet(RecordFilterSet):
    search_fields = ("account__name",)

    class Meta:
        model = models.AccountOpportunity
        fields = ["q", "phase", "owner"]


registry.register(
    models.Lead,
    slug="leads",
    form_class=forms.LeadForm,
    table_class=LeadTable,
    filterset_class=LeadFilterSet,
    icon="bi-funnel",
    menu_group=MENU,
    detail_fields=(*forms.LEAD_FIELDS, *forms.LEAD_DERIVED, "owning_department"),
    list_select_related=("owner", "next_activity"),
    searchable=True,
    tabs=(
        Tab("lines", _("Zeilen"), "leads_lines"),
        Tab("totals", _("Summen"), "leads_totals"),
        Tab("qualify", _("Qualifizieren"), "leads_qualify"),
    ),
)
registry.register(
    models.Opportunity,
    slug="opportunities",
    form_class=forms.OpportunityForm,
    table_class=OpportunityTable,
    filterset_class=OpportunityFilterSet,
    icon="bi-graph-up-arrow",
    menu_group=MENU,
    detail_fields=(*forms.OPPORTUNITY_FIELDS, *forms.OPPORTUNITY_DERIVED, "owning_department"),
    list_select_related=("account", "owner", "next_activity"),
    searchable=True,
    tabs=(
        Tab("lines", _("Zeilen"), "opportunities_lines"),
        Tab("totals", _("Summen"), "opportunities_totals"),
        Tab("close", _("Abschließen"), "opportunities_close"),
    ),
)
registry.register(
    models.AccountOpportunity,
    slug="account-opportunities",
    form_class=forms.AccountOpportunityForm,
    table_class=AccountOpportunityTable,
    filterset_class=AccountOpportunityFilterSet,
    icon="bi-bullseye",
    menu_group=MENU,
    detail_fields=(
        *forms.ACCOUNT_OPPORTUNITY_FIELDS,
        *forms.ACCOUNT_OPPORTUNITY_DERIVED,
        "owning_department",
    ),
    list_select_related=("account", "owner"),
    related_tabs=(
        RelatedTab("opportunities", _("Verkaufschancen"), "opportunities", "account_opportunity"),
    ),
    tabs=(Tab("totals", _("Summen"), "account-opportunities_totals"),),
)
registry.add_tabs(Account, Tab("totals", _("Summen"), "accounts_totals"))
