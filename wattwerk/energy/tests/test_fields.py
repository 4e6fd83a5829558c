"""The identifier model fields: normalise, validate with the German reason, migrate cleanly."""

import pytest
from django.core.exceptions import ValidationError

from wattwerk.energy.fields import EicField, MaLoIdField, MarketPartnerIdField, MeLoIdField


def test_a_field_normalises_and_validates():
    assert MaLoIdField().clean(" 41373559241 ", None) == "41373559241"
    assert MeLoIdField().clean("de 000562 66802 ao6g56m11sn51g21m24s", None) == (
        "DE00056266802AO6G56M11SN51G21M24S"
    )
    with pytest.raises(ValidationError) as refused:
        MaLoIdField().clean("12345678918", None)
    assert refused.value.messages == ["Prüfziffer falsch: erwartet 3, angegeben 8."]
    with pytest.raises(ValidationError):
        MarketPartnerIdField().clean("9904292000004", None)


def test_an_eic_field_checks_the_type_letter():
    area = EicField(eic_type="Y")
    assert area.clean("10ydE-VE-------2", None) == "10YDE-VE-------2"
    with pytest.raises(ValidationError) as refused:
        area.clean("11XRWEWWE-8001H3", None)
    assert "Gebiet (Typ Y)" in refused.value.messages[0]
    assert EicField().clean("11XRWEWWE-8001H3", None) == "11XRWEWWE-8001H3"


def test_fields_deconstruct_for_migrations():
    _name, path, args, kwargs = EicField(eic_type="Y", blank=True).deconstruct()
    assert path == "wattwerk.energy.fields.EicField"
    assert kwargs == {"eic_type": "Y", "blank": True}
    rebuilt = EicField(*args, **kwargs)
    assert rebuilt.max_length == 16
    with pytest.raises(ValidationError):
        rebuilt.clean("11XRWEWWE-8001H3", None)
    assert MaLoIdField().deconstruct()[3] == {}
