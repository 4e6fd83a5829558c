"""``{% table_rows table %}``: a record table's body rows, built in Python.

django-tables2's own template renders each cell through a loop, two ``{% if %}`` and an
attribute lookup of the template engine, and indents every tag: a page of 25 rows carried twice
its markup in whitespace. This builds the same markup (``<tr>`` with the row's attributes,
``<td>`` with the column's, the cell localised and escaped as ``{{ cell }}`` would be) directly.
"""

from django import template
from django.template.base import render_value_in_context
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def table_rows(context, table):
    rows = []
    for row in table.paginated_rows:
        cells = format_html_join(
            "",
            "<td {}>{}</td>",
            (
                (column.attrs["td"].as_html(), _cell(context, column.localize, cell))
                for column, cell in row.items()
            ),
        )
        rows.append(format_html("<tr {}>{}</tr>", row.attrs.as_html(), cells))
    if not rows and table.empty_text:
        rows.append(
            format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text)
        )
    return mark_safe("\n".join(rows))  # each row built with format_html above


def _cell(context, localized: bool | None, value):
    if localized is None:  # as {{ cell }}: the site's formats, local time, escaped
        return render_value_in_context(value, context)
    return conditional_escape(localize(value, use_l10n=localized))
