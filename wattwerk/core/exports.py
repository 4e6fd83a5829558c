"""Export of a list as CSV or XLSX: the columns and rows the user sees in the list (restricted,
filtered, sorted; secured fields they may not read left out), all pages.

CSV is written for German spreadsheets: semicolons, decimal commas, UTF-8 with BOM. XLSX keeps
numbers and dates as such.
"""

import csv
import tempfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import formats, timezone

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000  # rows read from the database at a time


def _streamed(table):
    """The table reading its (sorted) rows in chunks instead of all at once: an export of
    100,000 rows holds 2,000 records at a time."""
    if isinstance(getattr(getattr(table, "data", None), "data", None), QuerySet):
        table.data.data = table.data.data.iterator(chunk_size=CHUNK)
    return table


def _inert(text: str) -> str:
    """A text a spreadsheet must not run as a formula (``=HYPERLINK(…)`` in a name)."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, Decimal | float | int):
        return formats.number_format(value, use_l10n=True)
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return _inert(str(value))


class _Echo:
    def write(self, value):
        return value


def csv_response(table, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"
        for row in _streamed(table).as_values():  # the header, then the rows
            yield writer.writerow([_csv_text(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _cell(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return value
    return _inert(str(value))


def xlsx_response(table, filename: str) -> FileResponse:
    """Written row by row (openpyxl's write-only mode) into a temporary file, which is sent from
    disk: memory does not grow with the rows."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    for row in _streamed(table).as_values():  # the header, then the rows
        sheet.append([_cell(value) for value in row])
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(file)
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE
    )


def export_response(table, fmt: str, filename: str) -> HttpResponse:
    return csv_response(table, filename) if fmt == "csv" else xlsx_response(table, filename)
