"""Units, prices and German formatting of energy figures."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from wattwerk.energy.units import (
    convert_price,
    format_energy,
    from_kw,
    from_kwh,
    full_load_hours,
    to_kw,
    to_kwh,
)

NBSP = "\N{NO-BREAK SPACE}"


def test_energy_and_power_conversions():
    assert to_kwh(Decimal("1.5"), "GWh") == Decimal("1500000.0")
    assert from_kwh(Decimal("25000000"), "MWh") == Decimal("25000")
    assert to_kw(Decimal("5"), "MW") == Decimal("5000")
    assert from_kw(Decimal("750"), "MW") == Decimal("0.75")


def test_price_conversions():
    assert convert_price(Decimal("12.34"), "ct/kWh", "EUR/MWh") == Decimal("123.4")
    assert convert_price(Decimal("85"), "EUR/MWh", "ct/kWh") == Decimal("8.5")
    assert convert_price(Decimal("147.35"), "EUR/kW/a", "EUR/kW/a") == Decimal("147.35")
    with pytest.raises(ValueError, match="umrechnen"):
        convert_price(Decimal("10"), "EUR/Monat", "ct/kWh")


def test_the_network_charge_vector():
    """DOMAIN.md §3.7: 25 GWh at 5,000 kW peak are 5,000 full-load hours."""
    annual = to_kwh(Decimal("25"), "GWh")
    assert full_load_hours(annual, Decimal("5000")) == Decimal("5000")
    assert full_load_hours(annual, Decimal("0")) is None
    capacity = Decimal("147.35") * 5000
    energy = convert_price(Decimal("0.49"), "ct/kWh", "EUR/MWh") * from_kwh(annual, "MWh")
    assert capacity + energy == Decimal("859250")


def test_german_formatting():
    with translation.override("de"):
        assert format_energy(Decimal("1234500"), "MWh") == f"1.234,5{NBSP}MWh"
        assert format_energy(Decimal("25000000")) == f"25,0{NBSP}GWh"
        assert format_energy(Decimal("999")) == f"999,0{NBSP}kWh"
        page = Template('{% load energy %}{{ v|energy:"MWh" }} · {{ p|quantity:"kW" }}').render(
            Context({"v": Decimal("1234500"), "p": "750"})
        )
        assert page == f"1.234,5{NBSP}MWh · 750,0{NBSP}kW"
        assert Template("{% load energy %}{{ v|energy }}").render(Context({"v": None})) == ""
    with translation.override("en"):
        assert format_energy(Decimal("1234500"), "MWh") == f"1,234.5{NBSP}MWh"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False))
def test_converting_there_and_back_changes_nothing(value):
    for unit in ("kWh", "MWh", "GWh"):
        assert from_kwh(to_kwh(value, unit), unit) == value
    assert convert_price(convert_price(value, "ct/kWh", "EUR/MWh"), "EUR/MWh", "ct/kWh") == value
