"""Reading tabular files that users upload — CSV (``;``, ``,`` or tab; UTF-8 or Windows-1252)
and XLSX (the first worksheet, streamed through openpyxl's read-only mode) — as rows of cells.

Used by the load-curve upload and the importer; both see the same ``(row number, cells)``.
"""

import codecs
import csv
import io
import itertools
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

ZIP_MAGIC = b"PK\x03\x04"
ENCODINGS = ("utf-8-sig", "cp1252")  # tried in this order
BLOCK = 1 << 16


class UnreadableFile(ValueError):
    """The upload is neither a CSV text nor an XLSX workbook that can be opened."""


def read_rows(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of a CSV with ``;``, ``,`` or tab between the cells."""
    lines = iter(lines)
    first = next(lines, "")
    delimiter = max(";\t,", key=first.count) if first else ";"  # the most frequent one
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    for number, cells in enumerate(reader, start=1):
        if cells and any(cell.strip() for cell in cells):
            yield number, cells


def read_xlsx(file: IO[bytes]) -> Iterator[tuple[int, list]]:
    """(row number, cells) of the first worksheet of an XLSX workbook, read as it streams."""
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(_("Die Datei ist keine lesbare Excel-Datei (XLSX).")) from error
    return _sheet_rows(workbook)


def _sheet_rows(workbook) -> Iterator[tuple[int, list]]:
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        for number, row in enumerate(rows, start=1):
            cells = list(row)
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                yield number, ["" if cell is None else cell for cell in cells]
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as error:  # broken XML
        raise UnreadableFile(_("Die Excel-Datei ist beschädigt.")) from error
    finally:
        workbook.close()


def read_file(file: IO[bytes]) -> Iterator[tuple[int, list]]:
    """The rows of an uploaded CSV or XLSX file, told apart by their content, not by the name.
    Text is UTF-8 (with or without BOM) or else Windows-1252. The file is read as the rows are
    taken (after one pass that settles the encoding), never held whole."""
    head = file.read(len(ZIP_MAGIC))
    file.seek(0)
    if head == ZIP_MAGIC:
        return read_xlsx(file)
    encoding = _encoding(file)
    file.seek(0)
    return _text_rows(file, encoding)


def _encoding(file: IO[bytes]) -> str:
    """The first of the encodings that decodes the whole file (read in blocks)."""
    decoders = {name: codecs.getincrementaldecoder(name)() for name in ENCODINGS}
    while block := file.read(BLOCK):
        if b"\x00" in block:
            raise UnreadableFile(_("Die Datei ist weder eine Textdatei (CSV) noch XLSX."))
        for name, decoder in list(decoders.items()):
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                del decoders[name]
    for name, decoder in decoders.items():
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return name
    raise UnreadableFile(_("Die Datei ist weder eine Textdatei (CSV) noch XLSX."))


def _text_rows(file: IO[bytes], encoding: str) -> Iterator[tuple[int, list[str]]]:
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        yield from read_rows(text)
    finally:
        if not text.closed:  # closed: the caller closed the file before reading to the end
            text.detach()  # the caller's file stays open
