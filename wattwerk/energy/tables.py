"""Table columns for energy quantities (stored in kWh)."""

from decimal import Decimal

import django_tables2 as tables

from .units import EnergyUnit, format_energy, from_kwh


class EnergyColumn(tables.Column):
    """Shows kWh as MWh ("1.234,5 MWh"); exports the number in MWh, the unit in the header."""

    def __init__(self, *args, unit: EnergyUnit | str = EnergyUnit.MWH, **kwargs):
        self.unit = EnergyUnit(unit)
        kwargs.setdefault("attrs", {"td": {"class": "text-end"}, "th": {"class": "text-end"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_energy(value, self.unit)

    def value(self, value):
        return from_kwh(value, self.unit).quantize(Decimal("0.001"))
