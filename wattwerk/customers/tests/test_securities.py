"""Securities lists: German input, stored form, entries named in errors, lines round trip."""

import pytest
from django.core.exceptions import ValidationError

from wattwerk.customers.securities import SecuritiesFormField, display, from_lines, normalise

LINE = "Bankbürgschaft; 50.000,5; 01.01.2026; 31.12.2026; Sparkasse Musterstadt; B-123"


def test_a_line_in_german_is_stored_in_its_normal_form():
    [entry] = normalise(from_lines(LINE, "provided"), "provided")
    assert entry == {
        "type": "buergschaft",
        "amount": "50000.50",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "issuer": "Sparkasse Musterstadt",
        "reference": "B-123",
    }
    assert display([entry], "provided") == (
        "Bankbürgschaft, 50.000,50 EUR, gültig ab 01.01.2026, gültig bis 31.12.2026, "
        "Sparkasse Musterstadt, B-123"
    )


def test_the_form_shows_what_it_reads():
    field = SecuritiesFormField(kind="provided")
    stored = field.clean(LINE + "\nBarkaution; 12.000")
    assert field.clean(field.prepare_value(stored)) == stored
    assert len(stored) == 2


def test_problems_name_the_entry():
    text = "Barkaution; 1.000\nGoldbarren; zwei; 01.01.2027; 01.01.2026"
    with pytest.raises(ValidationError) as caught:
        normalise(from_lines(text, "provided"), "provided")
    messages = caught.value.messages
    assert any(m.startswith("Sicherheit Nr. 2: Art „Goldbarren“ gibt es nicht") for m in messages)
    assert "Sicherheit Nr. 2: Betrag „zwei“ ist kein Betrag." in messages
    assert "Sicherheit Nr. 2: „gültig bis“ liegt vor „gültig ab“." in messages
    assert not any(m.startswith("Sicherheit Nr. 1") for m in messages)
