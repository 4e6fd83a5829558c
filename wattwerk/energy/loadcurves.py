"""Load curves (Lastgang): read a CSV of 15-minute or hourly values, find what is wrong with it,
and compute what a delivery point needs from it.

A row is a timestamp and a value. Timestamps are the *start* of their interval (DOMAIN.md §5.3),
either with an offset or ``Z`` (taken as given) or in local time (Europe/Berlin): then the hour
the clocks go back occurs twice and is read in order, and a time in the hour the clocks skip is
a problem of its own. Values are kW (mean power) or kWh (energy per interval), in German
("1.234,5") or English ("1,234.5") notation. Everything streams row by row.
"""

import csv
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

BERLIN = ZoneInfo("Europe/Berlin")
TIMESTAMP = re.compile(
    r"(?:(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})|(?P<Y>\d{4})-(?P<M>\d{2})-(?P<D>\d{2}))"
    r"[ T](?P<H>\d{1,2}):(?P<I>\d{2})(?::(?P<S>\d{2}))?(?P<zone>Z|[+-]\d{2}:?\d{2})?"
)
SLP_LIMIT_KWH = {"strom": Decimal(100_000), "gas": Decimal(1_500_000)}
GAS_SLP_LIMIT_KW = Decimal(500)
MAX_PROBLEMS_LISTED = 50


class Unit(StrEnum):
    KW = "kW"
    KWH = "kWh"


@dataclass
class Problem:
    kind: str  # "unreadable", "duplicate", "gap", "nonexistent_time", "interval"
    line: int | None
    message: str


@dataclass
class LoadCurveResult:
    interval: timedelta | None = None
    count: int = 0
    start: datetime | None = None  # UTC, start of the first interval
    end: datetime | None = None  # UTC, end of the last interval
    total_kwh: Decimal = Decimal(0)
    peak_kw: Decimal = Decimal(0)
    peak_at: datetime | None = None
    problems: list[Problem] = field(default_factory=list)
    problem_counts: Counter = field(default_factory=Counter)
    daily_kwh: dict[date, Decimal] = field(default_factory=dict)  # local day → energy

    @property
    def ok(self) -> bool:
        return not self.problem_counts

    @property
    def covered_hours(self) -> Decimal:
        if self.interval is None:
            return Decimal(0)
        return Decimal(self.count) * Decimal(self.interval.total_seconds()) / 3600

    @property
    def annual_kwh(self) -> Decimal | None:
        """The total scaled to a year of 8,760 hours (exactly the total for a full year)."""
        if not self.covered_hours or self.start is None or self.end is None:
            return None
        span = Decimal((self.end - self.start).total_seconds()) / 3600
        year_hours = Decimal(8784 if _spans_leap_day(self.start, self.end) else 8760)
        if span >= year_hours:
            return self.total_kwh
        return (self.total_kwh * year_hours / self.covered_hours).quantize(Decimal("0.001"))

    @property
    def full_load_hours(self) -> Decimal | None:
        annual = self.annual_kwh
        if annual is None or not self.peak_kw:
            return None
        return (annual / self.peak_kw).quantize(Decimal(1))

    def metering(self, commodity: str) -> str:
        """SLP or RLM by the thresholds of DOMAIN.md §6.1."""
        annual = self.annual_kwh or Decimal(0)
        if annual > SLP_LIMIT_KWH.get(commodity, SLP_LIMIT_KWH["strom"]):
            return "RLM"
        if commodity == "gas" and self.peak_kw > GAS_SLP_LIMIT_KW:
            return "RLM"
        return "SLP"

    def note(self, kind: str, line: int | None, message: str) -> None:
        self.problem_counts[kind] += 1
        if len(self.problems) < MAX_PROBLEMS_LISTED:
            self.problems.append(Problem(kind, line, message))


def _spans_leap_day(start: datetime, end: datetime) -> bool:
    for year in range(start.year, end.year + 1):
        if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
            leap_day = datetime(year, 2, 29, 12, tzinfo=UTC)
            if start <= leap_day < end:
                return True
    return False


