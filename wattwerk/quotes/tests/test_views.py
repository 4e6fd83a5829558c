"""The quote pages: the tab "Angebote" of an opportunity, the lines, sending and deciding,
revisions compared — and their query counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from wattwerk.core.testing import count_queries
from wattwerk.energy.models import Commodity
from wattwerk.quotes import operations
from wattwerk.quotes.models import Quote

from .helpers import later, salesperson, seed_opportunity

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture
def seller(client):
    user = salesperson()
    client.force_login(user)
    return user


def new_quote_form(client, opportunity, now, **fields):
    data = {
        "name": "Strom 2027",
        "delivery_from": "2027-01-01",
        "delivery_to": "2028-01-01",
        "binding_until": later(now).astimezone().strftime(LOCAL),
        "take_lines": "on",
        **fields,
    }
    return client.post(reverse("opportunities_quotes", args=[opportunity.pk]), data)


def test_quotes_are_created_from_the_opportunity_tab_as_alternatives(client, seller, now):
    opportunity = seed_opportunity(seller, now)
    page = client.get(reverse("opportunities_quotes", args=[opportunity.pk])).content.decode()
    assert 'id="new-quote-form"' in page

    assert new_quote_form(client, opportunity, now).status_code == 302
    first = Quote.objects.get()
    response = new_quote_form(
        client,
        opportunity,
        now,
        name="Strom 2027–2029",
        delivery_from="",
        delivery_to="",
        alternative_to=first.pk,
    )
    assert response.status_code == 302
    combined = Quote.objects.exclude(pk=first.pk).get()
    assert combined.group_id == Quote.objects.get(pk=first.pk).group_id is not None
    assert first.lines.get().years.get().year == "2027"
    assert combined.lines.get().years.count() == 3
    page = client.get(reverse("opportunities_quotes", args=[opportunity.pk])).content.decode()
    assert first.number in page
    assert combined.number in page
    assert "Alternativen zu" in page


def test_a_half_period_is_refused_by_name(client, seller, now):
    opportunity = seed_opportunity(seller, now)
    response = new_quote_form(client, opportunity, now, delivery_to="")
    assert response.status_code == 422
    assert "Ein Lieferzeitraum hat Beginn und Ende." in response.content.decode()
    assert not Quote.objects.exists()


def test_lines_are_edited_while_a_draft(client, seller, now):
    opportunity = seed_opportunity(seller, now)
    new_quote_form(client, opportunity, now)
    quote = Quote.objects.get()
    url = reverse("quotes_lines", args=[quote.pk])
    response = client.post(
        url,
        {
            "kind": "energy",
            "commodity": Commodity.objects.get(code="strom").pk,
            "annual_kwh": "500.000",
            "active_from": "2027-01-01",
            "active_to": "2028-01-01",
            "price_ct_kwh": "6,5",
        },
    )
    assert response.status_code == 200, response.content.decode()
    assert quote.lines.count() == 2
    quote.refresh_from_db()
    assert quote.total_kwh == Decimal("10000000") + Decimal("500000")
    bad = client.post(url, {"kind": "energy", "annual_kwh": "abc"})
    assert bad.status_code == 422
    operations.activate_quote(quote=quote, acting_user=seller, now=now)
    page = client.get(url).content.decode()
    assert 'id="line-form"' not in page
    assert "Revision anlegen" in page


def test_send_lose_with_reason_and_revise_through_the_page(client, seller, now):
    opportunity = seed_opportunity(seller, now)
    new_quote_form(client, opportunity, now)
    quote = Quote.objects.get()
    url = reverse("quotes_decide", args=[quote.pk])

    assert client.post(url, {"action": "activate"}).status_code == 302
    assert Quote.objects.get().status == "active"
    refused = client.post(url, {"action": "lose", "reason": ""})
    assert refused.status_code == 422
    assert "Dieses Feld ist zwingend erforderlich." in refused.content.decode()
    assert client.post(url, {"action": "lose", "reason": "Preis"}).status_code == 302
    response = client.post(url, {"action": "revise"})
    revision = Quote.objects.get(revision=2)
    assert response.url == reverse("quotes_decide", args=[revision.pk])
    page = client.get(reverse("quotes_revisions", args=[revision.pk])).content.decode()
    assert quote.number in page
    assert 'id="comparison"' in page


def test_winning_an_expired_quote_on_the_page_says_why(client, seller, now):
    from datetime import timedelta

    opportunity = seed_opportunity(seller, now)
    new_quote_form(client, opportunity, now)
    quote = Quote.objects.get()
    operations.activate_quote(quote=quote, acting_user=seller, now=now)
    Quote.objects.update(binding_until=now - timedelta(minutes=5))

    response = client.post(reverse("quotes_decide", args=[quote.pk]), {"action": "win"})

    assert response.status_code == 422
    assert "kann nicht gewonnen werden" in response.content.decode()


def test_pages_run_a_fixed_number_of_queries_however_many_lines(client, seller, now):
    opportunity = seed_opportunity(seller, now)
    new_quote_form(client, opportunity, now)
    quote = Quote.objects.get()
    urls = [
        reverse("quotes_detail", args=[quote.pk]),
        reverse("quotes_lines", args=[quote.pk]),
        reverse("quotes_decide", args=[quote.pk]),
        reverse("quotes_revisions", args=[quote.pk]),
        reverse("opportunities_quotes", args=[opportunity.pk]),
    ]
    for url in urls:  # once first: the content types a page needs are cached from then on
        client.get(url)
    few = [count_queries(lambda url=url: client.get(url)) for url in urls]
    for year in (2028, 2029, 2030):
        operations.add_line(
            parent=quote,
            values={
                "kind": "energy",
                "commodity": Commodity.objects.get(code="strom"),
                "annual_kwh": Decimal("1000"),
                "active_from": date(year, 1, 1),
                "active_to": date(year + 2, 1, 1),
            },
            acting_user=seller,
            now=now,
        )
    new_quote_form(client, opportunity, now, name="noch eins")
    many = [count_queries(lambda url=url: client.get(url)) for url in urls]
    assert many == few


def test_the_accounts_opportunity_and_quote_tabs_run_a_fixed_number_of_queries(client, seller):
    from wattwerk.customers.tests.factories import AccountFactory
    from wattwerk.sales.tests.factories import OpportunityFactory

    from .factories import QuoteFactory

    account = AccountFactory()
    QuoteFactory(opportunity=OpportunityFactory(account=account, owner=seller), owner=seller)
    urls = [reverse(f"accounts_{tab}", args=[account.pk]) for tab in ("opportunities", "quotes")]
    for url in urls:  # once first: the content types a page needs are cached from then on
        client.get(url)
    few = [count_queries(lambda url=url: client.get(url)) for url in urls]
    for _ in range(5):
        opportunity = OpportunityFactory(account=account, owner=seller)
        QuoteFactory.create_batch(2, opportunity=opportunity, owner=seller)
    pages = [client.get(url).content.decode() for url in urls]
    assert pages[0].count("/opportunities/") > 6  # the rows are there
    assert pages[1].count("/quotes/") > 11
    assert [count_queries(lambda url=url: client.get(url)) for url in urls] == few
