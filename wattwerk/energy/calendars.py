"""Working days (Werktage): the BDEW market-communication calendar and each federal state's.

BDEW (GPKE, GeLi Gas): a working day is neither Saturday, Sunday nor a public holiday in *any*
federal state; 24 and 31 December count as holidays, and the BDEW announces special days (6 June
2025, the LFW24 go-live). City-only holidays (Augsburger Friedensfest) do not count (DOMAIN.md
§5.4). A state's calendar: Saturday, Sunday and that state's statutory holidays. Holidays come
from the ``holidays`` library; which calendar the organisation uses is the setting
``WATTWERK_WORKING_DAYS`` ("BDEW" or a state code such as "BY").
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

BDEW = "BDEW"
STATES = (
    "BB",
    "BE",
    "BW",
    "BY",
    "HB",
    "HE",
    "HH",
    "MV",
    "NI",
    "NW",
    "RP",
    "SH",
    "SL",
    "SN",
    "ST",
    "TH",
)
# Announced by the BDEW for market communication, beyond the rule (DOMAIN.md §5.4).
BDEW_SPECIAL_DAYS = {date(2025, 6, 6): "LFW24-Umstellung"}


@lru_cache(maxsize=256)
def non_working_days(calendar: str, year: int) -> frozenset[date]:
    """Holidays (not weekends) of one calendar in one year."""
    if calendar == BDEW:
        days = set()
        for state in STATES:
            days |= set(holidays.Germany(subdiv=state, years=year))
        days |= {date(year, 12, 24), date(year, 12, 31)}
        days |= {day for day in BDEW_SPECIAL_DAYS if day.year == year}
        return frozenset(days)
    if calendar in STATES:
        return frozenset(holidays.Germany(subdiv=calendar, years=year))
    raise ImproperlyConfigured(
        f"Unbekannter Werktagskalender {calendar!r}: BDEW oder ein Bundesland ({', '.join(STATES)})"
    )


def default_calendar() -> str:
    return getattr(settings, "WATTWERK_WORKING_DAYS", BDEW)


def is_working_day(day: date, calendar: str | None = None) -> bool:
    calendar = calendar or default_calendar()
    return day.weekday() < 5 and day not in non_working_days(calendar, day.year)


def add_working_days(day: date, count: int, calendar: str | None = None) -> date:
    """The ``count``-th working day after ``day`` (before it, when negative); ``day`` itself
    is not counted. Zero: ``day`` when it is a working day, else the next one."""
    calendar = calendar or default_calendar()
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    if remaining == 0:
        while not is_working_day(day, calendar):
            day += timedelta(days=1)
        return day
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day, calendar):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, calendar: str | None = None) -> int:
    """How many working days lie in ``[start, end)`` (negative when ``end`` is before)."""
    if end < start:
        return -working_days_between(end, start, calendar)
    calendar = calendar or default_calendar()
    return sum(
        is_working_day(start + timedelta(days=offset), calendar)
        for offset in range((end - start).days)
    )


def nth_working_day(year: int, month: int, n: int, calendar: str | None = None) -> date:
    """The n-th working day of a month ("5. WT"); n ≥ 1."""
    if n < 1:
        raise ValueError("n beginnt bei 1")
    return add_working_days(date(year, month, 1) - timedelta(days=1), n, calendar)


def nth_last_working_day(year: int, month: int, n: int, calendar: str | None = None) -> date:
    """The n-th last working day ("3 LWT"): counted back from the month's last calendar day,
    which itself is not counted (DOMAIN.md §5.5)."""
    if n < 1:
        raise ValueError("n beginnt bei 1")
    following = date(year + month // 12, month % 12 + 1, 1)
    return add_working_days(following - timedelta(days=1), -n, calendar)
