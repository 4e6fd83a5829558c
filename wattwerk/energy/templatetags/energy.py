"""Template filters for energy figures: ``{{ point.annual_kwh|energy:"MWh" }}`` → "1.234,5 MWh"."""

from decimal import Decimal, InvalidOperation

from django import template

from ..units import format_energy, format_quantity

register = template.Library()


def _decimal(value) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def energy(kwh, unit: str = ""):
    """A quantity stored in kWh, in ``unit`` (kWh, MWh, GWh) or the unit that reads best."""
    value = _decimal(kwh)
    return "" if value is None else format_energy(value, unit or None)


@register.filter
def quantity(value, unit: str):
    """Any figure with its unit, German grouping and one decimal: "750,0 kW"."""
    number = _decimal(value)
    return "" if number is None else format_quantity(number, unit)


@register.filter
def price(value, unit: str = ""):
    """A price with the decimals it has, at least two and at most four: "11,85", "11,8512"."""
    number = _decimal(value)
    if number is None:
        return ""
    places = min(max(2, -number.normalize().as_tuple().exponent), 4)
    shown = format_quantity(number, unit, places)
    return shown if unit else shown.rstrip("\N{NO-BREAK SPACE}")
