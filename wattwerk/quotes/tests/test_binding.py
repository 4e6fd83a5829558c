"""The Bindefrist acts: past it, a sent quote reads as expired wherever it is read — page, API,
list filter — and cannot be won, whether or not the periodic task has run. The task persists
the status once, and the owner is warned once before the end."""

from datetime import timedelta
from itertools import combinations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from wattwerk.core.changelog import history_for
from wattwerk.core.models import OutboxEmail
from wattwerk.core.testing import sqlite_query_plan
from wattwerk.core.tests.smtp import run_worker
from wattwerk.quotes import operations, tasks
from wattwerk.quotes.models import Quote
from wattwerk.sales.models import Opportunity

from .factories import QuoteFactory
from .helpers import later, salesperson, seed_opportunity


def sent_quote(owner, now, hours=72, **fields):
    opportunity = seed_opportunity(owner, now)
    quote = operations.create_quote(
        quote=Quote(
            name="Strom 2027–2029",
            opportunity=opportunity,
            binding_until=later(now, hours),
            **fields,
        ),
        acting_user=owner,
        now=now,
    )
    return operations.activate_quote(quote=quote, acting_user=owner, now=now)


def pass_binding(quote, now):
    """The clock moves past the Bindefrist (stored as it would be by then; no task runs)."""
    Quote.objects.filter(pk=quote.pk).update(binding_until=now - timedelta(minutes=1))


@pytest.mark.django_db
def test_past_its_bindefrist_a_quote_reads_as_expired_everywhere(client, api_client, now):
    owner = salesperson()
    quote = sent_quote(owner, now)
    pass_binding(quote, now)

    assert Quote.objects.filter(pk=quote.pk, status="active").exists()  # nothing persisted
    assert Quote.objects.get(pk=quote.pk).status == Quote.Status.EXPIRED
    api_client.force_authenticate(owner)
    assert api_client.get(f"/api/v1/quotes/{quote.pk}/").json()["status"] == "expired"
    listed = api_client.get("/api/v1/quotes/", {"status": "expired"}).json()["results"]
    assert [row["id"] for row in listed] == [quote.pk]
    assert api_client.get("/api/v1/quotes/", {"status": "active"}).json()["results"] == []
    client.force_login(owner)
    page = client.get(reverse("quotes_decide", args=[quote.pk])).content.decode()
    assert "Status: abgelaufen" in page


@pytest.mark.django_db
def test_an_expired_quote_cannot_be_won_even_before_any_task_ran(api_client, now):
    owner = salesperson()
    quote = sent_quote(owner, now, hours=2)

    with pytest.raises(ValidationError, match="abgelaufen"):
        operations.win_quote(quote=quote, acting_user=owner, now=now + timedelta(hours=3))

    pass_binding(quote, now)
    api_client.force_authenticate(owner)
    refused = api_client.post(f"/api/v1/quotes/{quote.pk}/win/")
    assert refused.status_code == 400
    assert "Bindefrist" in str(refused.json())
    assert "Revision" in str(refused.json())
    assert Quote.objects.filter(pk=quote.pk, status="active").exists()  # as stored
    assert Opportunity.objects.get(pk=quote.opportunity_id).status == "open"


@pytest.mark.django_db
def test_an_expired_quote_can_be_revised_with_a_new_bindefrist(now):
    owner = salesperson()
    quote = sent_quote(owner, now)
    pass_binding(quote, now)

    revision = operations.revise_quote(quote=quote, acting_user=owner, now=now)

    assert (revision.number, revision.revision, revision.status) == (quote.number, 2, "draft")
    assert revision.binding_until is None  # the old one had passed
    assert revision.lines.count() == quote.lines.count() == 1
    with pytest.raises(ValidationError) as refused:
        operations.activate_quote(quote=revision, acting_user=owner, now=now)
    assert "binding_until" in refused.value.message_dict
    Quote.objects.filter(pk=revision.pk).update(binding_until=later(now))
    operations.activate_quote(quote=revision, acting_user=owner, now=now)
    assert operations.win_quote(quote=revision, acting_user=owner, now=now).status == "won"
    assert Quote.objects.get(pk=quote.pk).status == "revised"


@pytest.mark.django_db
def test_the_task_persists_expiry_once_with_a_history_entry(now):
    owner = salesperson()
    quote = sent_quote(owner, now)
    pass_binding(quote, now)

    assert operations.expire_due(now=now) == 1
    assert operations.expire_due(now=now) == 0

    assert Quote.objects.filter(pk=quote.pk, status="expired").exists()  # as stored
    events = list(history_for(quote).filter(event="quote_expired"))
    assert len(events) == 1
    assert "Bindefrist abgelaufen" in events[0].message


@pytest.mark.django_db(transaction=True)
def test_the_owner_is_warned_once_before_the_bindefrist_ends(
    reference_data, smtp_server, tmp_path, now
):
    owner = salesperson()
    owner.email = "vertrieb@stadtwerke-musterstadt.de"
    owner.save()
    soon = sent_quote(owner, now, hours=24)  # within the 48 hours' warning time
    sent_quote(owner, now, hours=24 * 10)  # not yet

    tasks.warn_expiring_quotes.enqueue()
    tasks.warn_expiring_quotes.enqueue()
    run_worker(smtp_server, tmp_path, "--batch")
    run_worker(smtp_server, tmp_path, "--batch")

    assert [message["To"] for message in smtp_server.messages] == [owner.email]
    message = smtp_server.messages[0]
    assert soon.number in message["Subject"]
    assert "Bindefrist" in message.get_content()
    assert OutboxEmail.objects.count() == 1
    assert operations.warn_expiring(now=now) == 0


@pytest.mark.django_db
def test_the_state_filter_answers_as_the_state_reads(now):
    """``in_state`` (plain column conditions, for the indexes) finds exactly the quotes whose
    ``state()`` is asked for: every stored status with a Bindefrist past, ahead and none
    (stored as expired only past it: a quote is sent with its Bindefrist ahead and expires
    when it passes)."""
    for status in Quote.Status.values:
        for binding in (now - timedelta(days=1), now + timedelta(days=1), None):
            if status != Quote.Status.EXPIRED or binding == now - timedelta(days=1):
                QuoteFactory(status=status, binding_until=binding)
    read = dict(Quote.objects.annotate(state=Quote.objects.state(now)).values_list("pk", "state"))
    assert set(read.values()) == set(Quote.Status.values)
    for size in (1, 2, 3):
        for states in combinations(Quote.Status.values, size):
            found = set(Quote.objects.in_state(*states, now=now).values_list("pk", flat=True))
            assert found == {pk for pk, state in read.items() if state in states}, states


@pytest.mark.django_db
def test_expired_quotes_sorted_by_bindefrist_are_read_in_its_order(now):
    """Most quotes are sent ones, so "abgelaufen" must not be looked up by status and then
    sorted whole (on SQLite, which keeps no statistics of values, it was: 7–16 × slower on
    the bench's M than on S); the index on the Bindefrist is read in order instead."""
    for status in (Quote.Status.ACTIVE, Quote.Status.EXPIRED, Quote.Status.WON):
        QuoteFactory(status=status, binding_until=now - timedelta(days=1))
    query = Quote.objects.in_state(Quote.Status.EXPIRED, now=now).order_by("binding_until", "pk")
    plan = sqlite_query_plan(query.values("pk")[:25])
    assert "quote_binding_until" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
