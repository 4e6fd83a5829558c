"""The demo data of customers and sales: as many records as promised, valid MaLo-IDs, every
record with its creation in the history, and totals that a fresh computation confirms."""

import pytest
from django.core.management import call_command

from wattwerk.core.testing import history
from wattwerk.customers.models import Account, Contact
from wattwerk.energy.identifiers import validate_malo_id
from wattwerk.sales import totals
from wattwerk.sales.models import Lead, LeadLine, Opportunity

pytestmark = pytest.mark.django_db


def test_the_demo_of_customers_and_sales():
    call_command("load_demo", verbosity=0)
    counts = (Account.objects.count(), Contact.objects.count())
    assert counts[0] >= 30
    assert counts[1] >= 60
    assert Lead.objects.count() == 40
    assert Opportunity.objects.count() == 25
    malo_ids = [line.malo_id for line in LeadLine.objects.exclude(malo_id="")]
    assert len(malo_ids) >= 40
    for malo_id in malo_ids:
        validate_malo_id(malo_id)
    for record in (Lead.objects.first(), Account.objects.first(), Contact.objects.first()):
        assert history(record)[0].kind == "create"
    statuses = set(Opportunity.objects.values_list("status", flat=True))
    assert statuses == {"open", "won", "lost"}
    assert Opportunity.objects.filter(expected_revenue_eur__gt=0).count() >= 15
    assert totals.differences() == []

    call_command("load_demo", verbosity=0)  # again: nothing twice
    assert (Account.objects.count(), Contact.objects.count()) == counts
    assert Lead.objects.count() == 40
