"""Delivery periods and energy years: half-open periods, hours across daylight-saving changes,
and an annual quantity split over the years a delivery touches.

Electricity is delivered and counted in calendar years (1 January 00:00 local time); gas in gas
years (1 October 06:00 to 1 October 06:00 local time, DOMAIN.md §3.6). A delivery period is
given by dates, ``[active_from, active_to)``: it begins at the first day's start (00:00 for
electricity, 06:00 for gas, the gas day) and ends at the start of ``active_to``.

**How an annual quantity is split.** Each year gets the annual quantity in proportion to the
hours of that year the delivery covers: a full year gets the annual quantity, 1 April to
31 December 2026 gets 6,601 of the year's 8,760 hours. Hours are counted in real time, so the
day clocks go forward has 23 hours and the day they go back 25. The exact shares are rounded to
``places`` decimals by the largest-remainder method: the total (the exact sum, rounded half up)
is what the parts add up to, to the last decimal; each part differs from its exact share by less
than one unit of the last decimal.
"""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BERLIN = ZoneInfo("Europe/Berlin")
SECONDS_PER_HOUR = 3600


class YearKind(StrEnum):
    CALENDAR = "calendar"  # electricity (and heat)
    GAS = "gas"  # gas year, from 1 October 06:00


DAY_START = {YearKind.CALENDAR: time(0), YearKind.GAS: time(6)}


@dataclass(frozen=True)
class Period:
    """A half-open delivery period ``[active_from, active_to)`` in days."""

    active_from: date
    active_to: date

    def __post_init__(self):
        if self.active_to <= self.active_from:
            raise ValidationError(
                {
                    "active_to": _(
                        "Das Lieferende (%(end)s) muss nach dem Lieferbeginn (%(start)s) liegen."
                    )
                    % {"end": self.active_to.isoformat(), "start": self.active_from.isoformat()}
                }
            )

    def moments(self, kind: YearKind) -> tuple[datetime, datetime]:
        """Start and end as moments, in UTC (gas: the gas day begins at 06:00 local time)."""
        return local_moment(self.active_from, kind), local_moment(self.active_to, kind)

    def hours(self, kind: YearKind = YearKind.CALENDAR) -> Fraction:
        return hours_between(*self.moments(kind))


def local_moment(day: date, kind: YearKind) -> datetime:
    """The start of a delivery day in local time, as a moment in UTC."""
    return datetime.combine(day, DAY_START[kind], tzinfo=BERLIN).astimezone(UTC)


def hours_between(start: datetime, end: datetime) -> Fraction:
    """Real elapsed hours: in UTC, so that 23 h and 25 h days count as such (Python subtracts
    two datetimes of the same zone by their wall clocks)."""
    elapsed = end.astimezone(UTC) - start.astimezone(UTC)
    return Fraction(int(elapsed.total_seconds()), SECONDS_PER_HOUR)


@dataclass(frozen=True)
class EnergyYear:
    kind: YearKind
    year: int  # the calendar year, or the year a gas year begins in

    @property
    def label(self) -> str:
        if self.kind == YearKind.GAS:
            return f"GWJ {self.year}/{(self.year + 1) % 100:02d}"
        return str(self.year)

    @property
    def period(self) -> Period:
        if self.kind == YearKind.GAS:
            return Period(date(self.year, 10, 1), date(self.year + 1, 10, 1))
        return Period(date(self.year, 1, 1), date(self.year + 1, 1, 1))

    @property
    def hours(self) -> Fraction:
        return self.period.hours(self.kind)

    @classmethod
    def containing(cls, day: date, kind: YearKind) -> "EnergyYear":
        """The energy year the delivery day ``day`` belongs to."""
        if kind == YearKind.GAS:
            return cls(kind, day.year if day.month >= 10 else day.year - 1)
        return cls(kind, day.year)


def energy_years(period: Period, kind: YearKind) -> list[EnergyYear]:
    """The energy years a delivery period touches, in order."""
    first = EnergyYear.containing(period.active_from, kind)
    last = EnergyYear.containing(period.active_to - timedelta(days=1), kind)
    return [EnergyYear(kind, year) for year in range(first.year, last.year + 1)]


@dataclass(frozen=True)
class YearShare:
    year: EnergyYear
    hours: Fraction  # hours of the delivery within this year
    quantity: Decimal

    @property
    def label(self) -> str:
        return self.year.label


def split_annual_quantity(
    annual: Decimal, period: Period, kind: YearKind, *, places: int = 3
) -> list[YearShare]:
    """The annual quantity over ``period``, per energy year, pro rata by hours (see above)."""
    start, end = period.moments(kind)
    shares = []
    for year in energy_years(period, kind):
        year_start, year_end = year.period.moments(kind)
        covered = hours_between(max(start, year_start), min(end, year_end))
        shares.append((year, covered, Fraction(annual) * covered / year.hours))
    quantities = round_to_total([exact for _, _, exact in shares], places)
    return [
        YearShare(year, covered, quantity)
        for (year, covered, _), quantity in zip(shares, quantities, strict=True)
    ]


def round_to_total(exact: list[Fraction], places: int) -> list[Decimal]:
    """Round each value down to ``places`` decimals, then give the units still missing to the
    total (the exact sum rounded half up) to the values with the largest remainders (earlier
    ones first on a tie). The results add up to that total exactly."""
    scaled = [value * 10**places for value in exact]
    total_units = math.floor(sum(scaled, Fraction(0)) + Fraction(1, 2))
    units = [math.floor(value) for value in scaled]
    remainders = [value - floor for value, floor in zip(scaled, units, strict=True)]
    missing = total_units - sum(units)
    for index in sorted(range(len(units)), key=lambda i: (-remainders[i], i))[:missing]:
        units[index] += 1
    return [Decimal(count).scaleb(-places) for count in units]
