"""Importing leads with their lines: one row per line, rows with the same "Lead-Nr." belong to
one lead (its data is read from the first of them). Without a "Lead-Nr." column every row is a
lead with at most one line."""

from django.utils.translation import gettext as _

from wattwerk.core import bulk, changelog, history
from wattwerk.core.importing import (
    Column,
    Importer,
    Problem,
    RowConverter,
    cell_text,
    model_errors,
    register,
    save_new,
)
from wattwerk.core.tabular import read_file
from wattwerk.customers.importing import MARKETING_COLUMNS

from . import totals
from .models import Lead, LeadLine
from .operations import line_data

REFERENCE = Column("reference", "Lead-Nr.")
LINE_COLUMNS = [
    Column("line_set", "Menge"),
    Column("kind", "Art"),
    Column("commodity", "Sparte", lookup="name"),
    Column("delivery_point", "Lieferstelle", lookup="malo_id"),
    Column("malo_id", "MaLo-ID"),
    Column("address", "Anschrift Lieferstelle"),
    Column("market_area", "Regelzone/Marktgebiet", lookup="name"),
    Column("balancing_area", "Bilanzierungsgebiet", lookup="eic"),
    Column("active_from", "Lieferbeginn"),
    Column("active_to", "Lieferende"),
    Column("annual_kwh", "Jahresmenge kWh"),
    Column("price_model", "Preismodell", lookup="name"),
    Column("product", "Produkt", lookup="name"),
    Column("price_ct_kwh", "Preis ct/kWh"),
    Column("service", "Dienstleistung", lookup="name"),
    Column("scope", "Umfang"),
    Column("value_eur", "Wert EUR"),
]
LEAD_COLUMNS = [
    Column("company_name", "Firma"),
    Column("legal_form", "Rechtsform"),
    Column("vat_id", "USt-IdNr."),
    Column("street", "Straße"),
    Column("postcode", "PLZ"),
    Column("city", "Ort"),
    Column("salutation", "Anrede"),
    Column("first_name", "Vorname"),
    Column("last_name", "Nachname"),
    Column("position", "Funktion"),
    Column("email", "E-Mail"),
    Column("phone", "Telefon"),
    Column("source", "Quelle"),
    Column("industry", "Wirtschaftszweig", lookup="code"),
    Column("customer_type", "Kundentyp", lookup="name"),
    *MARKETING_COLUMNS,
    Column("owner", "Verantwortlich", lookup="username"),
]


@register
class LeadImporter(Importer):
    model = Lead
    slug = "leads"
    columns = [REFERENCE, *LEAD_COLUMNS, *LINE_COLUMNS]

    def __init__(self, user, now):
        super().__init__(user, now)
        self.lead_columns, self.line_columns = set(LEAD_COLUMNS), set(LINE_COLUMNS)
        self.last_row: dict[str, int] = {}
        self.line_converter = RowConverter(LeadLine, LINE_COLUMNS, user)

    def count(self, file) -> int:
        """The data rows, and the row where each lead number's rows end."""
        self.last_row, count = {}, 0
        rows = iter(read_file(file))
        first = next(rows, None)
        if first is None:
            return 0
        mapping, _problems = self.header_map(first[1])  # the check names them
        at = next((index for index, column in mapping.items() if column == REFERENCE), None)
        for number, cells in rows:
            count += 1
            reference = cell_text(cells[at]) if at is not None and at < len(cells) else ""
            if reference:
                self.last_row[reference] = number
        return count

    def records(self, rows, result, progress=None):
        """A lead per lead number (a row without one is a lead of its own), with a line per
        row that has line cells; each lead as soon as its last row is read (so the rows of the
        leads still open in between are held: few when a lead's rows follow each other)."""
        pending: dict[str, list] = {}
        for number, cells in rows:
            reference = cell_text(cells.get(REFERENCE, ""))
            key = reference or f"#{number}"
            pending.setdefault(key, []).append((number, cells))
            result.rows += 1
            if progress:
                progress(result.rows, self.total)
            if self.last_row.get(reference, number) <= number:
                yield self.lead(pending.pop(key), result)
        for rows_of_lead in pending.values():  # none when the file stayed as counted
            yield self.lead(rows_of_lead, result)

    def lead(self, rows, result):
        number, cells = rows[0]
        lead_cells = {column: cell for column, cell in cells.items() if column in self.lead_columns}
        lead, problems = self.check_row(number, lead_cells)
        result.problems += problems
        lead._import_lines = []
        for line_number, line_cells in rows:
            line_cells = {c: cell for c, cell in line_cells.items() if c in self.line_columns}
            if any(str(cell).strip() for cell in line_cells.values()):
                line, problems = self.check_line(line_number, line_cells)
                result.problems += problems
                lead._import_lines.append(line)
        return lead

    def check_line(self, number, cells) -> tuple[LeadLine, list[Problem]]:
        values, errors = self.line_converter.values(cells)
        line = LeadLine(**values)
        # the price's table constraint repeats its field's validators: no query per line
        model_errors(line, errors, exclude_also=("lead",), validate_constraints=False)
        return line, self.problems(number, errors, cells, model=LeadLine)

    def save(self, records: list, result) -> None:
        for lead in records:
            for name, value in totals.stored_values(totals.of_lines(lead._import_lines)).items():
                setattr(lead, name, value)
        save_new(Lead, records, self.user, self.now)
        lines = []
        for lead in records:
            for line in lead._import_lines:
                line.lead = lead
                lines.append(line)
        bulk.insert(LeadLine, lines, batch=1000)
        history.append_many(
            [
                changelog.event_entry(
                    instance=line.lead,
                    event="line_added",
                    message=(_("Zeile importiert: %(line)s") % {"line": line})[:300],
                    data=line_data(line),
                    acting_user=self.user,
                    now=self.now,
                )
                for line in lines
            ]
        )
        result.add("leads", Lead, len(records))
        result.add("lines", LeadLine, len(lines))