def parse_number(text: str) -> Decimal:
    """ "1.234,5" and "1,234.5" and "1234.5" and "1234,5" → Decimal("1234.5")."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "." not in text and text.count(",") <= 1:  # the common cases, "100,5" and "100"
        return Decimal(text.replace(",", "."))
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
    elif "," in text:
        decimal_mark = ","
    else:
        decimal_mark = "."
    thousands = "." if decimal_mark == "," else ","
    return Decimal(text.replace(thousands, "").replace(decimal_mark, "."))


class _LocalClock:
    """Turns local wall-clock times into UTC, reading the repeated autumn hour in order.

    Clocks change on full hours in Germany, so the offsets are looked up once per local hour.
    """

    def __init__(self):
        self.last_utc: datetime | None = None
        self.hours: dict[tuple[int, int, int, int], tuple[timedelta, timedelta, bool]] = {}

    def offsets(self, naive: datetime) -> tuple[timedelta, timedelta, bool]:
        key = (naive.year, naive.month, naive.day, naive.hour)
        known = self.hours.get(key)
        if known is None:
            hour = naive.replace(minute=0, second=0)
            first = hour.replace(tzinfo=BERLIN, fold=0)
            exists = first.astimezone(UTC).astimezone(BERLIN).replace(tzinfo=None) == hour
            second = hour.replace(tzinfo=BERLIN, fold=1)
            known = self.hours[key] = (first.utcoffset(), second.utcoffset(), exists)
        return known

    def to_utc(self, naive: datetime) -> datetime | None:
        first_offset, second_offset, exists = self.offsets(naive)
        if not exists:
            return None  # in the hour the clocks skip
        moment = naive - first_offset  # naive UTC, as everything inside this module
        if second_offset != first_offset and self.last_utc is not None and moment <= self.last_utc:
            moment = naive - second_offset  # the autumn hour, again
        self.last_utc = moment
        return moment


def _timestamp(text: str, clock: _LocalClock) -> datetime | str | None:
    text = text.strip()
    if len(text) == 16 and text[2] == "." and text[5] == "." and text[13] == ":":
        try:  # the common case, "31.12.2026 23:45", without the regular expression
            naive = datetime(
                int(text[6:10]), int(text[3:5]), int(text[0:2]), int(text[11:13]), int(text[14:16])
            )
        except ValueError:
            pass
        else:
            return clock.to_utc(naive)
    match = TIMESTAMP.fullmatch(text)
    if not match:
        return "unreadable"
    parts = match.groupdict()
    year, month, day = (
        (parts["y"], parts["m"], parts["d"]) if parts["y"] else (parts["Y"], parts["M"], parts["D"])
    )
    naive = datetime(
        int(year), int(month), int(day), int(parts["H"]), int(parts["I"]), int(parts["S"] or 0)
    )
    zone = parts["zone"]
    if zone is None:
        return clock.to_utc(naive)
    if zone == "Z":
        return naive
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return naive - sign * offset


def read_rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a CSV with ``;``, ``,`` or tab between the cells."""
    lines = iter(lines)
    first = next(lines, "")
    delimiter = max(";\t,", key=first.count) if first else ";"  # the most frequent one
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    for number, cells in enumerate(reader, start=1):
        if cells and any(cell.strip() for cell in cells):
            yield number, cells


def analyse(lines: Iterable[str], unit: Unit | str) -> LoadCurveResult:
    """Read a load curve and report its figures and problems, in one pass over the rows."""
    unit = Unit(unit)
    result = LoadCurveResult()
    clock = _LocalClock()
    seen: set[datetime] = set()
    values: list[tuple[datetime, Decimal]] = []
    for line, cells in read_rows(lines):
        if len(cells) < 2:
            result.note(
                "unreadable",
                line,
                _("Zeile %(line)d: Zeitpunkt und Wert erwartet.") % {"line": line},
            )
            continue
        moment = _timestamp(cells[0], clock)
        if moment == "unreadable":
            if line == 1:
                continue  # a header
            result.note(
                "unreadable",
                line,
                _("Zeile %(line)d: Zeitpunkt „%(text)s“ nicht lesbar.")
                % {"line": line, "text": cells[0]},
            )
            continue
        if moment is None:
            result.note(
                "nonexistent_time",
                line,
                _(
                    "Zeile %(line)d: %(text)s gibt es nicht – die Uhr springt an diesem Tag von "
                    "2 auf 3 Uhr."
                )
                % {"line": line, "text": cells[0].strip()},
            )
            continue
        try:
            value = parse_number(cells[1])
        except InvalidOperation:
            result.note(
                "unreadable",
                line,
                _("Zeile %(line)d: Wert „%(text)s“ ist keine Zahl.")
                % {"line": line, "text": cells[1]},
            )
            continue
        if moment in seen:
            result.note(
                "duplicate",
                line,
                _("Zeile %(line)d: Intervall %(when)s doppelt.")
                % {"line": line, "when": _local(moment)},
            )
            continue
        seen.add(moment)
        values.append((moment, value))
    _measure(result, values, unit)
    return result


def _local(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")


def _measure(result: LoadCurveResult, values: list[tuple[datetime, Decimal]], unit: Unit) -> None:
    if len(values) < 2:
        result.count = len(values)
        return
    values.sort(key=lambda pair: pair[0])
    steps = Counter(b[0] - a[0] for a, b in itertools.pairwise(values))
    interval = steps.most_common(1)[0][0]
    if interval not in (timedelta(minutes=15), timedelta(hours=1)):
        result.note(
            "interval",
            None,
            _("Das Raster ist %(minutes)d Minuten; erwartet 15 oder 60.")
            % {"minutes": interval.total_seconds() // 60},
        )
    result.interval = interval
    hours = Decimal(interval.total_seconds()) / 3600
    for (moment, _value), (following, _next) in itertools.pairwise(values):
        if following - moment > interval:
            missing = (following - moment) // interval - 1
            result.note(
                "gap",
                None,
                _("Lücke: %(count)d Intervalle fehlen von %(start)s bis vor %(end)s.")
                % {"count": missing, "start": _local(moment + interval), "end": _local(following)},
            )
    total = Decimal(0)
    peak, peak_at = None, None
    daily: dict[date, Decimal] = {}
    offsets: dict[tuple, timedelta] = {}  # per UTC hour: clocks change on full hours
    for moment, value in values:
        energy, power = (value * hours, value) if unit == Unit.KW else (value, value / hours)
        total += energy
        hour = (moment.year, moment.month, moment.day, moment.hour)
        offset = offsets.get(hour)
        if offset is None:
            offset = offsets[hour] = moment.replace(tzinfo=UTC).astimezone(BERLIN).utcoffset()
        day = (moment + offset).date()
        daily[day] = daily.get(day, Decimal(0)) + energy
        if peak is None or power > peak:
            peak, peak_at = power, moment
    result.count = len(values)
    result.start = values[0][0].replace(tzinfo=UTC)
    result.end = (values[-1][0] + interval).replace(tzinfo=UTC)
    result.total_kwh, result.peak_kw, result.peak_at = total, peak, peak_at.replace(tzinfo=UTC)
    result.daily_kwh = daily
