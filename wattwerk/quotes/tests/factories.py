import factory

from wattwerk.quotes import models
from wattwerk.sales.tests.factories import OpportunityFactory


class QuoteFactory(factory.django.DjangoModelFactory):
    """A draft without lines (its account is its opportunity's)."""

    class Meta:
        model = models.Quote

    name = factory.Sequence(lambda n: f"Stromangebot {n}")
    opportunity = factory.SubFactory(OpportunityFactory)
    owner = factory.SubFactory("wattwerk.access.tests.factories.UserFactory")
