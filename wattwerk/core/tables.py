"""The base table of every record list (django-tables2, Bootstrap 5 markup, htmx sorting)."""

import django_tables2 as tables


class RecordTable(tables.Table):
    class Meta:
        template_name = "core/table.html"
        attrs = {"class": "table table-hover table-sm align-middle mb-0"}
        order_by_field = "sort"
        page_field = "page"
        per_page_field = "per_page"
