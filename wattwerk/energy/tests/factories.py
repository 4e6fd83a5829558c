import itertools
from datetime import date
from decimal import Decimal

import factory
from stdnum.eu import eic

from wattwerk.energy import models
from wattwerk.energy.identifiers import gs1_check_digit, with_check_digit

_numbers = itertools.count(1)


def commodity(code: str = "strom") -> models.Commodity:
    return models.Commodity.objects.get(code=code)  # shipped by the migration


class CommodityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Commodity

    code = factory.Sequence(lambda n: f"sparte-{n}")
    name = factory.Sequence(lambda n: f"Sparte {n}")


class EnergyServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EnergyService

    name = factory.Sequence(lambda n: f"Dienstleistung {n}")
    unit = "kW"


def area_eic(n: int) -> str:
    """A valid area EIC (type Y) per number, issued by the BDEW office 11."""
    while True:  # about one stem in 37 has no possible check character
        stem = f"11Y{n:012d}"
        check = eic.calc_check_digit(stem)
        if check != "-":
            return stem + check
        n += 10**9


class MarketAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MarketArea

    kind = models.MarketArea.Kind.CONTROL_AREA
    name = factory.Sequence(lambda n: f"Regelzone {n}")
    eic = factory.Sequence(lambda n: area_eic(500000 + n))
    commodity = factory.LazyFunction(commodity)


class BalancingAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BalancingArea

    name = factory.Sequence(lambda n: f"Bilanzierungsgebiet {n}")
    eic = factory.Sequence(lambda n: area_eic(n))


def gln(n: int) -> str:
    base = f"40{n:010d}"
    return f"{base}{gs1_check_digit(base)}"


class NetworkOperatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.NetworkOperator

    name = factory.Sequence(lambda n: f"Netzbetreiber {n}")
    market_partner_id = factory.Sequence(gln)
    commodity = factory.LazyFunction(commodity)


class LoadProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LoadProfile

    code = factory.Sequence(lambda n: f"A{n}")  # first in the list, before the shipped ones
    name = factory.Sequence(lambda n: f"Profil {n}")
    commodity = factory.LazyFunction(commodity)
    method = models.LoadProfile.Method.SLP


class PriceModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PriceModel

    name = factory.Sequence(lambda n: f"Preismodell {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Product

    name = factory.Sequence(lambda n: f"Produkt {n}")
    commodity = factory.LazyFunction(commodity)
    price_model = factory.SubFactory(PriceModelFactory)
    active_from = date(2026, 1, 1)


class RateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Rate

    code = factory.Sequence(lambda n: f"umlage-{n}")
    name = factory.Sequence(lambda n: f"Umlage {n}")
    value = Decimal("1.2345")
    unit = "ct/kWh"
    valid_from = date(2026, 1, 1)


def unique(prefix: str) -> str:
    return f"{prefix} {next(_numbers)}"


class DeliveryPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DeliveryPoint

    malo_id = factory.Sequence(lambda n: with_check_digit(f"5{n:09d}"))
    commodity = factory.LazyFunction(commodity)
    name = factory.Sequence(lambda n: f"Werk {n}")
    city = "Musterstadt"
    owner = factory.SubFactory("wattwerk.access.tests.factories.UserFactory")
