"""Delivery periods, energy years and the split of an annual quantity (DOMAIN.md §3.6)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from wattwerk.energy.periods import (
    EnergyYear,
    Period,
    YearKind,
    round_to_total,
    split_annual_quantity,
)


def test_the_issue_example_by_calendar_year():
    """1,000 MWh/a from 2026-04-01 to 2028-04-01, electricity: parts weighted by hours.

    2026: 1 April to 1 January is 275 days, plus the hour won on 25 October: 6,601 of 8,760 h.
    2027: the whole year. 2028: 91 days less the hour lost on 26 March: 2,183 of 8,784 h (leap).
    """
    shares = split_annual_quantity(
        Decimal("1000"), Period(date(2026, 4, 1), date(2028, 4, 1)), YearKind.CALENDAR
    )
    assert [(s.label, s.hours) for s in shares] == [("2026", 6601), ("2027", 8760), ("2028", 2183)]
    assert [s.quantity for s in shares] == [
        Decimal("753.539"),  # 1000 · 6601 / 8760 = 753.5388…
        Decimal("1000.000"),
        Decimal("248.520"),  # 1000 · 2183 / 8784 = 248.5200…
    ]
    assert sum(s.quantity for s in shares) == Decimal("2002.059")


def test_the_issue_example_by_gas_year():
    """The same delivery of gas: from 06:00 on 1 April 2026 to 06:00 on 1 April 2028.

    GWJ 2025/26: 183 days = 4,392 of 8,760 h. GWJ 2027/28: 4,392 h (the hour won in October
    and lost in March cancel out) of 8,784 h, as the gas year holds 29 February 2028.
    """
    shares = split_annual_quantity(
        Decimal("1000"), Period(date(2026, 4, 1), date(2028, 4, 1)), YearKind.GAS
    )
    assert [(s.label, s.hours, s.quantity) for s in shares] == [
        ("GWJ 2025/26", 4392, Decimal("501.370")),
        ("GWJ 2026/27", 8760, Decimal("1000.000")),
        ("GWJ 2027/28", 4392, Decimal("500.000")),
    ]


def test_daylight_saving_days_and_years():
    assert Period(date(2026, 3, 29), date(2026, 3, 30)).hours() * 4 == 92
    assert Period(date(2026, 10, 25), date(2026, 10, 26)).hours() * 4 == 100
    quarter_hours = [EnergyYear(YearKind.CALENDAR, y).hours * 4 for y in (2024, 2025, 2026)]
    assert quarter_hours == [35136, 35040, 35040]
    start, _end = EnergyYear(YearKind.GAS, 2025).period.moments(YearKind.GAS)
    assert start == datetime(2025, 10, 1, 4, 0, tzinfo=UTC)


def test_labels_and_the_year_a_day_belongs_to():
    assert EnergyYear.containing(date(2026, 9, 30), YearKind.GAS).label == "GWJ 2025/26"
    assert EnergyYear.containing(date(2026, 10, 1), YearKind.GAS).label == "GWJ 2026/27"
    assert EnergyYear.containing(date(2099, 12, 31), YearKind.GAS).label == "GWJ 2099/00"
    assert EnergyYear.containing(date(2027, 5, 1), YearKind.CALENDAR).label == "2027"


def test_a_period_must_end_after_it_begins():
    with pytest.raises(ValidationError) as refused:
        Period(date(2027, 1, 1), date(2027, 1, 1))
    assert "Lieferende" in refused.value.message_dict["active_to"][0]


def test_rounding_gives_remainders_to_the_largest():
    thirds = [Fraction(1, 3)] * 3
    assert round_to_total(thirds, 2) == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]
    assert sum(round_to_total(thirds, 2)) == Decimal("1.00")


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31))
annuals = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False)


@given(days, st.integers(1, 3000), annuals, st.sampled_from(list(YearKind)), st.integers(0, 4))
def test_the_parts_add_up_exactly_and_stay_close_to_their_share(
    start, length, annual, kind, places
):
    period = Period(start, start + timedelta(days=length))
    shares = split_annual_quantity(annual, period, kind, places=places)
    exact = [Fraction(annual) * s.hours / s.year.hours for s in shares]
    unit = Fraction(1, 10**places)
    total = sum(exact, Fraction(0))
    assert abs(Fraction(sum(s.quantity for s in shares)) - total) <= unit / 2
    assert all(abs(Fraction(s.quantity) - e) < unit for s, e in zip(shares, exact, strict=True))
    assert sum(s.hours for s in shares) == period.hours(kind)
    quantum = Decimal(1).scaleb(-places)
    if annual == annual.quantize(quantum):  # a whole year gets the annual quantity itself
        for share in shares:
            if share.hours == share.year.hours:
                assert share.quantity == annual
