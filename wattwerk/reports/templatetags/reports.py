from django import template

register = template.Library()


@register.filter
def cell(row: dict, key: str):
    """A report row's value for a column: ``{{ row|cell:column.key }}``."""
    return row.get(key)
