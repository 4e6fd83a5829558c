"""Model fields for the energy market's identifiers: normalised on the way in, validated with
the German explanation of what is wrong (see :mod:`wattwerk.energy.identifiers`).

Forms and the API get the same rules: the model's ``full_clean`` in the operations normalises
and validates, and DRF copies the validators onto its serializer fields.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from wattwerk.core.fields import FixedLengthCharField

from . import identifiers


@deconstructible
class IdentifierValidator:
    """Calls one of the ``validate_…`` functions; for EICs with the type letter it must have."""

    def __init__(self, kind: str, eic_type: str | None = None):
        self.kind = kind
        self.eic_type = eic_type

    def __call__(self, value) -> None:
        if self.kind == "eic":
            eic_type = identifiers.EicType(self.eic_type) if self.eic_type else None
            identifiers.validate_eic(value, kind=eic_type)
        else:
            VALIDATE[self.kind](value)

    def __eq__(self, other) -> bool:
        return isinstance(other, IdentifierValidator) and (self.kind, self.eic_type) == (
            other.kind,
            other.eic_type,
        )


VALIDATE: dict[str, Callable] = {
    "malo": identifiers.validate_malo_id,
    "tranche": identifiers.validate_tranche_id,
    "melo": identifiers.validate_melo_id,
    "market_partner": identifiers.validate_market_partner_id,
    "nelo": identifiers.validate_nelo_id,
}


class IdentifierField(FixedLengthCharField):
    """A CharField holding one kind of identifier, normalised (upper case, no blanks)."""

    kind = ""
    digits = False  # holds digits only
    normalise = staticmethod(identifiers.normalise)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.append(self.identifier_validator())

    def identifier_validator(self) -> IdentifierValidator:
        return IdentifierValidator(self.kind)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalise(value) if value else value

    def search_lookup(self, word: str) -> tuple[str, str] | None:
        """How the search looks for ``word`` here (see ``core.filtersets``): a whole valid
        identifier by its index (``exact``), a part of one as a part, and a word that cannot
        be part of one not at all — a name searched does not scan every MaLo-ID."""
        value = self.normalise(word)
        if len(value) > self.length or (self.digits and not value.isdigit()):
            return None
        if len(value) == self.length:
            try:
                self.identifier_validator()(value)
            except ValidationError:
                return None
            return "exact", value
        return "contains", value


class MaLoIdField(IdentifierField):
    description = _("Marktlokations-ID (11 Ziffern, BDEW-Prüfziffer)")
    kind, length, digits = "malo", 11, True


class TrancheIdField(IdentifierField):
    description = _("Tranche-ID (11 Ziffern, BDEW-Prüfziffer)")
    kind, length, digits = "tranche", 11, True


class MeLoIdField(IdentifierField):
    description = _("Messlokations-ID / Zählpunktbezeichnung (33 Zeichen)")
    kind, length = "melo", 33
    normalise = staticmethod(identifiers.normalise_melo_id)


class MarketPartnerIdField(IdentifierField):
    description = _("Marktpartner-ID (13 Ziffern, BDEW/DVGW oder GS1)")
    kind, length, digits = "market_partner", 13, True


class NeLoIdField(IdentifierField):
    description = _("Netzlokations-ID (11 Zeichen)")
    kind, length = "nelo", 11


class EicField(IdentifierField):
    """An EIC; ``eic_type="Y"`` for areas, ``"X"`` for parties, or any type when None."""

    description = _("Energy Identification Code (16 Zeichen)")
    kind, length = "eic", 16

    def __init__(self, *args, eic_type: str | None = None, **kwargs):
        self.eic_type = eic_type
        super().__init__(*args, **kwargs)

    def identifier_validator(self) -> IdentifierValidator:
        return IdentifierValidator("eic", self.eic_type)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.eic_type:
            kwargs["eic_type"] = self.eic_type
        return name, path, args, kwargs
