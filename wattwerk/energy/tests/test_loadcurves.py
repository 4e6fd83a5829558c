"""Load curves: a generated year, gaps and duplicates located, the DST days, notations, CSV
and XLSX files."""

import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import openpyxl
import pytest

from wattwerk.energy.loadcurves import (
    BERLIN,
    UnreadableFile,
    analyse,
    analyse_rows,
    parse_number,
    read_file,
)

QUARTER = timedelta(minutes=15)


def local_rows(start: datetime, end: datetime, value, *, fmt="%d.%m.%Y %H:%M", step=QUARTER):
    """One CSV line per interval start from ``start`` to ``end`` (UTC), in local wall time."""
    moment = start
    while moment < end:
        yield f"{moment.astimezone(BERLIN).strftime(fmt)};{value(moment)}"
        moment += step


def year_start(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=BERLIN).astimezone(UTC)


def test_a_generated_year_gives_exactly_its_figures():
    peak_at = datetime(2026, 7, 15, 10, 0, tzinfo=BERLIN).astimezone(UTC)

    def kw(moment):
        return "750,0" if moment == peak_at else "100,0"

    lines = ["Zeitpunkt;Leistung (kW)", *local_rows(year_start(2026), year_start(2027), kw)]
    result = analyse(lines, "kW")
    assert result.ok, result.problems
    assert result.count == 35040
    assert result.interval == QUARTER
    assert result.total_kwh == (Decimal(35039) * 100 + 750) * Decimal("0.25")
    assert result.annual_kwh == result.total_kwh
    assert (result.peak_kw, result.peak_at) == (Decimal("750.0"), peak_at)
    assert result.full_load_hours == (result.total_kwh / 750).quantize(Decimal(1))
    assert result.metering("strom") == "RLM"
    assert len(result.daily_kwh) == 365
    assert sum(result.daily_kwh.values()) == result.total_kwh
    assert result.daily_kwh[date(2026, 3, 29)] == 23 * 100  # the short day, in local time


def test_a_missing_day_and_a_duplicated_interval_are_located():
    lines = [
        line
        for line in local_rows(year_start(2026), datetime(2026, 6, 1, tzinfo=UTC), lambda m: "1,5")
        if not line.startswith("10.05.2026")
    ]
    duplicate_at = lines.index("01.03.2026 12:00;1,5")
    lines.insert(duplicate_at + 1, "01.03.2026 12:00;1,5")
    result = analyse(lines, "kWh")
    assert result.problem_counts == {"gap": 1, "duplicate": 1}
    gap = next(p for p in result.problems if p.kind == "gap")
    assert "96 Intervalle fehlen von 10.05.2026 00:00 bis vor 11.05.2026 00:00" in gap.message
    duplicate = next(p for p in result.problems if p.kind == "duplicate")
    assert duplicate.line == duplicate_at + 2
    assert "01.03.2026 12:00" in duplicate.message


@pytest.mark.parametrize(("day", "intervals"), [((2026, 3, 29), 92), ((2026, 10, 25), 100)])
def test_the_daylight_saving_days(day, intervals):
    start = datetime(*day, tzinfo=BERLIN).astimezone(UTC)
    end = (datetime(*day, tzinfo=BERLIN) + timedelta(days=1)).astimezone(UTC)
    result = analyse(local_rows(start, end, lambda m: "4"), "kW")
    assert result.ok, result.problems
    assert result.count == intervals
    assert result.total_kwh == intervals  # 4 kW for a quarter of an hour is 1 kWh


def test_a_time_the_clocks_skip_is_reported():
    lines = ["29.03.2026 01:45;1", "29.03.2026 02:00;1", "29.03.2026 03:00;1"]
    result = analyse(lines, "kWh")
    [problem] = result.problems
    assert problem.kind == "nonexistent_time"
    assert "von 2 auf 3 Uhr" in problem.message


def test_utc_and_offsets_and_english_notation():
    lines = [
        "timestamp,value",
        '2026-01-01T00:00:00Z,"1,234.5"',
        "2026-01-01T01:00:00+01:00,1234.5",  # the same instant as the next line
        "2026-01-01T01:00:00Z,10",
    ]
    result = analyse(lines, "kWh")
    assert result.problem_counts == {"duplicate": 1}
    assert result.interval == timedelta(hours=1)
    assert result.peak_kw == Decimal("1234.5")


