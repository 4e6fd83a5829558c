"""Identifiers of the German energy market: normalised, validated, explained when wrong.

Each ``validate_…`` function takes what a user typed or a file held and returns the normalised
identifier, or raises a :class:`~django.core.exceptions.ValidationError` whose German message
says what is wrong ("Prüfziffer falsch: erwartet 3"). Forms, the API and the importer all use
them through the model fields in :mod:`wattwerk.energy.fields`. Formats and check digits follow
``DOMAIN.md`` §2 (BDEW Anwendungshilfen; ENTSO-E for the EIC).
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.eu import eic as stdnum_eic
from stdnum.exceptions import ValidationError as StdnumError

MALO = re.compile(r"[1-9]\d{10}")
MARKET_PARTNER = re.compile(r"\d{13}")
MELO_LENIENT = re.compile(r"[A-Z]{2}[A-Z0-9]{31}")
MELO_STRICT = re.compile(r"DE\d{11}[A-Z0-9]{20}")
NELO = re.compile(r"E[A-Z\d]{9}\d")
EIC_ALPHABET = re.compile(r"[0-9A-Z-]*")


def normalise(value: str) -> str:
    """Blanks around removed, letters upper-cased: what every identifier gets first."""
    return str(value).strip().upper()


# --- check digits ---------------------------------------------------------------------------
def lok_waggon_check_digit(base: str) -> int:
    """The BDEW "Lok- und Waggon" check digit of a digit string (MaLo-ID: 10 digits,
    BDEW/DVGW code: 12): odd positions once, the *sum* of the even positions twice."""
    if not base.isdigit():
        raise ValueError(f"nur Ziffern erlaubt: {base!r}")
    odd = sum(int(digit) for digit in base[0::2])
    even = sum(int(digit) for digit in base[1::2])
    return (10 - (odd + 2 * even) % 10) % 10


def ascii_check_digit(base: str) -> int:
    """The check digit of the ASCII family (NeLo-ID, Paket-ID): a letter counts with its ASCII
    code, a digit with its value; otherwise as :func:`lok_waggon_check_digit`."""
    values = [int(c) if c.isdigit() else ord(c) for c in base]
    if not all(c.isdigit() or "A" <= c <= "Z" for c in base):
        raise ValueError(f"nur Ziffern und Großbuchstaben erlaubt: {base!r}")
    return (10 - (sum(values[0::2]) + 2 * sum(values[1::2])) % 10) % 10


def gs1_check_digit(base: str) -> int:
    """The GS1 (EAN-13/GLN) check digit of 12 digits: weights 1, 3, 1, 3, … from the left."""
    if not base.isdigit():
        raise ValueError(f"nur Ziffern erlaubt: {base!r}")
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(base))
    return (10 - total % 10) % 10


def with_check_digit(base: str) -> str:
    """A MaLo-ID (or BDEW/DVGW code) from its base: ``"4137355924"`` → ``"41373559241"``."""
    return f"{base}{lok_waggon_check_digit(base)}"


# --- MaLo-ID and Tranche-ID -----------------------------------------------------------------
def _check_digit_error(expected: int, given: str) -> ValidationError:
    return ValidationError(
        _("Prüfziffer falsch: erwartet %(expected)s, angegeben %(given)s."),
        code="check_digit",
        params={"expected": expected, "given": given},
    )


def validate_malo_id(value: str, *, name: str = "MaLo-ID") -> str:
    """An 11-digit Marktlokations-ID (or Tranche-ID) with the BDEW check digit — not Luhn."""
    malo = normalise(value)
    if not malo.isdigit():
        raise ValidationError(
            _("Die %(name)s besteht nur aus Ziffern."), code="characters", params={"name": name}
        )
    if len(malo) != 11:
        raise ValidationError(
            _("Die %(name)s hat 11 Ziffern, nicht %(length)s."),
            code="length",
            params={"name": name, "length": len(malo)},
        )
    if not MALO.fullmatch(malo):
        raise ValidationError(
            _("Die %(name)s beginnt nicht mit 0."), code="issuer", params={"name": name}
        )
    expected = lok_waggon_check_digit(malo[:10])
    if int(malo[10]) != expected:
        raise _check_digit_error(expected, malo[10])
    return malo


def validate_tranche_id(value: str) -> str:
    """A Tranche-ID: the same ID space and check digit as the MaLo-ID."""
    return validate_malo_id(value, name="Tranche-ID")


# --- Marktpartner-ID ------------------------------------------------------------------------
class Scheme(StrEnum):
    """Who issued a Marktpartner-ID, told by which check digit procedure it satisfies."""

    BDEW = "BDEW"
    DVGW = "DVGW"
    GS1 = "GS1"


@dataclass(frozen=True)
class MarketPartnerId:
    value: str
    scheme: Scheme


def market_partner_scheme(code: str) -> Scheme | None:
    """BDEW or DVGW (Lok- und Waggon procedure; 98… is DVGW), else GS1 (EAN-13), else None.

    A code that satisfies both procedures counts as BDEW/DVGW, as the BDEW advises.
    """
    if lok_waggon_check_digit(code[:12]) == int(code[12]):
        return Scheme.DVGW if code.startswith("98") else Scheme.BDEW
    if gs1_check_digit(code[:12]) == int(code[12]):
        return Scheme.GS1
    return None


def validate_market_partner_id(value: str) -> MarketPartnerId:
    """A 13-digit Marktpartner-ID (BDEW-/DVGW-Codenummer or GS1 GLN) and its scheme."""
    code = normalise(value)
    if not MARKET_PARTNER.fullmatch(code):
        if not code.isdigit():
            raise ValidationError(
                _("Die Marktpartner-ID besteht nur aus Ziffern."), code="characters"
            )
        raise ValidationError(
            _("Die Marktpartner-ID hat 13 Ziffern, nicht %(length)s."),
            code="length",
            params={"length": len(code)},
        )
    scheme = market_partner_scheme(code)
    if scheme is None:
        raise ValidationError(
            _(
                "Prüfziffer falsch: weder BDEW/DVGW (erwartet %(bdew)s) noch GS1 "
                "(erwartet %(gs1)s), angegeben %(given)s."
            ),
            code="check_digit",
            params={
                "bdew": lok_waggon_check_digit(code[:12]),
                "gs1": gs1_check_digit(code[:12]),
                "given": code[12],
            },
        )
    return MarketPartnerId(code, scheme)


# --- MeLo-ID / Zählpunktbezeichnung --------------------------------------------------------
@dataclass(frozen=True)
class MeterPointId:
    value: str
    strict: bool  # fits the German structure DE + 6-digit operator + 5-digit postcode + 20


def normalise_melo_id(value: str) -> str:
    """Upper-cased without blanks and dots: "DE 000562 66802 AO6G…" → "DE00056266802AO6G…"."""
    return re.sub(r"[\s.]", "", normalise(value))


def validate_melo_id(value: str) -> MeterPointId:
    """A 33-character MeLo-ID (Zählpunktbezeichnung); no check digit. Accepted when it fits
    the general pattern; ``strict`` says whether it also fits the German structure (else warn)."""
    melo = normalise_melo_id(value)
    if len(melo) != 33:
        raise ValidationError(
            _("Die MeLo-ID hat 33 Zeichen (ohne Leerzeichen und Punkte), nicht %(length)s."),
            code="length",
            params={"length": len(melo)},
        )
    if not MELO_LENIENT.fullmatch(melo):
        raise ValidationError(
            _(
                "Die MeLo-ID beginnt mit dem Ländercode (zwei Buchstaben, z. B. DE) und enthält "
                "danach nur Ziffern und Buchstaben."
            ),
            code="characters",
        )
    return MeterPointId(melo, strict=bool(MELO_STRICT.fullmatch(melo)))


# --- EIC ------------------------------------------------------------------------------------
class EicType(StrEnum):
    PARTY = "X"  # market participant, in Germany also a Bilanzkreis
    AREA = "Y"  # control area, balancing area (Bilanzierungsgebiet), bidding zone, market area


EIC_TYPE_NAMES = {
    EicType.PARTY: gettext_lazy("Marktteilnehmer (Typ X)"),
    EicType.AREA: gettext_lazy("Gebiet (Typ Y)"),
}


def validate_eic(value: str, *, kind: EicType | None = None) -> str:
    """A 16-character Energy Identification Code; with ``kind`` its type letter must fit."""
    code = normalise(value)
    if len(code) != 16:
        raise ValidationError(
            _("Ein EIC hat 16 Zeichen, nicht %(length)s."),
            code="length",
            params={"length": len(code)},
        )
    if not EIC_ALPHABET.fullmatch(code):
        raise ValidationError(
            _("Ein EIC enthält nur Ziffern, Buchstaben und Bindestriche."), code="characters"
        )
    try:
        stdnum_eic.validate(code)
    except StdnumError:
        expected = stdnum_eic.calc_check_digit(code[:15])
        if expected == "-" or code[15] == "-":
            message = _("Prüfzeichen falsch: ein EIC mit diesem Stamm ist nicht möglich.")
        else:
            message = _("Prüfzeichen falsch: erwartet %(expected)s, angegeben %(given)s.")
        raise ValidationError(
            message, code="check_digit", params={"expected": expected, "given": code[15]}
        ) from None
    if kind is not None and code[2] != kind:
        raise ValidationError(
            _("Hier gehört ein EIC für ein %(expected)s hin, nicht Typ %(given)s."),
            code="eic_type",
            params={"expected": EIC_TYPE_NAMES[kind], "given": code[2]},
        )
    return code


# --- NeLo-ID --------------------------------------------------------------------------------
def validate_nelo_id(value: str) -> str:
    """An 11-character Netzlokations-ID: E, nine digits or letters, a check digit."""
    nelo = normalise(value)
    if len(nelo) != 11:
        raise ValidationError(
            _("Die NeLo-ID hat 11 Zeichen, nicht %(length)s."),
            code="length",
            params={"length": len(nelo)},
        )
    if not NELO.fullmatch(nelo):
        raise ValidationError(
            _(
                "Die NeLo-ID beginnt mit E, danach neun Ziffern oder Großbuchstaben und eine "
                "Prüfziffer."
            ),
            code="characters",
        )
    expected = ascii_check_digit(nelo[:10])
    if int(nelo[10]) != expected:
        raise _check_digit_error(expected, nelo[10])
    return nelo
