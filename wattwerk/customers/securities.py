"""Securities as lists on the record they belong to: the securities an account has provided
(Bürgschaft, Barkaution, …) and those an opportunity requires (requested, received, waived).

Each list is one secured field (field security hides or protects it as a whole, on every
surface), stored as JSON entries with German-checked values: an entry's problem is named by its
number ("Sicherheit Nr. 2: Betrag fehlt."). In forms it is edited one entry per line, the parts
separated by semicolons.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dateparse import parse_date
from django.utils.formats import localize, number_format, sanitize_separators
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class SecurityType(models.TextChoices):
    BANK_GUARANTEE = "buergschaft", gettext_lazy("Bankbürgschaft")
    CASH_DEPOSIT = "barkaution", gettext_lazy("Barkaution")
    PREPAYMENT = "vorauszahlung", gettext_lazy("Vorauszahlung")
    LETTER_OF_COMFORT = "patronatserklaerung", gettext_lazy("Patronatserklärung")
    CREDIT_INSURANCE = "kreditversicherung", gettext_lazy("Kreditversicherung")
    GUARANTEE = "garantie", gettext_lazy("Garantie")
    ASSIGNMENT = "sicherungsabtretung", gettext_lazy("Sicherungsabtretung")
    OTHER = "sonstige", gettext_lazy("sonstige")


class SecurityStatus(models.TextChoices):
    REQUESTED = "requested", gettext_lazy("angefordert")
    RECEIVED = "received", gettext_lazy("erhalten")
    WAIVED = "waived", gettext_lazy("verzichtet")


@dataclass(frozen=True)
class Part:
    name: str
    label: str
    kind: str  # "choice", "money", "date", "text"
    choices: type | None = None
    required: bool = False


KINDS = {
    "provided": (
        Part("type", gettext_lazy("Art"), "choice", SecurityType, required=True),
        Part("amount", gettext_lazy("Betrag"), "money", required=True),
        Part("valid_from", gettext_lazy("gültig ab"), "date"),
        Part("valid_to", gettext_lazy("gültig bis"), "date"),
        Part("issuer", gettext_lazy("Sicherungsgeber"), "text"),
        Part("reference", gettext_lazy("Referenz"), "text"),
    ),
    "required": (
        Part("type", gettext_lazy("Art"), "choice", SecurityType, required=True),
        Part("amount", gettext_lazy("Betrag"), "money", required=True),
        Part("status", gettext_lazy("Status"), "choice", SecurityStatus, required=True),
    ),
}
MAX_TEXT = 100
MAX_AMOUNT = Decimal(10) ** 12  # EUR; beyond it a typo, not a security


def _part_value(part: Part, raw):
    text = "" if raw is None else str(raw).strip()
    if not text:
        if part.required:
            raise ValidationError(_("%(part)s fehlt.") % {"part": part.label})
        return ""
    if part.kind == "choice":
        for value, label in part.choices.choices:
            if text.casefold() in (value.casefold(), str(label).casefold()):
                return value
        allowed = ", ".join(str(label) for _value, label in part.choices.choices)
        raise ValidationError(
            _("%(part)s „%(text)s“ gibt es nicht; erlaubt: %(allowed)s.")
            % {"part": part.label, "text": text, "allowed": allowed}
        )
    if part.kind == "money":
        not_an_amount = ValidationError(
            _("%(part)s „%(text)s“ ist kein Betrag.") % {"part": part.label, "text": text}
        )
        try:
            amount = Decimal(sanitize_separators(text.removesuffix("EUR").strip()))
        except InvalidOperation as error:
            raise not_an_amount from error
        if not amount.is_finite() or amount >= MAX_AMOUNT:
            raise not_an_amount
        if amount < 0:
            raise ValidationError(_("%(part)s darf nicht negativ sein.") % {"part": part.label})
        return str(amount.quantize(Decimal("0.01")))
    if part.kind == "date":
        try:
            day = parse_date(text) if "-" in text else _german_date(text)
        except ValueError:
            day = None
        if day is None:
            raise ValidationError(
                _("%(part)s „%(text)s“ ist kein Datum (TT.MM.JJJJ).")
                % {"part": part.label, "text": text}
            )
        return day.isoformat()
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("%(part)s ist länger als %(max)d Zeichen.") % {"part": part.label, "max": MAX_TEXT}
        )
    return text


def _german_date(text: str) -> date | None:
    try:
        day, month, year = (int(part) for part in text.split("."))
        return date(year, month, day)
    except ValueError:
        return None


def normalise(entries, kind: str) -> list[dict]:
    """The entries checked and in their stored form; a ValidationError names each bad one."""
    if entries in (None, ""):
        return []
    if not isinstance(entries, list):
        raise ValidationError(_("Eine Liste von Sicherheiten erwartet."))
    parts, result, problems = KINDS[kind], [], []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            problems.append(_("Sicherheit Nr. %(n)d: keine Angaben.") % {"n": number})
            continue
        unknown = set(entry) - {part.name for part in parts}
        if unknown:
            problems.append(
                _("Sicherheit Nr. %(n)d: unbekannte Angabe %(names)s.")
                % {"n": number, "names": ", ".join(sorted(unknown))}
            )
        clean = {}
        for part in parts:
            try:
                clean[part.name] = _part_value(part, entry.get(part.name))
            except ValidationError as error:
                problems += [
                    _("Sicherheit Nr. %(n)d: %(problem)s") % {"n": number, "problem": message}
                    for message in error.messages
                ]
        start, end = clean.get("valid_from"), clean.get("valid_to")
        if start and end and end < start:
            problems.append(
                _("Sicherheit Nr. %(n)d: „gültig bis“ liegt vor „gültig ab“.") % {"n": number}
            )
        result.append(clean)
    if problems:
        raise ValidationError(problems)
    return result


def display(entries, kind: str) -> str:
    """``"Bankbürgschaft 50.000,00 EUR, 01.01.2026–31.12.2026, Sparkasse, B-123"``; entries
    separated by semicolons."""
    shown = []
    for entry in entries or []:
        texts = []
        for part in KINDS[kind]:
            value = entry.get(part.name, "")
            if not value:
                continue
            if part.kind == "choice":
                texts.append(str(dict(part.choices.choices).get(value, value)))
            elif part.kind == "money":
                amount = number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
                texts.append(f"{amount} EUR")
            elif part.kind == "date":
                texts.append(f"{part.label} {localize(date.fromisoformat(value))}")
            else:
                texts.append(value)
        shown.append(", ".join(texts))
    return "; ".join(shown)


def as_lines(entries, kind: str) -> str:
    """The entries as the form shows them: one per line, the parts separated by ";"."""
    lines = []
    for entry in entries or []:
        cells = []
        for part in KINDS[kind]:
            value = entry.get(part.name, "")
            if value and part.kind == "choice":
                value = str(dict(part.choices.choices).get(value, value))
            elif value and part.kind == "money":
                value = number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
            elif value and part.kind == "date":
                value = localize(date.fromisoformat(value))
            cells.append(value)
        lines.append("; ".join(cells).rstrip("; "))
    return "\n".join(lines)


def from_lines(text: str, kind: str) -> list[dict]:
    parts = KINDS[kind]
    entries = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        cells = [cell.strip() for cell in line.split(";")]
        entries.append({part.name: cell for part, cell in zip(parts, cells, strict=False)})
    return entries


class SecuritiesFormField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.setdefault(
            "help_text",
            _("Eine Sicherheit je Zeile: %(parts)s, getrennt durch Semikolon.")
            % {"parts": ", ".join(str(part.label) for part in KINDS[kind])},
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return as_lines(value, self.kind) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return normalise(value, self.kind)
        return normalise(from_lines(super().to_python(value) or "", self.kind), self.kind)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or [])
        except ValidationError:
            return True


class SecuritiesField(models.JSONField):
    """A list of securities (``kind`` "provided" or "required"), checked and normalised."""

    def __init__(self, *args, kind: str = "provided", **kwargs):
        self.kind = kind
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def to_python(self, value):
        return normalise(value, self.kind)

    def display(self, value) -> str:
        return display(value, self.kind)

    def formfield(self, **kwargs):
        return SecuritiesFormField(kind=self.kind, required=not self.blank, label=self.verbose_name)