def test_unreadable_rows_are_named():
    result = analyse(["01.01.2026 00:00;1", "kaputt;1", "01.01.2026 00:30;viel"], "kWh")
    assert [p.line for p in result.problems] == [2, 3]


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.234,5", "1234.5"), ("1,234.5", "1234.5"), ("1234,5", "1234.5"), ("12", "12")],
)
def test_number_notations(text, value):
    assert parse_number(text) == Decimal(value)


def test_small_consumers_are_slp():
    start = year_start(2026)
    result = analyse(
        local_rows(start, year_start(2027), lambda m: "1", step=timedelta(hours=1)), "kW"
    )
    assert result.total_kwh == 8760
    assert result.metering("strom") == "SLP"
    assert result.metering("gas") == "SLP"


def xlsx(rows) -> io.BytesIO:
    """A real workbook, written with openpyxl, with ``rows`` on its first sheet."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Lastgang")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_an_xlsx_year_with_excel_dates_and_numbers_gives_its_figures():
    start = datetime(2026, 1, 1)  # local wall time, as Excel holds it
    cells = [
        (start + timedelta(hours=hour), 1500.0 if hour == 4000 else 100) for hour in range(8760)
    ]
    # the autumn hour comes twice in local time; Excel shows it twice as well
    autumn = datetime(2026, 10, 25, 2)
    at = next(i for i, (moment, _) in enumerate(cells) if moment == autumn)
    cells.insert(at + 1, (autumn, 100))
    spring = datetime(2026, 3, 29, 2)
    cells = [row for row in cells if row[0] != spring]
    result = analyse_rows(read_file(xlsx([("Zeit", "kW"), *cells])), "kW")
    assert result.ok, result.problems
    assert result.count == 8760
    assert result.interval == timedelta(hours=1)
    assert result.total_kwh == Decimal(8759 * 100 + 1500)
    assert result.peak_kw == Decimal("1500.0")


def test_excel_times_a_millisecond_off_are_read_as_the_full_minute():
    rows = [(datetime(2026, 5, 4, 0, 14, 59, 999_500), 1), (datetime(2026, 5, 4, 0, 30), 1)]
    result = analyse_rows(read_file(xlsx([(datetime(2026, 5, 4), 1), *rows])), "kWh")
    assert result.ok, result.problems
    assert result.count == 3


def test_date_and_time_in_separate_columns():
    csv_lines = ["Datum;Von;Bis;Wert", "01.02.2026;00:00;00:15;4", "01.02.2026;00:15;00:30;8"]
    from_csv = analyse(csv_lines, "kW")
    excel_rows = [
        ("Datum", "Uhrzeit", "kWh"),
        (datetime(2026, 2, 1), time(0, 0), 1),
        (datetime(2026, 2, 1), time(0, 15), 2),
    ]
    from_xlsx = analyse_rows(read_file(xlsx(excel_rows)), "kWh")
    for result in (from_csv, from_xlsx):
        assert result.ok, result.problems
        assert result.count == 2
        assert result.total_kwh == 3
        assert result.peak_kw == 8


def test_header_lines_before_the_values_are_skipped_not_reported():
    lines = ["Lastgang MaLo 41373559241", "", "Zeitpunkt;kW", "01.01.2026 00:00;1", "x;1"]
    result = analyse(lines, "kW")
    assert [(p.kind, p.line) for p in result.problems] == [("unreadable", 5)]


def test_text_files_in_windows_1252_are_read():
    raw = "Zeitpunkt;Leistung in kW (Bezug für Straße)\n01.01.2026 00:00;1\n01.01.2026 00:15;2"
    result = analyse_rows(read_file(io.BytesIO(raw.encode("cp1252"))), "kW")
    assert result.count == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 not really a zip", "keine lesbare Excel-Datei"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"weder eine Textdatei \(CSV\) noch XLSX"),
    ],
)
def test_files_that_are_neither_csv_nor_xlsx_are_refused(content, message):
    with pytest.raises(UnreadableFile, match=message):
        read_file(io.BytesIO(content))
