"""Importing records from a CSV or XLSX file: a dry run that names every bad row and column,
then all or nothing in one transaction.

An app declares an importer per record type (``Importer`` subclass with its ``columns``) and
registers it; the command ``wattwerk import_records``, the import page and the API use them.
Values are read as a German user writes them ("1.234,5", "31.12.2026", "ja"), English and ISO
notations too; a related record is named by its natural key (a customer type by its name, a
user by the user name). The rights hold as everywhere: the create privilege on the record type,
secured fields only with write on them, related records only those the user may read.
"""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import formats
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from . import bulk, changelog, history, operations
from .models import OwnedModel
from .querysets import Action, field_rights, forget_rights, user_can
from .tabular import read_file

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
CHUNK = 500  # records written together
TRUE = {"ja", "j", "x", "1", "true", "yes", "wahr"}
FALSE = {"nein", "n", "", "0", "false", "no", "falsch"}


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as in the file, German; the field name is accepted too
    lookup: str = ""  # a foreign key: the related model's field that names the record


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Zeile %(row)d, %(column)s: %(message)s") % vars(self)
        return _("Zeile %(row)d: %(message)s") % vars(self)


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass
class Result:
    rows: int = 0
    created: dict[str, int] = field(default_factory=dict)  # by the API's key
    problems: list[Problem] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # the plural name of each key

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, name: str, model: type[models.Model], count: int) -> None:
        """Count records of ``model`` written (a block at a time) under the key ``name``."""
        self.created[name] = self.created.get(name, 0) + count
        self.labels[name] = str(model._meta.verbose_name_plural)

    def summary(self) -> str:
        """What was written, for people: "10.000 Leads, 20.000 Leadzeilen"."""
        return ", ".join(
            f"{formats.number_format(count, force_grouping=True)} {self.labels[name]}"
            for name, count in self.created.items()
        )


