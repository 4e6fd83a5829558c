"""Quantities and prices: ``Decimal`` throughout, one canonical unit each in the database.

Energy is stored in kWh, power in kW, prices in the unit their component is quoted in. The
conversions below are exact (powers of ten), so converting there and back changes nothing.
"""

from decimal import Decimal
from enum import StrEnum

from django.utils.formats import number_format


class EnergyUnit(StrEnum):
    KWH = "kWh"
    MWH = "MWh"
    GWH = "GWh"


class PowerUnit(StrEnum):
    KW = "kW"
    MW = "MW"


class PriceUnit(StrEnum):
    CT_PER_KWH = "ct/kWh"  # Arbeitspreis
    EUR_PER_MWH = "EUR/MWh"  # Arbeitspreis, wholesale
    EUR_PER_MONTH = "EUR/Monat"  # Grundpreis
    EUR_PER_KW_YEAR = "EUR/kW/a"  # Leistungspreis


KWH_PER = {
    EnergyUnit.KWH: Decimal(1),
    EnergyUnit.MWH: Decimal(1000),
    EnergyUnit.GWH: Decimal(10**6),
}
KW_PER = {PowerUnit.KW: Decimal(1), PowerUnit.MW: Decimal(1000)}
# Energy prices in EUR per kWh; the others are not energy prices and convert only to themselves.
EUR_PER_KWH = {PriceUnit.CT_PER_KWH: Decimal("0.01"), PriceUnit.EUR_PER_MWH: Decimal("0.001")}


def to_kwh(value: Decimal, unit: EnergyUnit | str) -> Decimal:
    return Decimal(value) * KWH_PER[EnergyUnit(unit)]


def from_kwh(kwh: Decimal, unit: EnergyUnit | str) -> Decimal:
    return Decimal(kwh) / KWH_PER[EnergyUnit(unit)]


def to_kw(value: Decimal, unit: PowerUnit | str) -> Decimal:
    return Decimal(value) * KW_PER[PowerUnit(unit)]


def from_kw(kw: Decimal, unit: PowerUnit | str) -> Decimal:
    return Decimal(kw) / KW_PER[PowerUnit(unit)]


def convert_price(value: Decimal, source: PriceUnit | str, target: PriceUnit | str) -> Decimal:
    """ct/kWh ↔ EUR/MWh (1 ct/kWh = 10 EUR/MWh); other units only into themselves."""
    source, target = PriceUnit(source), PriceUnit(target)
    if source == target:
        return Decimal(value)
    if source not in EUR_PER_KWH or target not in EUR_PER_KWH:
        raise ValueError(f"{source} lässt sich nicht in {target} umrechnen")
    return Decimal(value) * EUR_PER_KWH[source] / EUR_PER_KWH[target]


def full_load_hours(annual_kwh: Decimal, peak_kw: Decimal) -> Decimal | None:
    """Benutzungsstunden: annual consumption over peak load (h/a); None without a peak."""
    if not peak_kw:
        return None
    return (Decimal(annual_kwh) / Decimal(peak_kw)).quantize(Decimal(1))


def best_energy_unit(kwh: Decimal) -> EnergyUnit:
    """The unit a person would read the quantity in: GWh from 1 GWh, MWh from 1 MWh, else kWh."""
    magnitude = abs(Decimal(kwh))
    if magnitude >= KWH_PER[EnergyUnit.GWH]:
        return EnergyUnit.GWH
    if magnitude >= KWH_PER[EnergyUnit.MWH]:
        return EnergyUnit.MWH
    return EnergyUnit.KWH


def format_quantity(value: Decimal, unit: str, places: int = 1) -> str:
    """``1234.5, "MWh"`` → "1.234,5 MWh" (in German; the active language's format otherwise)."""
    number = number_format(Decimal(value), decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{number}\N{NO-BREAK SPACE}{unit}"


def format_energy(kwh: Decimal, unit: EnergyUnit | str | None = None, places: int = 1) -> str:
    """An energy quantity stored in kWh, shown in ``unit`` (or the one that reads best)."""
    unit = EnergyUnit(unit) if unit else best_energy_unit(kwh)
    return format_quantity(from_kwh(kwh, unit), unit, places)
