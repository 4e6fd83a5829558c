"""The seed's own example (QT1): three yearly quotes for 2027, 2028 and 2029 and one combined
quote for 2027–2029, all alternatives of one group, driven through the API."""

from decimal import Decimal

import pytest

from wattwerk.quotes.models import Quote
from wattwerk.sales.models import AccountOpportunity, Opportunity
from wattwerk.sales.totals import differences

from .helpers import TEN_GWH, YEARS, later, salesperson, seed_opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(api_client):
    user = salesperson()
    api_client.force_authenticate(user)
    return user


def post(api_client, path, data=None, status=200):
    response = api_client.post(path, data or {}, format="json")
    assert response.status_code == status, response.content
    return response.json()


def make_group(api_client, opportunity, now):
    """The three yearly quotes and the combined one, sent; returns the combined one last."""
    ids = []
    for start, end in YEARS:
        body = {
            "opportunity": opportunity.pk,
            "name": f"Strom {start.year}",
            "delivery_from": start.isoformat(),
            "delivery_to": end.isoformat(),
            "binding_until": later(now).isoformat(),
        }
        if ids:
            body["alternative_to"] = ids[0]
        ids.append(post(api_client, "/api/v1/quotes/from-opportunity/", body, 201)["id"])
    combined = {
        "opportunity": opportunity.pk,
        "name": "Strom 2027–2029",
        "binding_until": later(now).isoformat(),
        "alternative_to": ids[0],
    }
    ids.append(post(api_client, "/api/v1/quotes/from-opportunity/", combined, 201)["id"])
    for pk in ids:
        post(api_client, f"/api/v1/quotes/{pk}/activate/")
    return ids


def test_the_group_of_four_is_one_group_and_each_quote_has_its_years(api_client, seller, now):
    opportunity = seed_opportunity(seller, now)
    *yearly, combined = make_group(api_client, opportunity, now)

    quotes = {quote.pk: quote for quote in Quote.objects.all()}
    assert len({quote.group_id for quote in quotes.values()}) == 1
    assert quotes[combined].group is not None
    for pk, (start, _end) in zip(yearly, YEARS, strict=True):
        lines = api_client.get(f"/api/v1/quotes/{pk}/lines/").json()
        assert [line["years"] for line in lines] == [{str(start.year): "10000000.000"}]
    lines = api_client.get(f"/api/v1/quotes/{combined}/lines/").json()
    assert lines[0]["years"] == {
        "2027": "10000000.000",
        "2028": "10000000.000",
        "2029": "10000000.000",
    }
    numbers = [quotes[pk].number for pk in (*yearly, combined)]
    assert len(set(numbers)) == 4
    assert all(number.startswith(f"AN-{now.year}-") for number in numbers)


def test_winning_the_combined_quote_loses_the_yearly_ones_and_moves_30_gwh_to_won(
    api_client, seller, now
):
    opportunity = seed_opportunity(seller, now)
    *yearly, combined = make_group(api_client, opportunity, now)
    before = AccountOpportunity.objects.get(account=opportunity.account)
    assert before.won_kwh == 0
    remaining_before = {k: Decimal(v) for k, v in before.totals["remaining_by_year"].items()}

    won = post(api_client, f"/api/v1/quotes/{combined}/win/")

    assert won["status"] == "won"
    for pk in yearly:
        quote = api_client.get(f"/api/v1/quotes/{pk}/").json()
        assert (quote["status"], quote["lost_reason"]) == ("lost", "durch Alternative ersetzt")
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.WON
    after = AccountOpportunity.objects.get(account=opportunity.account)
    won_years = after.totals["won"]["strom"]["years"]
    assert won_years == {"2027": "10000000.000", "2028": "10000000.000", "2029": "10000000.000"}
    assert sum(Decimal(kwh) for kwh in won_years.values()) == 3 * TEN_GWH  # 30 GWh
    remaining_after = {k: Decimal(v) for k, v in after.totals["remaining_by_year"].items()}
    dropped = {key: remaining_before[key] - remaining_after[key] for key in remaining_before}
    assert dropped == {"strom 2027": TEN_GWH, "strom 2028": TEN_GWH, "strom 2029": TEN_GWH}
    assert after.remaining_kwh == before.remaining_kwh - TEN_GWH  # per year of the 3
    assert differences() == []


def test_a_second_quote_of_the_group_cannot_be_won(api_client, seller, now):
    opportunity = seed_opportunity(seller, now)
    *yearly, combined = make_group(api_client, opportunity, now)
    post(api_client, f"/api/v1/quotes/{combined}/win/")

    refused = post(api_client, f"/api/v1/quotes/{yearly[0]}/win/", status=400)

    assert "verloren" in str(refused)
    assert Quote.objects.filter(status="won").count() == 1


def test_won_volume_counts_the_won_quote_not_the_potential(api_client, seller, now):
    """Winning only the 2027 quote (the customer took one year) moves 10 GWh, not 30."""
    opportunity = seed_opportunity(seller, now)
    *yearly, _combined = make_group(api_client, opportunity, now)

    post(api_client, f"/api/v1/quotes/{yearly[0]}/win/")

    after = AccountOpportunity.objects.get(account=opportunity.account)
    assert after.totals["won"]["strom"]["years"] == {"2027": "10000000.000"}
    assert differences() == []
