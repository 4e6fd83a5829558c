"""The energy record types: the reference data, declared once each, and delivery points."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wattwerk.core.filtersets import RecordFilterSet
from wattwerk.core.references import Reference, register_references
from wattwerk.core.registry import Tab, registry
from wattwerk.core.tables import RecordTable

from . import forms, models

MENU = _("Energiewirtschaft")


REFERENCES = [
    Reference(models.Commodity, "commodities", ("name", "code", "year_kind"), ("name", "code")),
    Reference(models.EnergyService, "energy-services", ("name", "unit", "description"), ("name",)),
    Reference(
        models.MarketArea,
        "market-areas",
        ("name", "kind", "eic", "commodity", "operator"),
        ("name", "eic", "operator"),
        ("kind", "commodity"),
    ),
    Reference(
        models.BalancingArea,
        "balancing-areas",
        ("name", "eic", "control_area"),
        ("name", "eic"),
        ("control_area",),
    ),
    Reference(
        models.NetworkOperator,
        "network-operators",
        ("name", "market_partner_id", "commodity"),
        ("name", "market_partner_id"),
        ("commodity",),
        derived=("scheme",),
    ),
    Reference(
        models.LoadProfile,
        "load-profiles",
        ("code", "name", "commodity", "method", "generation"),
        ("code", "name"),
        ("commodity", "method"),
    ),
    Reference(models.PriceModel, "price-models", ("name", "description"), ("name",)),
    Reference(
        models.Product,
        "products",
        ("name", "commodity", "price_model", "active_from", "active_to", "description"),
        ("name",),
        ("commodity", "price_model"),
    ),
    Reference(
        models.Rate,
        "rates",
        ("name", "code", "commodity", "value", "unit", "valid_from", "valid_to", "note"),
        ("name", "code"),
        ("code", "commodity"),
    ),
]


register_references(REFERENCES, menu_group=MENU)


class DeliveryPointTable(RecordTable):
    malo_id = tables.Column(linkify=True)
    full_load_hours = tables.Column(verbose_name=_("Benutzungsstunden"), orderable=False)

    class Meta(RecordTable.Meta):
        model = models.DeliveryPoint
        fields = (
            "malo_id",
            "name",
            "commodity",
            "city",
            "metering",
            "annual_kwh",
            "peak_kw",
            "full_load_hours",
            "owner",
        )


class DeliveryPointFilterSet(RecordFilterSet):
    search_fields = ("malo_id", "name", "city", "postcode", "street")

    class Meta:
        model = models.DeliveryPoint
        fields = ["q", "commodity", "metering", "network_operator", "account", "owner"]


registry.register(
    models.DeliveryPoint,
    slug="delivery-points",
    form_class=forms.DeliveryPointForm,
    table_class=DeliveryPointTable,
    filterset_class=DeliveryPointFilterSet,
    icon="bi-geo-alt",
    menu_group=MENU,
    detail_fields=(*forms.DELIVERY_POINT_FIELDS, "owning_department"),
    list_select_related=("commodity", "owner"),
    searchable=True,
    tabs=(Tab("load_curve", _("Lastgang"), "delivery-points_load_curve"),),
)
