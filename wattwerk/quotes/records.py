"""The quote record type, and the tab "Angebote" of opportunities and accounts."""

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wattwerk.activities.tables import NextActivityColumn, NextActivityFilters
from wattwerk.core.filtersets import RecordFilterSet
from wattwerk.core.registry import RelatedTab, Tab, registry
from wattwerk.core.tables import RecordTable
from wattwerk.customers.models import Account
from wattwerk.energy.tables import EnergyColumn
from wattwerk.sales.models import Opportunity

from . import forms, models


class QuoteTable(RecordTable):
    number = tables.Column(linkify=True, verbose_name=_("Angebot"))
    total_kwh = EnergyColumn(verbose_name=_("Menge (MWh)"))
    next_activity = NextActivityColumn()

    class Meta(RecordTable.Meta):
        model = models.Quote
        fields = (
            "number",
            "revision",
            "name",
            "account",
            "status",
            "indicative",
            "binding_until",
            "total_kwh",
            "total_eur",
            "next_activity",
            "owner",
        )


class QuoteFilterSet(NextActivityFilters, RecordFilterSet):
    search_fields = ("number", "name", "account__name")

    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=models.Quote.Status.choices, method="by_state"
    )

    class Meta:
        model = models.Quote
        fields = ["q", "status", "indicative", "account", "opportunity", "owner"]

    def by_state(self, queryset, name, value):
        """By the status as of now: "abgelaufen" finds sent quotes past their Bindefrist."""
        return queryset.in_state(*value) if value else queryset


registry.register(
    models.Quote,
    slug="quotes",
    form_class=forms.QuoteForm,
    table_class=QuoteTable,
    filterset_class=QuoteFilterSet,
    icon="bi-file-earmark-text",
    menu_group=_("Vertrieb"),
    detail_fields=(*forms.QUOTE_FIELDS, *forms.QUOTE_DERIVED, "owning_department"),
    list_select_related=("account", "owner", "next_activity"),
    searchable=True,
    tabs=(
        Tab("lines", _("Zeilen"), "quotes_lines"),
        Tab("decide", _("Abgeben und entscheiden"), "quotes_decide"),
        Tab("revisions", _("Revisionen"), "quotes_revisions"),
    ),
)
QUOTES = _("Angebote")
registry.add_tabs(Opportunity, Tab("quotes", QUOTES, "opportunities_quotes"))
registry.add_related_tabs(Account, RelatedTab("quotes", QUOTES, "quotes", "account"))