def cell_text(cell) -> str:
    """A cell as the text a user typed (a whole number from Excel without ".0")."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if not cell.time() else cell.isoformat()
    return str(cell).strip()


def _stored_decimal(model_field, value: Decimal) -> Decimal:
    """The value as the database gives it back (``1250000`` → ``1250000.000``), so that what
    is computed from it before saving equals what is computed after."""
    places = getattr(model_field, "decimal_places", None)
    if places is None or not value.is_finite():
        return value
    return value.quantize(Decimal(1).scaleb(-places))


class RowConverter:
    """Turns the cells of a row into model values, with a problem per cell it cannot read."""

    def __init__(self, model: type[models.Model], columns: list[Column], user):
        self.model, self.columns, self.user = model, columns, user
        self.cache: dict[tuple, object] = {}
        self.form_fields: dict = {}
        self.choices: dict = {}

    def lookup(self, model_field, column: Column, text: str):
        related = model_field.related_model
        key = (related, column.lookup, text.casefold())
        if key not in self.cache:
            queryset = related._default_manager.all()
            if hasattr(queryset, "restrict"):
                queryset = queryset.restrict(self.user, Action.READ)
            found = list(queryset.filter(**{f"{column.lookup}__iexact": text})[:2])
            self.cache[key] = found[0] if len(found) == 1 else len(found)
        value = self.cache[key]
        if value == 0:
            raise ValidationError(
                _("„%(text)s“ gibt es nicht (oder ist nicht lesbar).") % {"text": text}
            )
        if isinstance(value, int):
            raise ValidationError(_("„%(text)s“ ist nicht eindeutig.") % {"text": text})
        return value

    def convert(self, model_field, column: Column, cell):
        text = cell_text(cell)
        if model_field.many_to_one:
            return self.lookup(model_field, column, text) if text else None
        if model_field.many_to_many:  # several, separated by "|"
            names = [name.strip() for name in text.split("|") if name.strip()]
            return [self.lookup(model_field, column, name) for name in names]
        if isinstance(model_field, models.BooleanField):
            if text.casefold() in TRUE:
                return True
            if text.casefold() in FALSE:
                return False
            raise ValidationError(_("„ja“ oder „nein“ erwartet."))
        if model_field.choices:
            if not text:
                return model_field.get_default()
            choices = self.choices.get(model_field)
            if choices is None:
                choices = self.choices[model_field] = {
                    str(name).casefold(): value
                    for value, label in model_field.flatchoices
                    for name in (value, label)
                }
            if text.casefold() in choices:
                return choices[text.casefold()]
            allowed = ", ".join(str(label) for _value, label in model_field.flatchoices)
            raise ValidationError(_("Erlaubt sind: %(allowed)s.") % {"allowed": allowed})
        if isinstance(cell, int | float | Decimal) and isinstance(model_field, models.DecimalField):
            return _stored_decimal(model_field, Decimal(str(cell)))
        form_field = self.form_fields.get(model_field)
        if form_field is None:
            form_field = self.form_fields[model_field] = model_field.formfield(localize=True)
        value = form_field.clean(text)
        if isinstance(value, Decimal):
            return _stored_decimal(model_field, value)
        if value in (None, "") and not model_field.null:
            return model_field.get_default() if model_field.has_default() else ""
        return value

    def values(self, cells: dict[Column, object]) -> tuple[dict, dict[str, list[str]]]:
        values, errors = {}, {}
        for column, cell in cells.items():
            model_field = self.model._meta.get_field(column.field)
            try:
                values[column.field] = self.convert(model_field, column, cell)
            except ValidationError as error:
                errors[column.field] = error.messages
        return values, errors


class Importer:
    """The columns of one record type's import; subclasses may handle child rows (lines)."""

    model: type[models.Model]
    slug: str
    columns: list[Column]

    def __init__(self, user, now: datetime):
        self.user, self.now = user, now
        self.converter = RowConverter(self.model, self.columns, user)
        self.total = 0  # data rows of the file being read

    # --- reading --------------------------------------------------------------------------
    def header_map(self, header: list) -> tuple[dict[int, Column], list[Problem]]:
        by_name = {}
        for column in self.columns:
            by_name[column.header.casefold()] = column
            by_name[column.field.casefold()] = column
        mapping, problems = {}, []
        rights = field_rights(self.user, self.model)
        for index, cell in enumerate(header):
            name = cell_text(cell)
            if not name:
                continue
            column = by_name.get(name.casefold())
            if column is None:
                problems.append(Problem(1, name, _("unbekannte Spalte")))
            elif column.field in rights.hidden or column.field in rights.read_only:
                problems.append(
                    Problem(1, name, _("Kein Schreibrecht auf dieses feldgesicherte Feld."))
                )
            elif column in mapping.values():
                problems.append(
                    Problem(1, name, _("Diese Spalte steht schon einmal in der Kopfzeile."))
                )
            else:
                mapping[index] = column
        return mapping, problems

    def rows(self, file, result: Result):
        """(row number, cells by column) of the file's data rows, read as they are taken; the
        header's problems go to ``result``."""
        rows = iter(read_file(file))
        first = next(rows, None)
        if first is None:
            result.problems.append(Problem(1, "", _("Die Datei ist leer.")))
            return
        mapping, problems = self.header_map(first[1])
        result.problems += problems
        for number, cells in rows:
            yield (
                number,
                {column: cells[i] if i < len(cells) else "" for i, column in mapping.items()},
            )

    def count(self, file) -> int:
        """How many data rows the file has (a pass that only reads it); subclasses may note
        more on the way (where a lead's rows end, say)."""
        return max(sum(1 for _row in read_file(file)) - 1, 0)

    def check_row(self, number: int, cells: dict[Column, object]) -> tuple[object, list[Problem]]:
        """A new, unsaved record from the row, and what is wrong with it."""
        values, errors = self.converter.values(cells)
        if isinstance(self.model(), OwnedModel) and not values.get("owner"):
            values["owner"] = self.user
        links = {
            name: values.pop(name)
            for name in list(values)
            if self.model._meta.get_field(name).many_to_many
        }
        instance = self.model(**values)
        instance._import_links = links
        model_errors(instance, errors, validate_constraints=False)
        return instance, self.problems(number, errors, cells)

    def problems(self, number: int, errors: dict, cells, model=None) -> list[Problem]:
        """The errors of one row's record (``model``: of a child row, e.g. a line) as problems
        named by the column (or, for a field without one, by its label)."""
        model = model or self.model
        headers = {column.field: column.header for column in cells}
        found = []
        for name, messages in errors.items():
            column = headers.get(name)
            if column is None and name != "__all__":
                try:
                    column = str(model._meta.get_field(name).verbose_name)
                except FieldDoesNotExist:
                    column = name
            found += [Problem(number, column or "", message) for message in messages]
        return found

    def records(self, rows, result: Result, progress=None) -> Iterator:
        """The new records of the rows (each row one here), their problems into ``result``."""
        for number, cells in rows:
            instance, problems = self.check_row(number, cells)
            result.problems += problems
            result.rows += 1
            if progress:
                progress(result.rows, self.total)
            yield instance

    def check(self, file, progress=None) -> tuple[list, Result]:
        """Every record of the file, unsaved, and what is wrong (all in memory: for small files
        and for comparisons; :meth:`run` streams)."""
        result = Result()
        self.total = self.count(file)
        file.seek(0)
        records = list(self.records(self.rows(file, result), result, progress))
        return records, result

    # --- writing --------------------------------------------------------------------------
    def save(self, records: list, result: Result) -> None:
        save_new(self.model, records, self.user, self.now)
        result.add(self.slug, self.model, len(records))

    def run(self, file, *, dry_run: bool = False, progress=None) -> Result:
        """Check every row; unless it is a dry run and only when nothing is wrong, save all.

        The file is never held whole. It is read once to count its rows, once to check them
        (outside any transaction: a dry run holds no lock) and, when nothing is wrong, once
        more to write the records in blocks of ``CHUNK``, all in one transaction. The last
        reading converts as the check did: related records come from the same lookups."""
        result = Result()
        if not user_can(self.user, self.model, Action.CREATE):
            result.problems.append(
                Problem(
                    1,
                    "",
                    _("Ihnen fehlt das Recht, %(type)s anzulegen.")
                    % {"type": self.model._meta.verbose_name_plural},
                )
            )
            return result
        self.total = self.count(file)
        file.seek(0)
        for _record in self.records(self.rows(file, result), result, progress):
            pass  # only the problems are kept
        if result.problems or dry_run:
            return result
        file.seek(0)
        with transaction.atomic():
            self.write(self.records(self.rows(file, reread := Result()), reread), result)
            if reread.problems:  # only if the data changed between the readings
                raise ImportFailed(reread.problems)
        return result

    def write(self, records: Iterator, result: Result) -> None:
        """Save the records block by block; the apps that follow the type learn of each block.
        Refused whole if the user could not have created some of them where they are."""
        out_of_reach = 0
        self.save([], result)  # every count, also of an empty file
        for block in itertools.batched(records, CHUNK):
            block = list(block)
            self.save(block, result)
            operations.record_events(block, "imported", acting_user=self.user, now=self.now)
            forget_rights(self.user)
            out_of_reach += check_reach(self.model, block, self.user)
        if out_of_reach:
            raise ImportFailed(
                [
                    Problem(
                        0,
                        "",
                        _(
                            "%(count)d Datensätze lägen außerhalb Ihres Bereichs "
                            "(Verantwortliche); es wurde nichts importiert."
                        )
                        % {"count": out_of_reach},
                    )
                ]
            )


