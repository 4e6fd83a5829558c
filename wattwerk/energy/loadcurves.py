"""Load curves (Lastgang): read a CSV or XLSX file of 15-minute or hourly values, find what is
wrong with it, and compute what a delivery point needs from it.

A row is a timestamp and a value, or a date, a time and a value (as many network operators
export them). Timestamps are the *start* of their interval (DOMAIN.md §5.3),
either with an offset or ``Z`` (taken as given) or in local time (Europe/Berlin): then the hour
the clocks go back occurs twice and is read in order, and a time in the hour the clocks skip is
a problem of its own. Values are kW (mean power) or kWh (energy per interval), in German
("1.234,5") or English ("1,234.5") notation, or numbers and dates in Excel cells. Everything
streams row by row (XLSX through openpyxl's read-only mode).
"""

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from wattwerk.core.tabular import UnreadableFile, read_file, read_rows, read_xlsx

BERLIN = ZoneInfo("Europe/Berlin")
TIMESTAMP = re.compile(
    r"(?:(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})|(?P<Y>\d{4})-(?P<M>\d{2})-(?P<D>\d{2}))"
    r"[ T](?P<H>\d{1,2}):(?P<I>\d{2})(?::(?P<S>\d{2}))?(?P<zone>Z|[+-]\d{2}:?\d{2})?"
)
DATE_ONLY = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}")
TIME_ONLY = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
SLP_LIMIT_KWH = {"strom": Decimal(100_000), "gas": Decimal(1_500_000)}
GAS_SLP_LIMIT_KW = Decimal(500)
MAX_PROBLEMS_LISTED = 50
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a year of 15-minute values is about 1 MB


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


def _timestamp(cell, clock: _LocalClock) -> datetime | str | None:
    """The start of the interval in naive UTC, ``None`` in the skipped spring hour, or
    ``"unreadable"``."""
    if isinstance(cell, datetime):  # an Excel cell: local time, to the second
        return clock.to_utc((cell + timedelta(microseconds=500_000)).replace(microsecond=0))
    if not isinstance(cell, str):
        return "unreadable"
    text = cell.strip()
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
    try:
        naive = datetime(
            int(year), int(month), int(day), int(parts["H"]), int(parts["I"]), int(parts["S"] or 0)
        )
    except ValueError:
        return "unreadable"
    zone = parts["zone"]
    if zone is None:
        return clock.to_utc(naive)
    if zone == "Z":
        return naive
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return naive - sign * offset


def _number(cell) -> Decimal:
    if isinstance(cell, bool):
        raise InvalidOperation
    if isinstance(cell, int | float | Decimal):
        return Decimal(str(cell))
    if isinstance(cell, str):
        return parse_number(cell)
    raise InvalidOperation


def _is_time(cell) -> bool:
    return isinstance(cell, time) or (isinstance(cell, str) and bool(TIME_ONLY.fullmatch(cell)))


def _stamp_and_value(cells: list) -> tuple[object, object]:
    """The timestamp and the value of a row laid out as "timestamp; value", "date; time; value"
    or "date; from; to; value"."""
    first, second = cells[0], cells[1]
    if len(cells) < 3 or not _is_time(second.strip() if isinstance(second, str) else second):
        return first, second
    rest = cells[2:]
    if len(rest) > 1 and _is_time(rest[0].strip() if isinstance(rest[0], str) else rest[0]):
        rest = rest[1:]  # the end of the interval
    if isinstance(first, str) and DATE_ONLY.fullmatch(first.strip()):
        shown = second.strftime("%H:%M:%S") if isinstance(second, time) else second.strip()
        return f"{first.strip()} {shown}", rest[0]
    if isinstance(first, date):  # an Excel date (a datetime at midnight)
        day = first.date() if isinstance(first, datetime) else first
        if isinstance(second, str):
            hours, minutes, *seconds = (int(part) for part in second.strip().split(":"))
            try:
                second = time(hours, minutes, *seconds)
            except ValueError:
                return first, second
        return datetime.combine(day, second), rest[0]
    return first, second


def _shown(cell) -> str:
    if isinstance(cell, datetime):
        return cell.strftime("%d.%m.%Y %H:%M")
    return str(cell).strip()


def analyse(lines: Iterable[str], unit: Unit | str) -> LoadCurveResult:
    """Read the lines of a CSV load curve; see :func:`analyse_rows`."""
    return analyse_rows(read_rows(lines), unit)


def analyse_rows(rows: Iterable[tuple[int, list]], unit: Unit | str) -> LoadCurveResult:
    """Report the figures and problems of a load curve, in one pass over its rows.

    Lines before the first readable timestamp are headers and are skipped; after it, every
    line that cannot be read is a problem.
    """
    unit = Unit(unit)
    result = LoadCurveResult()
    clock = _LocalClock()
    seen: set[datetime] = set()
    values: list[tuple[datetime, Decimal]] = []
    started = False
    for line, cells in rows:
        if len(cells) < 2:
            if started:
                result.note(
                    "unreadable",
                    line,
                    _("Zeile %(line)d: Zeitpunkt und Wert erwartet.") % {"line": line},
                )
            continue
        stamp, cell = _stamp_and_value(cells)
        moment = _timestamp(stamp, clock)
        if moment == "unreadable":
            if started:
                result.note(
                    "unreadable",
                    line,
                    _("Zeile %(line)d: Zeitpunkt „%(text)s“ nicht lesbar.")
                    % {"line": line, "text": _shown(stamp)},
                )
            continue
        started = True
        if moment is None:
            result.note(
                "nonexistent_time",
                line,
                _(
                    "Zeile %(line)d: %(text)s gibt es nicht – die Uhr springt an diesem Tag von "
                    "2 auf 3 Uhr."
                )
                % {"line": line, "text": _shown(stamp)},
            )
            continue
        try:
            value = _number(cell)
        except InvalidOperation:
            result.note(
                "unreadable",
                line,
                _("Zeile %(line)d: Wert „%(text)s“ ist keine Zahl.")
                % {"line": line, "text": _shown(cell)},
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


__all__ = ["UnreadableFile", "analyse", "analyse_rows", "read_file", "read_rows", "read_xlsx"]
