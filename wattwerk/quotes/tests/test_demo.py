"""The demo's quotes: the seed's group among them, every line priced, and the prices readable by
the Vertrieb and writable by the Preisbildung only."""

import pytest
from django.core.management import call_command

from wattwerk.access.models import User
from wattwerk.core.querysets import field_rights
from wattwerk.quotes.models import Quote, QuoteLine
from wattwerk.sales import totals

pytestmark = pytest.mark.django_db


def test_the_demo_quotes_and_who_sees_their_prices():
    call_command("load_demo", verbosity=0)
    assert Quote.objects.count() >= 8  # the group has a quote per delivery year of the seed
    assert Quote.objects.filter(group__isnull=False).values("group").distinct().count() >= 1
    energy = QuoteLine.objects.filter(kind="energy")
    assert energy.exists()
    assert not energy.filter(price_ct_kwh__isnull=True).exists()
    prices = set(QuoteLine.secured_fields)
    sales = field_rights(User.objects.get(username="vertrieb"), QuoteLine)
    assert (sales.hidden, sales.read_only) == (set(), prices)
    pricing = field_rights(User.objects.get(username="preisbildung"), QuoteLine)
    assert (pricing.hidden, pricing.read_only) == (set(), set())
    billing = field_rights(User.objects.get(username="abrechnung"), QuoteLine)
    assert billing.hidden == prices
    assert totals.differences() == []
