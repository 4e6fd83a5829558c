"""Demo: who may see and edit the reference data, and a small product catalogue."""

from datetime import date
from decimal import Decimal

from wattwerk.access.demo import grant
from wattwerk.access.models import Depth, Privilege, User
from wattwerk.core import demo

from . import reference
from .identifiers import with_check_digit
from .models import Commodity, DeliveryPoint, LoadProfile, PriceModel, Product
from .records import REFERENCES

# (MaLo base, name, commodity, city, annual kWh, peak kW, load profile, owner)
DELIVERY_POINTS = [
    (
        "5000000001",
        "Brauerei Hopfen – Sudhaus",
        "strom",
        "Musterstadt",
        "2400000",
        "610",
        "RLM",
        "gk",
    ),
    ("5000000002", "Brauerei Hopfen – Verwaltung", "gas", "Musterstadt", "380000", "", "GKO", "gk"),
    ("5000000003", "Stadtbad Musterstadt", "strom", "Musterstadt", "86000", "", "G1", "vertrieb"),
]

PRODUCTS = [
    ("Strom Business Fix", "strom", "Festpreis"),
    ("Strom Business Tranche", "strom", "Tranchenmodell"),
    ("Strom Spot Plus", "strom", "Spot/Index"),
    ("Gas Business Fix", "gas", "Festpreis"),
]


@demo.register
def load_energy(*, now) -> None:
    reference.load()
    everything = dict.fromkeys(Privilege.values, Depth.ORGANISATION)
    for declared in REFERENCES:
        grant("Mitarbeitende", declared.model, read=Depth.ORGANISATION)
        grant("Administrator", declared.model, **everything)
    grant("Preisbildung", Product, create=Depth.ORGANISATION, write=Depth.ORGANISATION)
    grant("Mitarbeitende", DeliveryPoint, read=Depth.ORGANISATION)
    own_department = dict.fromkeys(["create", "write"], Depth.DEPARTMENT)
    grant("Vertrieb", DeliveryPoint, **own_department, assign=Depth.DEPARTMENT)
    grant("Vertriebsleitung", DeliveryPoint, write=Depth.DEPARTMENT_TREE, delete=Depth.OWN)
    grant("Administrator", DeliveryPoint, **everything)
    for base, name, code, city, annual, peak, profile, owner in DELIVERY_POINTS:
        commodity = Commodity.objects.get(code=code)
        DeliveryPoint.objects.get_or_create(
            malo_id=with_check_digit(base),
            commodity=commodity,
            defaults={
                "name": name,
                "city": city,
                "annual_kwh": Decimal(annual),
                "peak_kw": Decimal(peak) if peak else None,
                "metering": "RLM" if profile == "RLM" else "SLP",
                "load_profile": LoadProfile.objects.get(commodity=commodity, code=profile),
                "owner": User.objects.get(username=owner),
            },
        )
    for name, commodity, price_model in PRODUCTS:
        Product.objects.get_or_create(
            name=name,
            defaults={
                "commodity": Commodity.objects.get(code=commodity),
                "price_model": PriceModel.objects.get(name=price_model),
                "active_from": date(2026, 1, 1),
            },
        )
