from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from django.contrib.contenttypes.models import ContentType

from wattwerk.activities import models

BERLIN = ZoneInfo("Europe/Berlin")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Activity

    kind = models.Activity.Kind.TASK
    subject = factory.Sequence(lambda n: f"Lastgang anfordern {n}")
    start = datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN)
    due = factory.LazyAttribute(lambda activity: activity.start + timedelta(days=2))
    owner = factory.SubFactory("wattwerk.access.tests.factories.UserFactory")


class ChainTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ChainTemplate
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Vorlage {n}")
    anchor = models.ChainTemplate.Anchor.BACKWARD

    @factory.post_generation
    def steps(self, create, extracted, **kwargs):
        if create:
            models.ChainTemplateStep.objects.create(
                template=self, position=1, key="angebot", subject="Angebot abgeben", working_days=1
            )


class ChainFactory(factory.django.DjangoModelFactory):
    """A chain record only (its step activities come from the operations, not from here)."""

    class Meta:
        model = models.Chain

    template = factory.SubFactory(ChainTemplateFactory)
    regarding_type = factory.LazyAttribute(
        lambda chain: ContentType.objects.get_for_model(type(chain.regarding_record))
    )
    regarding_id = factory.LazyAttribute(lambda chain: chain.regarding_record.pk)
    anchor_at = datetime(2027, 3, 5, 12, 0, tzinfo=BERLIN)
    owner = factory.SubFactory("wattwerk.access.tests.factories.UserFactory")

    class Params:
        regarding_record = factory.SubFactory(
            "wattwerk.energy.tests.factories.DeliveryPointFactory"
        )
