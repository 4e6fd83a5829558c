"""Demo: who may see and edit the reference data, and a small product catalogue."""

from datetime import date

from wattwerk.access.demo import grant
from wattwerk.access.models import Depth, Privilege
from wattwerk.core import demo

from .models import Commodity, PriceModel, Product
from .records import REFERENCES

PRODUCTS = [
    ("Strom Business Fix", "strom", "Festpreis"),
    ("Strom Business Tranche", "strom", "Tranchenmodell"),
    ("Strom Spot Plus", "strom", "Spot/Index"),
    ("Gas Business Fix", "gas", "Festpreis"),
]


@demo.register
def load_energy(*, now) -> None:
    everything = dict.fromkeys(Privilege.values, Depth.ORGANISATION)
    for reference in REFERENCES:
        grant("Mitarbeitende", reference.model, read=Depth.ORGANISATION)
        grant("Administrator", reference.model, **everything)
    grant("Preisbildung", Product, create=Depth.ORGANISATION, write=Depth.ORGANISATION)
    for name, commodity, price_model in PRODUCTS:
        Product.objects.get_or_create(
            name=name,
            defaults={
                "commodity": Commodity.objects.get(code=commodity),
                "price_model": PriceModel.objects.get(name=price_model),
                "active_from": date(2026, 1, 1),
            },
        )
