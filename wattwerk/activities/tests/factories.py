from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import factory

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
