"""VAT ID, IBAN and phone numbers: normalised when valid, refused with the reason otherwise, the
same through the API as in the function."""

import pytest
from django.core.exceptions import ValidationError

from wattwerk.customers.models import Account
from wattwerk.customers.validators import normalise_iban, normalise_phone, normalise_vat_id


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("DE 136 695 976", "DE136695976"),
        ("de136695976", "DE136695976"),
        ("ATU13585627", "ATU13585627"),
    ],
)
def test_vat_ids_are_normalised(typed, stored):
    assert normalise_vat_id(typed) == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("DE136695977", "Prüfziffer"),
        ("DE13669597", "Länge"),
        ("XX123", "Länderkennung"),
    ],
)
def test_bad_vat_ids_say_why(typed, reason):
    with pytest.raises(ValidationError, match=reason):
        normalise_vat_id(typed)


def test_ibans():
    assert normalise_iban("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    with pytest.raises(ValidationError, match="Prüfziffer"):
        normalise_iban("DE89370400440532013001")
    with pytest.raises(ValidationError, match="22 Zeichen, nicht 21"):
        normalise_iban("DE8937040044053201300")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("030 1234567", "+49 30 1234567"),
        ("(0 30) 12 34 56-7", "+49 30 1234567"),
        ("+49 (0)171 1234567", "+49 171 1234567"),
        ("0049 89 12345678", "+49 89 12345678"),
    ],
)
def test_german_phone_notations(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "reason"), [("abc", "Keine Telefonnummer"), ("030 1", "gibt es nicht")]
)
def test_bad_phone_numbers_say_why(typed, reason):
    with pytest.raises(ValidationError, match=reason):
        normalise_phone(typed)


@pytest.mark.django_db
def test_the_api_stores_the_normalised_values_and_names_bad_fields(api_client, make_user):
    user = make_user("customers.read_account", "customers.create_account", "access.read_user")
    api_client.force_authenticate(user)
    created = api_client.post(
        "/api/v1/accounts/",
        {"name": "Stadtbad", "vat_id": "de 136 695 976", "phone": "030 1234567"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["vat_id"], created.json()["phone"]) == ("DE136695976", "+49 30 1234567")
    refused = api_client.post(
        "/api/v1/accounts/",
        {"name": "Stadtbad 2", "vat_id": "DE136695977", "phone": "030 1"},
        format="json",
    )
    assert refused.status_code == 400
    errors = {error["field"]: error["message"] for error in refused.json()["errors"]}
    assert "Prüfziffer" in errors["vat_id"]
    assert "gibt es nicht" in errors["phone"]
    assert Account.objects.count() == 1
