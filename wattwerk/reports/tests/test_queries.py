"""The controlling figures: the seed's quote group counted once, indications apart, and every
report a fixed number of queries however much data."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from wattwerk.core.testing import count_queries
from wattwerk.energy.models import BalancingArea, Commodity
from wattwerk.energy.periods import Period
from wattwerk.quotes import operations
from wattwerk.quotes.models import Quote
from wattwerk.quotes.tests.helpers import YEARS, later, salesperson, seed_opportunity
from wattwerk.reports import queries

pytestmark = pytest.mark.django_db


def quote(owner, now, opportunity, name, period=None, alternative_to=None, **fields):
    created = operations.create_quote(
        quote=Quote(name=name, opportunity=opportunity, binding_until=later(now), **fields),
        period=period,
        alternative_to=alternative_to,
        acting_user=owner,
        now=now,
    )
    return operations.activate_quote(quote=created, acting_user=owner, now=now)


def seed_group(owner, now, probability=50):
    """The three yearly quotes and the combined one, sent, in one group."""
    opportunity = seed_opportunity(owner, now, probability=probability)
    first = quote(owner, now, opportunity, "Strom 2027", Period(*YEARS[0]))
    yearly = [first] + [
        quote(owner, now, opportunity, f"Strom {start.year}", Period(start, end), first)
        for start, end in YEARS[1:]
    ]
    combined = quote(owner, now, opportunity, "Strom 2027–2029", alternative_to=first)
    return opportunity, yearly, combined


def by_year(table) -> dict:
    return {row["year"]: (row["mwh"], row["weighted_mwh"]) for row in table.rows}


def test_the_seeds_group_counts_10_gwh_per_year_not_20(now):
    owner = salesperson()
    seed_group(owner, now, probability=50)

    volume = queries.volume_pipeline(owner, now)

    assert by_year(volume) == {
        "2027": (Decimal("10000.000"), Decimal("5000.000")),
        "2028": (Decimal("10000.000"), Decimal("5000.000")),
        "2029": (Decimal("10000.000"), Decimal("5000.000")),
    }
    assert volume.totals["mwh"] == Decimal("30000.000")


def test_winning_the_combined_quote_empties_the_pipeline(now):
    owner = salesperson()
    _opportunity, _yearly, combined = seed_group(owner, now)
    operations.win_quote(quote=combined, acting_user=owner, now=now)
    assert queries.volume_pipeline(owner, now).rows == []


def test_quotes_without_a_group_each_count_and_areas_apart(now):
    owner = salesperson()
    opportunity = seed_opportunity(owner, now, probability=20)
    area = BalancingArea.objects.first()
    first = quote(owner, now, opportunity, "Werk A")
    second = operations.create_quote(
        quote=Quote(name="Werk B", opportunity=opportunity, binding_until=later(now)),
        take_lines=False,
        acting_user=owner,
        now=now,
    )
    operations.add_line(
        parent=second,
        values={
            "kind": "energy",
            "commodity": Commodity.objects.get(code="strom"),
            "balancing_area": area,
            "annual_kwh": Decimal("2000000"),
            "active_from": date(2027, 1, 1),
            "active_to": date(2028, 1, 1),
        },
        acting_user=owner,
        now=now,
    )
    operations.activate_quote(quote=second, acting_user=owner, now=now)
    assert first.group_id is None

    rows = {(r["year"], r["area"]): r["mwh"] for r in queries.volume_pipeline(owner, now).rows}

    assert rows[("2027", "–")] == Decimal("10000.000")
    assert rows[("2027", area.name)] == Decimal("2000.000")


def test_indicative_quotes_are_apart_from_every_binding_figure(now):
    owner = salesperson()
    opportunity = seed_opportunity(owner, now)
    quote(owner, now, opportunity, "Indikation", indicative=True)

    assert queries.volume_pipeline(owner, now).rows == []
    indicative = queries.volume_pipeline(owner, now, indicative=True)
    assert indicative.totals["mwh"] == Decimal("30000.000")
    assert queries.ending_soon(owner, now).rows[0]["quote"].startswith("AN-")


def test_expired_quotes_leave_the_pipeline_when_read(now):
    owner = salesperson()
    seed_group(owner, now)
    Quote.objects.update(binding_until=now - timedelta(minutes=1))
    assert queries.volume_pipeline(owner, now).rows == []


def test_a_user_sees_only_the_quotes_they_may_read(now):
    from wattwerk.access.tests.factories import UserFactory

    owner, stranger = salesperson(), UserFactory(permissions=["sales.view_opportunity"])
    seed_group(owner, now)
    assert queries.volume_pipeline(stranger, now).rows == []
    assert queries.pipeline(stranger).totals["count"] == 1  # may read the opportunity
    assert queries.pipeline(UserFactory()).rows == []


def test_hit_rate_counts_a_group_once_and_leaves_out_revisions_and_indications(now):
    owner = salesperson()
    _opportunity, _yearly, combined = seed_group(owner, now)
    operations.win_quote(quote=combined, acting_user=owner, now=now)
    other = seed_opportunity(owner, now)
    declined = quote(owner, now, other, "abgelehnt")
    revised = operations.revise_quote(quote=declined, acting_user=owner, now=now)
    operations.activate_quote(quote=revised, acting_user=owner, now=now)
    operations.lose_quote(quote=revised, reason="zu teuer", acting_user=owner, now=now)
    lapsed = quote(owner, now, other, "abgelaufen")
    Quote.objects.filter(pk=lapsed.pk).update(binding_until=now - timedelta(hours=1))
    quote(owner, now, other, "Indikation", indicative=True)

    rate = queries.hit_rate(owner, now)

    # the group (won), the revision lost, the quote expired: three offers decided, one won
    assert (rate.totals["decided"], rate.totals["won"]) == (3, 1)
    assert rate.totals["rate"] == Decimal("33.3")
    assert rate.totals["won_eur"] == Quote.objects.get(pk=combined.pk).total_eur


def test_eur_pipeline_by_every_grouping(now):
    owner = salesperson()
    seed_group(owner, now, probability=40)
    for by in queries.PIPELINE_GROUPS:
        table = queries.pipeline(owner, by)
        assert table.totals["count"] == 1
        assert table.totals["potential_mwh"] == Decimal("10000.000")


def test_every_report_runs_a_fixed_number_of_queries(now):
    owner = salesperson()
    seed_group(owner, now)
    reports = [
        lambda: queries.pipeline(owner, "stage"),
        lambda: queries.pipeline(owner, "owner"),
        lambda: queries.pipeline(owner, "month"),
        lambda: queries.volume_pipeline(owner, now),
        lambda: queries.volume_pipeline(owner, now, indicative=True),
        lambda: queries.won_against_demand(owner),
        lambda: queries.hit_rate(owner, now),
        lambda: queries.ending_soon(owner, now),
    ]
    few = [count_queries(report) for report in reports]
    for _ in range(3):
        seed_group(owner, now)
    _opportunity, _yearly, combined = seed_group(owner, now)
    operations.win_quote(quote=combined, acting_user=owner, now=now)
    assert [count_queries(report) for report in reports] == few
