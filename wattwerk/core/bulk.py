"""Many rows at once: ``COPY`` on PostgreSQL and one prepared ``INSERT`` on SQLite for new ones,
one prepared ``UPDATE`` for changed ones (see docs/decisions/0010-bulk-writes.md).

``QuerySet.bulk_create`` compiles an ``INSERT`` for every batch and, on PostgreSQL, sends each
column as an array; for hundreds of thousands of rows (the data generator, an import) that costs
more than the database's own work. :func:`insert` takes the ids from the table's sequence first
(so the caller's objects have them, as after ``bulk_create``) and then streams plain rows.

Like ``bulk_create`` it calls no ``save()`` and sends no signals; it fills ``auto_now`` fields,
converts every value as the field does for the database and takes the id of a related record
saved after it was assigned. It serves plain tables only: no parent models, no generated
columns, no database defaults, ids from a sequence. ``COPY`` goes past Django's cursor wrapper,
so query logging and counting do not see it.
"""

from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models.expressions import DatabaseDefault

# Columns whose Python value the drivers take as it is (ints, booleans, ids) …
_PLAIN = (models.IntegerField, models.BooleanField, models.ForeignKey)
# … and, in columns of these field types (not subclasses: those may normalise), values of
# these types; every other value goes through the field's own conversion for the database.
_AS_IS = (models.CharField, models.TextField, models.EmailField, models.DecimalField)
_NATIVE = {
    "postgresql": frozenset({str, type(None), Decimal}),
    "sqlite": frozenset({str, type(None)}),
}


def insert(model: type[models.Model], objects: Iterable[models.Model], *, batch: int = 2000):
    """Insert ``objects`` (all new, of ``model``) and set their ids; returns them as a list.
    On an error nothing is written and the objects keep no id they were given here."""
    objects = list(objects)
    if not objects:
        return objects
    using = router.db_for_write(model)
    connection = connections[using]
    table = model._meta.db_table
    fields = _columns(model, connection.vendor)
    columns = [field.column for field, *_ in fields]
    given = []
    try:
        with transaction.atomic(using=using, savepoint=False):
            for start in range(0, len(objects), batch):
                chunk = objects[start : start + batch]
                given += _take_ids(connection, model, chunk)
                rows = [_row(fields, instance, connection, adding=True) for instance in chunk]
                with connection.cursor() as cursor:
                    if connection.vendor == "postgresql":
                        _copy(cursor, table, columns, rows)
                    else:
                        _insert_many(cursor, connection, table, columns, rows)
    except Exception:
        for instance in given:
            instance.pk = None
        raise
    for instance in objects:
        instance._state.adding = False
        instance._state.db = using
    return objects


def update(model: type[models.Model], objects: Iterable[models.Model], names: Iterable[str]):
    """Write the fields ``names`` of ``objects`` (saved records of ``model``): one prepared
    ``UPDATE`` for all of them, where ``bulk_update`` builds a ``CASE`` per field and batch."""
    objects, names = list(objects), set(names)
    if not objects:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [column for column in _columns(model, connection.vendor) if column[0].name in names]
    if unknown := names - {field.name for field, *_ in fields}:
        raise ValueError(f"{model.__name__}: keine Spalten {sorted(unknown)}")
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field, *_ in fields)
    statement = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    rows = [
        (*_row(fields, instance, connection, adding=False), instance.pk) for instance in objects
    ]
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        cursor.executemany(statement, rows)


@cache
def _columns(model: type[models.Model], vendor: str) -> list[tuple]:
    """The model's columns: each field, its conversion (None: the value as it is), the types of
    value that need none, and whether the value is set on saving (``auto_now``, …)."""
    if model._meta.parents:
        raise ValueError(f"{model.__name__}: Tabellen mit Elternmodell schreibt bulk nicht.")
    native = _NATIVE.get(vendor, frozenset())
    return [
        (
            field,
            None if isinstance(field, _PLAIN) else field.get_db_prep_save,
            native if type(field) in _AS_IS else frozenset(),
            getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False),
        )
        for field in model._meta.concrete_fields
        if not field.generated
    ]


def _row(fields, instance: models.Model, connection, *, adding: bool) -> tuple[Any, ...]:
    values = []
    for field, convert, native, on_save in fields:
        value = field.pre_save(instance, adding) if on_save else getattr(instance, field.attname)
        if value is None and field.is_relation and field.is_cached(instance):
            value = _related_id(instance, field)
        elif isinstance(value, DatabaseDefault):
            raise ValueError(f"{type(instance).__name__}.{field.name}: Datenbank-Vorgabe")
        if convert is not None and type(value) not in native:
            value = convert(value, connection)
        values.append(value)
    return tuple(values)


def _related_id(instance: models.Model, field: models.ForeignKey) -> Any:
    """The id of a related record given as an object that was saved after it was assigned."""
    related = field.get_cached_value(instance)
    if related is None:
        return None
    value = getattr(related, field.target_field.attname)
    if value is None:
        raise ValueError(
            f"{type(instance).__name__}.{field.name}: der verknüpfte Datensatz ist nicht "
            "gespeichert."
        )
    setattr(instance, field.name, related)  # the id, and the object stays cached
    return value


def _take_ids(connection, model: type[models.Model], objects: list[models.Model]) -> list:
    """Give the objects without an id the table's next ids; returns those objects."""
    waiting = [instance for instance in objects if instance.pk is None]
    if not waiting:
        return waiting
    pk = model._meta.pk
    if not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
        raise ValueError(f"{model.__name__}: ohne Kennung und ohne Sequenz für {pk.name}")
    table, quote = model._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), pk.column, len(waiting)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        else:
            # SQLite: the transaction (IMMEDIATE, see settings) holds the database, so the next
            # ids are ours until it ends; AUTOINCREMENT moves past the ids we write.
            cursor.execute(f"SELECT MAX({quote(pk.column)}) FROM {quote(table)}")
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            handed_out = cursor.fetchone()
            last = max(highest, handed_out[0] if handed_out else 0)
            ids = range(last + 1, last + 1 + len(waiting))
    for instance, value in zip(waiting, ids, strict=True):
        instance.pk = value
    return waiting


def _insert_many(cursor, connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


def _copy(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    from psycopg import sql  # only on PostgreSQL

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def refresh_statistics(using: str = "default") -> None:
    """Let the query planner know the tables as they are now: after many rows were written, and
    for indexes added since. Without statistics SQLite guesses, and a list sorted by an indexed
    column may sort every matching row instead of reading the index in order. SQLite samples
    (``analysis_limit``) so that this stays quick on millions of rows; PostgreSQL's autovacuum
    does the same on its own, this only does it now."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
