import factory

from wattwerk.customers import models


def customer_type(name: str = "Industrie") -> models.CustomerType:
    return models.CustomerType.objects.get(name=name)  # shipped by the migration


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Account

    name = factory.Sequence(lambda n: f"Musterfirma {n}")
    legal_form = models.LegalForm.GMBH
    city = "Musterstadt"
    owner = factory.SubFactory("wattwerk.access.tests.factories.UserFactory")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contact

    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Mustermann {n}")
    owner = factory.SubFactory("wattwerk.access.tests.factories.UserFactory")
