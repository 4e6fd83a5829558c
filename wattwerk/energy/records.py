"""The reference data as record types: list, record page, edit, history, API.

They are plain records (no business rules beyond their fields), so their form, table and
filterset are built from one declaration each.
"""

from dataclasses import dataclass

import django_tables2 as tables
from django.forms import Textarea, modelform_factory
from django.utils.translation import gettext_lazy as _

from wattwerk.core.filtersets import RecordFilterSet
from wattwerk.core.forms import RecordForm
from wattwerk.core.registry import Tab, registry
from wattwerk.core.tables import RecordTable

from . import forms, models

MENU = _("Energiewirtschaft")


@dataclass(frozen=True)
class Reference:
    model: type
    slug: str
    fields: tuple[str, ...]
    search: tuple[str, ...]
    filters: tuple[str, ...] = ()
    derived: tuple[str, ...] = ()  # shown, never edited (the scheme follows the ID)
    icon: str = "bi-lightning-charge"

    @property
    def related(self) -> tuple[str, ...]:
        return tuple(name for name in self.fields if self.model._meta.get_field(name).many_to_one)


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


def build_form(reference: Reference) -> type:
    widgets = {
        name: Textarea(attrs={"rows": 3}) for name in reference.fields if name == "description"
    }
    return modelform_factory(
        reference.model, form=RecordForm, fields=list(reference.fields), widgets=widgets
    )


def build_table(reference: Reference) -> type:
    meta = type("Meta", (RecordTable.Meta,), {"model": reference.model, "fields": reference.fields})
    first = reference.fields[0]
    return type(
        f"{reference.model.__name__}Table",
        (RecordTable,),
        {"Meta": meta, first: tables.Column(linkify=True)},
    )


def build_filterset(reference: Reference) -> type:
    meta = type("Meta", (), {"model": reference.model, "fields": ["q", *reference.filters]})
    return type(
        f"{reference.model.__name__}FilterSet",
        (RecordFilterSet,),
        {"Meta": meta, "search_fields": reference.search},
    )


for reference in REFERENCES:
    registry.register(
        reference.model,
        slug=reference.slug,
        form_class=build_form(reference),
        table_class=build_table(reference),
        filterset_class=build_filterset(reference),
        icon=reference.icon,
        menu_group=MENU,
        detail_fields=reference.fields + reference.derived,
        list_select_related=reference.related,
    )


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
        fields = ["q", "commodity", "metering", "network_operator", "owner"]


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
    tabs=(Tab("load_curve", _("Lastgang"), "delivery-points_load_curve"),),
)
