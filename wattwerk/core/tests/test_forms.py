"""The base record form: errors from the operations land where the user can read them."""

from django.core.exceptions import ValidationError

from wattwerk.core.tests.sample.records import NoteForm


def test_operation_errors_on_fields_the_form_lacks_become_general_errors(db):
    form = NoteForm(data={"title": "Rückruf", "amount": "0"})
    assert form.is_valid(), form.errors
    form.add_operation_error(
        ValidationError(
            {
                "title": ["Titel schon vergeben."],
                "owner_team": ["Team ist aufgelöst."],
                "__all__": ["Genau ein Benutzer oder ein Team ist verantwortlich."],
            }
        )
    )
    assert form.errors["title"] == ["Titel schon vergeben."]
    assert "Verantwortliches Team: Team ist aufgelöst." in form.non_field_errors()
    assert "Genau ein Benutzer oder ein Team ist verantwortlich." in form.non_field_errors()


def test_an_operation_error_without_fields_is_a_general_error(db):
    form = NoteForm(data={"title": "Rückruf", "amount": "0"})
    form.is_valid()
    form.add_operation_error(ValidationError("Es wurde nichts gespeichert."))
    assert form.non_field_errors() == ["Es wurde nichts gespeichert."]
