"""Expressions that steer the query planner, the same answer on every database."""

from django.db.models import Func


class Unindexed(Func):
    """A column the planner is not to look up in an index (SQLite's unary ``+``; elsewhere the
    column as it is).

    SQLite keeps no statistics of single values, so it takes a condition on an indexed column
    for a narrow one even when most rows meet it (``status IN ('active', 'expired')``) and then
    sorts every match; with the condition unindexed it reads the index of the sort in order
    and stops at the page. PostgreSQL knows the values and needs no hint."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)
