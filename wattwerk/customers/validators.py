"""Validators and normalisers for what customers' records hold: VAT ID, IBAN, phone numbers.

Each normaliser returns the value in its stored form or raises a ``ValidationError`` whose German
message says what is wrong, so forms, API and importer explain the same thing the same way.
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as NotANumber

PHONE_REGION = "DE"
GERMAN_IBAN_LENGTH = 22


def normalise_vat_id(value: str) -> str:
    """An EU VAT ID (USt-IdNr.), e.g. ``DE 136 695 976`` → ``DE136695976``."""
    try:
        compact = eu_vat.validate(value or "")
    except InvalidChecksum as error:
        raise ValidationError(_("Prüfziffer der USt-IdNr. falsch."), code="checksum") from error
    except InvalidLength as error:
        raise ValidationError(
            _("Die USt-IdNr. hat die falsche Länge (DE und 9 Ziffern)."), code="length"
        ) from error
    except NotANumber as error:
        raise ValidationError(
            _("Keine gültige USt-IdNr.: Länderkennung und Nummer erwartet, z. B. DE123456789."),
            code="format",
        ) from error
    return compact


def normalise_iban(value: str) -> str:
    """An IBAN without blanks, upper case; ``DE`` IBANs have 22 characters."""
    compact = stdnum_iban.compact(value or "")
    if compact.startswith("DE") and len(compact) != GERMAN_IBAN_LENGTH:
        raise ValidationError(
            _("Eine deutsche IBAN hat 22 Zeichen, nicht %(count)d.") % {"count": len(compact)},
            code="length",
        )
    try:
        compact = stdnum_iban.validate(compact)
    except InvalidChecksum as error:
        raise ValidationError(_("Prüfziffer der IBAN falsch."), code="checksum") from error
    except InvalidLength as error:
        raise ValidationError(
            _("Die IBAN hat für ihr Land die falsche Länge."), code="length"
        ) from error
    except NotANumber as error:
        raise ValidationError(_("Keine gültige IBAN."), code="format") from error
    return compact


def normalise_phone(value: str) -> str:
    """A phone number in international notation (``+49 30 1234567``); German numbers may be
    written nationally (``030 1234567``, ``(0 30) 12 34 56-7``)."""
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("Keine Telefonnummer: Ziffern mit Vorwahl erwartet, z. B. 030 1234567."),
            code="format",
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Diese Telefonnummer gibt es nicht (Vorwahl oder Länge prüfen)."), code="invalid"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def validate_vat_id(value: str) -> None:
    normalise_vat_id(value)


def validate_iban(value: str) -> None:
    normalise_iban(value)


def validate_phone(value: str) -> None:
    normalise_phone(value)
