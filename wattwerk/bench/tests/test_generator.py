"""The data generator, on its smallest size: the counts promised, valid records, skew, totals,
activity links and history as the operations would have written them, and the same data again
from the same seed."""

import hashlib
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from wattwerk.activities.models import Activity
from wattwerk.activities.queries import link_differences
from wattwerk.bench import generator
from wattwerk.core import history
from wattwerk.core.models import ObjectChange
from wattwerk.customers.models import Account, Contact
from wattwerk.energy.identifiers import validate_malo_id
from wattwerk.energy.models import DeliveryPoint
from wattwerk.quotes.models import Quote, QuoteLine, next_number
from wattwerk.sales import totals
from wattwerk.sales.models import Lead, Opportunity

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SPEC = generator.SIZES["XS"]


def generate(seed=7):
    return generator.generate(size="XS", seed=seed, now=NOW, progress=lambda text: None)


def fingerprint() -> str:
    """The generated content, without database ids."""
    rows = [
        *Account.objects.filter(email__endswith=generator.DOMAIN).values_list("name", "city"),
        *DeliveryPoint.objects.filter(malo_id__startswith="7").values_list(
            "malo_id", "account__name", "annual_kwh"
        ),
        *Opportunity.objects.filter(account__email__endswith=generator.DOMAIN).values_list(
            "name", "status", "potential_kwh", "expected_revenue_eur"
        ),
        *Quote.objects.filter(account__email__endswith=generator.DOMAIN).values_list(
            "number", "status", "total_eur"
        ),
    ]
    return hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()


def test_the_counts_the_records_and_their_derived_values_hold():
    counts = generate()
    assert counts == {
        "accounts": SPEC.accounts,
        "contacts": SPEC.contacts,
        "delivery_points": SPEC.delivery_points,
        "leads": SPEC.leads,
        "opportunities": SPEC.opportunities,
        "quotes": SPEC.quotes,
        "activities": SPEC.activities,
    }
    generated = Account.objects.filter(email__endswith=generator.DOMAIN)
    assert generated.count() == SPEC.accounts
    assert Contact.objects.filter(email__endswith=generator.DOMAIN).count() == SPEC.contacts
    assert Lead.objects.filter(email__endswith=generator.DOMAIN).count() == SPEC.leads
    assert Activity.objects.filter(owner__isnull=False).count() >= SPEC.activities

    # Valid as the forms and the API would have them.
    for model in (Account, Contact, DeliveryPoint, Lead, Opportunity, Quote, Activity):
        for record in model.objects.order_by("-pk")[:5]:
            record.full_clean()
    for line in QuoteLine.objects.order_by("-pk")[:5]:
        line.full_clean()
    for malo_id in DeliveryPoint.objects.values_list("malo_id", flat=True):
        validate_malo_id(malo_id)

    # Skewed: the large customers own their hundreds, the many a few each.
    largest = generated.order_by("pk")[: SPEC.large]
    for account in largest:
        assert account.delivery_points.count() >= SPEC.large_points
    assert generated.order_by("-pk").first().delivery_points.count() < SPEC.large_points

    # The large customers have the most opportunities too, not only delivery points.
    most = max(generated, key=lambda account: account.opportunities.count())
    assert most in set(largest)

    # Quotes and opportunities as the operations leave them.
    closed = Opportunity.objects.filter(account__in=generated).exclude(status="open")
    assert set(closed.values_list("status", "probability").distinct()) <= {
        ("won", 100),
        ("lost", 0),
    }
    for quote in Quote.objects.filter(account__email__endswith=generator.DOMAIN):
        assert quote.sent_at < quote.binding_until
        if quote.status == "won":
            assert quote.sent_at <= quote.decided_at <= min(quote.binding_until, NOW)

    # What the operations would have stored.
    assert totals.differences() == []
    assert link_differences() == []
    assert history.verify_chain().intact
    assert ObjectChange.objects.filter(kind="create").count() >= SPEC.accounts + SPEC.activities
    # The quote numbers go on after the generated ones.
    last = Quote.objects.filter(number__startswith="AN-2026-").order_by("-number").first()
    assert next_number(NOW.date()) > last.number


def generated_fingerprint(seed: int) -> str:
    """Generate on the database as it is, take the fingerprint, and roll back."""
    with transaction.atomic():
        generate(seed)
        found = fingerprint()
        transaction.set_rollback(True)
    return found


def test_the_same_seed_gives_the_same_data():
    assert generated_fingerprint(7) == generated_fingerprint(7)


def test_a_second_run_on_the_same_database_is_refused():
    generate()
    with pytest.raises(CommandError, match="schon generierte Daten"):
        call_command("generate", size="XS", seed=7, verbosity=0)
