from datetime import date
from decimal import Decimal

import factory

from wattwerk.customers.tests.factories import AccountFactory
from wattwerk.energy.models import Commodity, EnergyService
from wattwerk.sales import models


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Lead

    company_name = factory.Sequence(lambda n: f"Interessent {n}")
    last_name = "Mustermann"
    city = "Musterstadt"
    owner = factory.SubFactory("wattwerk.access.tests.factories.UserFactory")


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Opportunity

    name = factory.Sequence(lambda n: f"Stromlieferung {n}")
    account = factory.SubFactory(AccountFactory)
    owner = factory.SubFactory("wattwerk.access.tests.factories.UserFactory")


class AccountOpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AccountOpportunity

    account = factory.SubFactory(AccountFactory)
    owner = factory.SubFactory("wattwerk.access.tests.factories.UserFactory")


def energy(line_set="potential", code="strom", kwh="1000000", start=(2027, 1, 1), end=(2028, 1, 1)):
    """The values of an energy line."""
    return {
        "line_set": line_set,
        "kind": "energy",
        "commodity": Commodity.objects.get(code=code),
        "annual_kwh": Decimal(kwh),
        "active_from": date(*start),
        "active_to": date(*end),
    }


def service(line_set="potential", name="PV-Anlage", scope="250", eur="180000"):
    return {
        "line_set": line_set,
        "kind": "service",
        "service": EnergyService.objects.get(name=name),
        "scope": Decimal(scope),
        "value_eur": Decimal(eur),
    }
