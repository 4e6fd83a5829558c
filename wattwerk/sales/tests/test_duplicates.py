"""Duplicate suggestions: German-aware matching of companies and persons, restricted to what
the user may read — as the qualification dialog and the API offer them."""

import pytest

from wattwerk.access.models import Depth
from wattwerk.access.tests.factories import UserFactory, role_with
from wattwerk.customers.models import Account, AccountContact, LegalForm
from wattwerk.customers.queries import (
    normalise_name,
    normalise_street,
    similar_accounts,
    similar_contacts,
)
from wattwerk.customers.tests.factories import AccountFactory, ContactFactory

from .factories import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    user = UserFactory()
    user.roles.add(
        role_with(
            ("customers.read_account", Depth.ORGANISATION),
            ("customers.read_contact", Depth.ORGANISATION),
            ("sales.read_lead", Depth.ORGANISATION),
        )
    )
    return user


def suggested(suggestions) -> dict:
    """{name: reasons}; an account by its name (without legal form), a contact as shown."""
    return {
        getattr(suggestion.record, "name", None) or str(suggestion.record): suggestion.reasons
        for suggestion in suggestions
    }


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Müller & Söhne GmbH & Co. KG", "mueller soehne"),
        ("Bäckerei Groß e. K.", "baeckerei gross"),
        ("STADTWERKE MUSTERSTADT AöR", "stadtwerke musterstadt"),
    ],
)
def test_names_are_compared_without_case_umlauts_and_legal_form(typed, stored):
    assert normalise_name(typed) == stored


@pytest.mark.parametrize(
    "street", ["Hafenstraße 4a", "Hafenstr. 4a", "Hafen-Strasse 4 A", "hafenstrasse 4A"]
)
def test_streets_are_compared_however_they_are_spelt(street):
    assert normalise_street(street) == "hafenstrasse4a"
    assert normalise_street("Marktpl. 1") == normalise_street("Marktplatz 1")
    assert normalise_street("Hafenstraße 5") != "hafenstrasse4a"


def test_similar_accounts_by_name_address_and_vat_id(reader):
    mueller = AccountFactory(name="Müller & Söhne", legal_form=LegalForm.GMBH, postcode="12345")
    AccountFactory(name="Mueller und Soehne", legal_form=LegalForm.KG, postcode="99999")
    AccountFactory(name="Stadtwerke Nordstadt")
    AccountFactory(name="Zementwerk Ost", vat_id="DE136695976")
    AccountFactory(
        name="Mueller Söhne", street="Hafenstr. 4", postcode="12345", legal_form=LegalForm.GMBH
    )

    found = similar_accounts(
        reader,
        name="Müller und Söhne GmbH",
        street="Hafenstraße 4",
        postcode="12345",
        legal_form=LegalForm.GMBH,
    )
    reasons = suggested(found)
    assert reasons["Mueller Söhne"] == ["name", "address"]
    assert reasons["Müller & Söhne"] == ["name", "postcode"]
    assert reasons["Mueller und Soehne"] == ["name", "legal_form"]
    assert [s.record.name for s in found][:2] == ["Mueller Söhne", "Müller & Söhne"]
    assert found[-1].score < found[0].score
    assert mueller in [suggestion.record for suggestion in found]

    by_vat = similar_accounts(reader, name="Ganz anderer Name", vat_id="DE136695976")
    assert suggested(by_vat) == {"Zementwerk Ost": ["vat_id"]}
    assert by_vat[0].score == 1.0
    # a shared generic word ("Stadtwerke") alone is no likeness
    assert suggested(similar_accounts(reader, name="Stadtwerke Südstadt")) == {}


def test_suggestions_leave_out_what_the_user_may_not_read():
    owner, other = UserFactory(), UserFactory()
    for user in (owner, other):
        user.roles.add(role_with(("customers.read_account", Depth.OWN)))
    AccountFactory(name="Brauerei Hopfen", owner=owner)
    assert suggested(similar_accounts(owner, name="Brauerei Hopfen")) == {
        "Brauerei Hopfen": ["name"]
    }
    assert similar_accounts(other, name="Brauerei Hopfen") == []


