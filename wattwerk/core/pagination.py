"""Counting a list without reading all of it.

A large utility's lists hold hundreds of thousands of records; a page count over all of them
costs a scan of every matching row on each page shown. A list counts at most ``COUNT_LIMIT``
rows from the start of the page shown: below that the count is exact, above it the list says
"mehr als …" and offers the pages it knows to hold rows. The list pages (``BoundedPaginator``)
and the API (``core.api.pagination``) count the same way.
"""

from contextlib import suppress
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_LIMIT = 1000
PAGE_SIZE = 25
MAX_START = 10**12
MAX_PER_PAGE = 500  # ``?per_page=`` (django-tables2) asks for more rows at most this far


def bounded_count(queryset: QuerySet, start: int = 0) -> tuple[int, bool]:
    """(count, exact): the rows of ``queryset``, counted from ``start`` on to at most
    ``COUNT_LIMIT`` past it. Not exact, the count is ``start + COUNT_LIMIT + 1``: that many
    rows exist at least.

    One query, ``COUNT(*)`` over a ``LIMIT``ed subquery of primary keys without the sort.
    A start past the end (a page typed into the address) counts the whole set instead.
    """
    limit = COUNT_LIMIT
    keys = queryset.order_by().values("pk")
    if start > MAX_START:  # past any list, and past what an SQL OFFSET takes
        return keys.count(), True
    counted = keys[start : start + limit + 1].count()
    if counted > limit:
        return start + counted, False
    if counted == 0 and start > 0:
        return keys.count(), True
    return start + counted, True


class BoundedPaginator(Paginator):
    """A Django paginator counting with ``bounded_count`` from the page asked for.

    For django-tables2 (``RequestConfig(paginate={"paginator_class": BoundedPaginator})``):
    its rows are counted through the queryset beneath the table, else as a plain sequence.
    ``exact`` says whether ``count`` is the total or a lower bound.
    """

    def __init__(self, object_list, per_page, **kwargs):
        try:
            per_page = min(int(per_page), MAX_PER_PAGE)
        except (TypeError, ValueError):
            per_page = PAGE_SIZE
        if per_page < 1:
            per_page = PAGE_SIZE
        super().__init__(object_list, per_page, **kwargs)
        self.start = 0
        self.exact = True

    def validate_number(self, number):
        with suppress(TypeError, ValueError):  # not a number: Django says why
            number = max(int(number), 1)  # page 0 or -5: the first page
        if "count" not in self.__dict__ and isinstance(number, int):
            self.start = (number - 1) * self.per_page  # counting starts at the page asked for
        return super().validate_number(number)

    @cached_property
    def count(self) -> int:
        queryset = _queryset_of(self.object_list)
        if queryset is None:
            return len(self.object_list)
        count, self.exact = bounded_count(queryset, self.start)
        return count

    @property
    def more_than(self) -> int:
        """Not exact: the number the list names ("mehr als 1.000 Datensätze")."""
        return self.count - 1


def _queryset_of(rows) -> QuerySet | None:
    """The queryset beneath django-tables2's rows (BoundRows → TableQuerysetData → QuerySet),
    or the queryset itself."""
    for _step in range(3):
        if isinstance(rows, QuerySet):
            return rows
        rows = getattr(rows, "data", None)
    return None
