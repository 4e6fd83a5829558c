"""The identifiers against the vectors of DOMAIN.md §3, and their properties."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from wattwerk.energy.identifiers import (
    EicType,
    Scheme,
    ascii_check_digit,
    lok_waggon_check_digit,
    normalise,
    normalise_melo_id,
    validate_eic,
    validate_malo_id,
    validate_market_partner_id,
    validate_melo_id,
    validate_nelo_id,
    validate_tranche_id,
    with_check_digit,
)


def refusal(validate, value, **options) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        validate(value, **options)
    return refused.value


def message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- MaLo-ID (§3.1) ---------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["41373559241", "51238696781", " 41373559241 "])
def test_valid_malo_ids(value):
    assert validate_malo_id(value) == value.strip()


@pytest.mark.parametrize(
    ("value", "code", "says"),
    [
        ("12345678918", "check_digit", "Prüfziffer falsch: erwartet 3, angegeben 8."),
        ("41373559214", "check_digit", "Prüfziffer falsch: erwartet 7, angegeben 4."),
        ("51238696788", "check_digit", "erwartet 1"),  # Luhn would accept it
        ("1234567891", "length", "11 Ziffern, nicht 10"),
        ("1234XXX8901", "characters", "nur aus Ziffern"),
        ("01234567890", "issuer", "nicht mit 0"),
    ],
)
def test_invalid_malo_ids_say_why(value, code, says):
    error = refusal(validate_malo_id, value)
    assert error.code == code
    assert says in message(error)


def test_the_bdew_worked_example():
    assert lok_waggon_check_digit("4137355924") == 1
    assert lok_waggon_check_digit("5123869678") == 1
    assert with_check_digit("4137355924") == "41373559241"


def test_a_tranche_id_is_checked_like_a_malo_id():
    assert validate_tranche_id("41373559241") == "41373559241"
    assert "Tranche-ID" in message(refusal(validate_tranche_id, "4137355924"))


# --- Marktpartner-ID (§3.2) -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "scheme"),
    [
        ("9904292000003", Scheme.BDEW),
        ("9903829000006", Scheme.BDEW),
        ("9900327000009", Scheme.BDEW),
        ("9903729000007", Scheme.BDEW),
        ("9800298000007", Scheme.DVGW),
        ("9800227200008", Scheme.DVGW),
        ("4033872000058", Scheme.GS1),
        ("4012345000023", Scheme.GS1),
        ("9900000000011", Scheme.BDEW),  # fits both procedures
    ],
)
def test_valid_market_partner_ids_and_their_scheme(value, scheme):
    checked = validate_market_partner_id(value)
    assert (checked.value, checked.scheme) == (value, scheme)


def test_invalid_market_partner_ids():
    assert "13 Ziffern, nicht 12" in message(refusal(validate_market_partner_id, "990429200000"))
    error = refusal(validate_market_partner_id, "9904292000004")
    assert error.code == "check_digit"
    assert "BDEW/DVGW (erwartet 3)" in message(error)


# --- MeLo-ID (§3.3) ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        "DE0123456789012345678901234567890",
        "DE00056266802AO6G56M11SN51G21M24S",
        "DE 000562 66802 AO6G56M11SN51G21M24S",
        "de0123456789012345678901234567890",
    ],
)
def test_valid_melo_ids(value):
    checked = validate_melo_id(value)
    assert checked.value == normalise_melo_id(value)
    assert len(checked.value) == 33


def test_a_melo_id_outside_the_german_structure_is_accepted_but_not_strict():
    assert validate_melo_id("DE0123456789012345678901234567890").strict
    assert validate_melo_id("DE00056266802AO6G56M11SN51G21M24S").strict
    assert not validate_melo_id("DE0005626680XAO6G56M11SN51G21M24S").strict  # letter in the PLZ
    assert not validate_melo_id("AT0012345678901234567890123456789").strict


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("DE.012345.08010.ABCDEFGH1234567890", "nicht 31"),
        ("DE012345678901234567890123456789", "nicht 32"),
        ("D10123456789012345678901234567890", "Ländercode"),
    ],
)
def test_invalid_melo_ids(value, says):
    assert says in message(refusal(validate_melo_id, value))


# --- NeLo-ID (§3.4) ---------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["E1137355921", "E5345G7F6F0", "E3XS7NXYTL6", "E0000000019"])
def test_valid_nelo_ids(value):
    assert validate_nelo_id(value) == value


def test_the_ascii_family_check_digit():
    assert ascii_check_digit("A113735592") == 5
    assert ascii_check_digit("P912345678") == 6
    assert "erwartet 1, angegeben 2" in message(refusal(validate_nelo_id, "E1137355922"))
    assert "beginnt mit E" in message(refusal(validate_nelo_id, "A1137355925"))


# --- EIC (§3.5) -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("10YDE-VE-------2", EicType.AREA),
        ("10YDE-RWENET---I", EicType.AREA),
        ("10YDE-EON------1", EicType.AREA),
        ("10YDE-ENBW-----N", EicType.AREA),
        ("10Y1001A1001A82H", EicType.AREA),
        ("37Y005053MH0000R", EicType.AREA),
        ("11YN10000762-01E", EicType.AREA),
        ("11YW-ALBSTADT--5", EicType.AREA),
        ("11XRWEWWE-8001H3", EicType.PARTY),
        ("22XWATTPLUS----G", EicType.PARTY),
    ],
)
def test_valid_eics(value, kind):
    assert validate_eic(value) == value
    assert validate_eic(value.lower(), kind=kind) == value


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("22XWATTPLUS----X", "erwartet G, angegeben X"),
        ("23X--130302DLGW-", "nicht möglich"),
        ("THE0BFH027950000", "Prüfzeichen falsch"),
        ("10YDE-VE-------", "16 Zeichen, nicht 15"),
        ("10YDE_VE_______2", "Bindestriche"),
    ],
)
def test_invalid_eics(value, says):
    assert says in message(refusal(validate_eic, value))


def test_the_eic_type_must_fit_the_field():
    error = refusal(validate_eic, "11XRWEWWE-8001H3", kind=EicType.AREA)
    assert error.code == "eic_type"
    assert "Gebiet (Typ Y)" in message(error)
    assert "nicht Typ X" in message(error)


# --- properties -------------------------------------------------------------------------------
malo_bases = st.from_regex(r"[1-9][0-9]{9}", fullmatch=True)
texts = st.text(alphabet=st.characters(codec="ascii"), max_size=40)


@given(texts)
def test_normalising_twice_changes_nothing(value):
    assert normalise(normalise(value)) == normalise(value)
    assert normalise_melo_id(normalise_melo_id(value)) == normalise_melo_id(value)


@given(malo_bases)
def test_a_computed_check_digit_always_validates(base):
    assert validate_malo_id(with_check_digit(base)) == with_check_digit(base)


@given(malo_bases, st.integers(0, 10), st.integers(1, 9))
def test_a_single_digit_change_is_rejected_where_the_algorithm_can_tell(base, position, step):
    valid = with_check_digit(base)
    changed_digit = (int(valid[position]) + step) % 10
    changed = f"{valid[:position]}{changed_digit}{valid[position + 1 :]}"
    if position == 0 and changed_digit == 0:
        return  # refused for the leading zero instead
    # Known blind spot (DOMAIN.md §2.1): at an even position the sum is doubled, so a change
    # by 5 changes the total by 10 and goes unnoticed.
    blind = position % 2 == 1 and position < 10 and step == 5
    with pytest.raises(ValidationError) if not blind else _accepted():
        validate_malo_id(changed)


class _accepted:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