def test_similar_contacts_by_email_name_phone_and_account(reader):
    account = AccountFactory(name="Brauerei Hopfen")
    hans = ContactFactory(first_name="Hans-Jürgen", last_name="Müller", phone="+49 30 1234567")
    AccountContact.objects.create(account=account, contact=hans)
    ContactFactory(first_name="Petra", last_name="Müller")
    ContactFactory(first_name="Eva", last_name="Schmidt", email="einkauf@hopfen.example")

    found = similar_contacts(reader, last_name="Mueller", first_name="Hans Jürgen")
    assert suggested(found) == {"Hans-Jürgen Müller": ["name"]}
    initial = similar_contacts(reader, last_name="Müller", first_name="H.", account=account)
    assert suggested(initial) == {"Hans-Jürgen Müller": ["name", "account"]}
    assert initial[0].score == 1.0
    by_phone = similar_contacts(reader, last_name="Muller", phone="+49 30 1234567")
    assert suggested(by_phone) == {"Hans-Jürgen Müller": ["name", "phone"]}
    by_email = similar_contacts(reader, last_name="Weber", email="Einkauf@Hopfen.example")
    assert suggested(by_email) == {"Eva Schmidt": ["email"]}


def test_the_api_offers_the_suggestions_for_a_lead(api_client, reader):
    AccountFactory(name="Gärtnerei Grün", street="Am Anger 2", postcode="12345")
    ContactFactory(first_name="Jana", last_name="Kühn", email="kuehn@gruen.example")
    lead = LeadFactory(
        company_name="Gaertnerei Gruen GmbH",
        street="Am Anger 2",
        postcode="12345",
        first_name="Jana",
        last_name="Kuehn",
        email="kuehn@gruen.example",
    )
    api_client.force_authenticate(reader)
    answer = api_client.get(f"/api/v1/leads/{lead.pk}/duplicates/")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert [(s["display"], s["reasons"]) for s in body["accounts"]] == [
        ("Gärtnerei Grün GmbH", ["name", "address"])
    ]
    assert [(s["display"], s["reasons"]) for s in body["contacts"]] == [
        ("Jana Kühn", ["name", "email"])
    ]

    stranger = UserFactory()
    api_client.force_authenticate(stranger)
    assert api_client.get(f"/api/v1/leads/{lead.pk}/duplicates/").status_code == 404


def test_many_accounts_in_one_postcode_do_not_crowd_out_the_same_name(reader):
    Account.objects.bulk_create(
        Account(name=f"Nachbar {number}", postcode="12345", owner=reader) for number in range(210)
    )
    AccountFactory(name="Brauerei Hopfen", postcode="54321")
    found = similar_accounts(reader, name="Brauerei Hopfen", postcode="12345")
    assert suggested(found) == {"Brauerei Hopfen": ["name"]}


@pytest.mark.parametrize(
    ("stored", "typed"),
    [("Straßenbau", "Strassenbau"), ("MÜLLER", "Müller"), ("Müller", "MUELLER")],
)
def test_names_are_found_however_they_are_spelt(reader, stored, typed):
    AccountFactory(name=stored)
    assert list(suggested(similar_accounts(reader, name=typed))) == [stored]


def test_contact_suggestions_leave_out_what_the_user_may_not_read():
    owner, other = UserFactory(), UserFactory()
    for user in (owner, other):
        user.roles.add(role_with(("customers.read_contact", Depth.OWN)))
    ContactFactory(first_name="Jana", last_name="Kühn", email="kuehn@gruen.example", owner=owner)
    for user, expected in ((owner, {"Jana Kühn": ["name", "email"]}), (other, {})):
        found = similar_contacts(
            user, last_name="Kühn", first_name="Jana", email="kuehn@gruen.example"
        )
        assert suggested(found) == expected