def model_errors(instance, errors: dict, *, exclude_also=(), **options) -> None:
    """Add the model's own validation to the conversion errors; a field that could not even be
    read keeps its one message (its emptiness is no second problem)."""
    looked_up = [  # related records come from the lookups: found, readable, so valid
        model_field.name
        for model_field in instance._meta.concrete_fields
        if model_field.many_to_one and getattr(instance, model_field.attname) is not None
    ]
    exclude = [*errors, *exclude_also, *looked_up]
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, **options)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name not in errors:
                errors[name] = messages


def save_new(model, records: list, user, now: datetime) -> None:
    """Insert new records in batches, with their owning department and their history."""
    for record in records:
        if isinstance(record, OwnedModel):
            record.take_owning_department()
    bulk.insert(model, records, batch=1000)
    for model_field in model._meta.many_to_many:
        through = model_field.remote_field.through
        source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
        bulk.insert(
            through,
            (
                through(**{source: record, target: linked})
                for record in records
                for linked in getattr(record, "_import_links", {}).get(model_field.name, ())
            ),
            batch=1000,
        )
    history.append_many(changelog.creation_entries(records, acting_user=user, now=now))


def check_reach(model, records: list, user) -> int:
    """How many of the new records the user could not have created where they are."""
    ids = [record.pk for record in records]
    reachable = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        reachable += model.objects.restrict(user, Action.CREATE).filter(pk__in=chunk).count()
    return len(ids) - reachable


importers: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    importers[importer.slug] = importer
    return importer


def get_importers() -> dict[str, type[Importer]]:
    """Every app's importers (declared in its ``importing.py``)."""
    autodiscover_modules("importing")
    return importers
