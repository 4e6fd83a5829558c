"""Working days: the BDEW vectors of DOMAIN.md §3.6 and §5.4, state calendars, properties."""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from wattwerk.energy.calendars import (
    add_working_days,
    is_working_day,
    nth_last_working_day,
    nth_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2025, 12, 22), 1, date(2025, 12, 23)),
        (date(2025, 12, 23), 1, date(2025, 12, 29)),  # 24., 25., 26. Dec and the weekend
        (date(2025, 6, 5), 1, date(2025, 6, 10)),  # 6 June LFW24, Pfingsten
        (date(2025, 6, 10), -1, date(2025, 6, 5)),
        (date(2026, 1, 3), 0, date(2026, 1, 5)),  # Saturday: the next working day
    ],
)
def test_bdew_vectors(start, count, expected):
    assert add_working_days(start, count, "BDEW") == expected


def test_the_bdew_calendar_joins_the_states_but_not_augsburg():
    assert not is_working_day(date(2026, 1, 6), "BDEW")  # Heilige Drei Könige (BW, BY, ST)
    assert not is_working_day(date(2026, 11, 18), "BDEW")  # Buß- und Bettag (SN)
    assert not is_working_day(date(2026, 12, 31), "BDEW")  # Silvester, by BDEW rule
    assert is_working_day(date(2025, 8, 8), "BDEW")  # Augsburger Friedensfest: city only


def test_state_calendars():
    assert not is_working_day(date(2026, 1, 6), "BY")
    assert is_working_day(date(2026, 1, 6), "NI")
    assert not is_working_day(date(2026, 10, 31), "NI")  # Reformationstag
    assert is_working_day(date(2025, 6, 6), "NI")  # the BDEW special day is not a holiday
    assert is_working_day(date(2026, 12, 24), "BY")  # Heiligabend is a BDEW rule only


def test_the_nth_and_nth_last_working_day():
    assert nth_working_day(2026, 1, 5, "BDEW") == date(2026, 1, 9)
    assert nth_working_day(2026, 1, 1, "BDEW") == date(2026, 1, 2)
    # 31 January 2026 is a Saturday and is not counted itself.
    assert nth_last_working_day(2026, 1, 1, "BDEW") == date(2026, 1, 30)
    assert nth_last_working_day(2026, 1, 3, "BDEW") == date(2026, 1, 28)
    assert nth_last_working_day(2026, 12, 1, "BDEW") == date(2026, 12, 30)


def test_counting_working_days():
    assert working_days_between(date(2026, 1, 1), date(2026, 2, 1), "BDEW") == 20
    assert working_days_between(date(2026, 2, 1), date(2026, 1, 1), "BDEW") == -20


def test_the_calendar_comes_from_the_settings(settings):
    settings.WATTWERK_WORKING_DAYS = "NI"
    assert is_working_day(date(2026, 1, 6))
    settings.WATTWERK_WORKING_DAYS = "Mars"
    with pytest.raises(ImproperlyConfigured):
        is_working_day(date(2026, 1, 6))


calendars = st.sampled_from(["BDEW", "BY", "NI", "BE", "SN"])
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@given(days, st.integers(1, 60), calendars)
def test_adding_then_subtracting_returns_to_a_working_day_at_or_before_the_start(day, n, calendar):
    back = add_working_days(add_working_days(day, n, calendar), -n, calendar)
    assert back <= day
    assert is_working_day(back, calendar)


@given(days, st.integers(1, 60), calendars)
def test_n_working_days_later_lies_n_working_days_away(day, n, calendar):
    later = add_working_days(day, n, calendar)
    assert is_working_day(later, calendar)
    # [day, later) holds the start (when it is a working day) and the n - 1 in between.
    assert working_days_between(day, later, calendar) == n - 1 + is_working_day(day, calendar)
