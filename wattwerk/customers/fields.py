"""Model fields that store a value in its normalised form (VAT ID, IBAN, phone number).

The model's ``full_clean`` in the operations normalises; a value that cannot be normalised is
kept as typed, and the field's validator says what is wrong with it.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wattwerk.core.fields import FixedLengthCharField

from . import validators


class NormalisedField(FixedLengthCharField):
    normalise: Callable[[str], str]

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        try:
            return self.normalise(value)
        except ValidationError:
            return value


class VatIdField(NormalisedField):
    description = _("Umsatzsteuer-Identifikationsnummer")
    default_validators = [validators.validate_vat_id]
    normalise = staticmethod(validators.normalise_vat_id)
    length = 20


class IbanField(NormalisedField):
    description = _("IBAN")
    default_validators = [validators.validate_iban]
    normalise = staticmethod(validators.normalise_iban)
    length = 34


class PhoneField(NormalisedField):
    description = _("Telefonnummer")
    default_validators = [validators.validate_phone]
    normalise = staticmethod(validators.normalise_phone)
    length = 30
