"""Accounts and contacts through the generic suite (pages, API, rights, history, field
security), and the customer lists."""

from datetime import date
from decimal import Decimal

import pytest

from wattwerk.activities.tests.factories import ActivityFactory
from wattwerk.core.testing import RecordTypeSuite
from wattwerk.customers.models import Account, AccountContact, Contact, IndustryCode
from wattwerk.energy.tests.factories import DeliveryPointFactory

from .factories import AccountFactory, ContactFactory, customer_type

RELATED = (
    "customers.read_customertype",
    "customers.read_industrycode",
    "customers.read_interest",
    "customers.read_channel",
    "access.read_user",
    "access.read_department",
)


def add_activities(record, n: int) -> None:
    """``n`` activities regarding the record, open and completed, for its timeline."""
    for i in range(n):
        status = "completed" if i % 2 else "open"
        ActivityFactory(regarding=record, status=status, description=f"Notiz {i}")


class TestAccountRecords(RecordTypeSuite):
    slug = "accounts"
    factory = AccountFactory
    api_path = "/api/v1/accounts/"
    change_field = "city"
    change_value = "Beispielstadt"
    bad_field = ("vat_id", "DE136695977")
    related_permissions = RELATED
    secured_values = {
        "rating_system": ("creditreform", "creditsafe"),
        "credit_score": (Decimal("287.35"), Decimal("193.65")),
        "rating_date": (date(2025, 3, 17), date(2024, 11, 29)),
        "credit_limit": (Decimal("734512.00"), Decimal("612987.00")),
        "debtor_number": ("D-4471-9983", "D-5582-1094"),
        "creditor_number": ("K-3391-2277", "K-6618-4402"),
        "payment_terms": ("37 Tage netto Sonderabrede", "21 Tage 2 % Skonto Sonderabrede"),
        "iban": ("DE89370400440532013000", "DE02120300000000202051"),
        "securities": (
            [
                {
                    "type": "buergschaft",
                    "amount": "734512.00",
                    "valid_from": "2026-01-01",
                    "valid_to": "2027-01-01",
                    "issuer": "Sparkasse Musterstadt",
                    "reference": "B-4471-XQZ",
                }
            ],
            [
                {
                    "type": "barkaution",
                    "amount": "61298.00",
                    "valid_from": "",
                    "valid_to": "",
                    "issuer": "",
                    "reference": "K-6618-QQW",
                }
            ],
        ),
    }

    def valid_form_data(self):
        return {
            "name": "Brauerei Hopfen",
            "legal_form": "GmbH",
            "customer_type": customer_type().pk,
            "industry": IndustryCode.objects.get(code="11").pk,
            "vat_id": "DE 136 695 976",
            "postcode": "12345",
            "city": "Musterstadt",
            "phone": "030 1234567",
        }

    def valid_api_data(self):
        return self.valid_form_data()

    def form_values_of(self, record):
        return {"name": record.name, "owner": record.owner_id}

    def grow_related(self, record, n):
        super().grow_related(record, n)
        add_activities(record, n)
        for contact in ContactFactory.create_batch(n):
            contact.accounts.add(record)
        DeliveryPointFactory.create_batch(n, account=record)
        AccountFactory.create_batch(n, parent=record)

    def search_term(self, record) -> str:
        return record.name


class TestContactRecords(RecordTypeSuite):
    slug = "contacts"
    factory = ContactFactory
    api_path = "/api/v1/contacts/"
    change_field = "email"
    change_value = "erika.neu@brauerei-hopfen.example"
    bad_field = ("phone", "030 1")
    related_permissions = (*RELATED, "customers.read_account")

    def valid_form_data(self):
        return {
            "salutation": "Frau",
            "first_name": "Erika",
            "last_name": "Mustermann",
            "email": "erika@brauerei-hopfen.example",
            "mobile": "0171 1234567",
        }

    def valid_api_data(self):
        return self.valid_form_data()

    def form_values_of(self, record):
        return {"last_name": record.last_name, "owner": record.owner_id}

    def grow_related(self, record, n):
        super().grow_related(record, n)
        add_activities(record, n)
        record.accounts.add(*AccountFactory.create_batch(n))


@pytest.mark.django_db
def test_the_shipped_lists():
    assert IndustryCode.objects.filter(system="WZ", version="2008", parent=None).count() == 21
    division = IndustryCode.objects.get(code="35")
    assert (division.parent.code, division.title) == ("D", "Energieversorgung")
    assert IndustryCode.objects.exclude(parent=None).count() == 88
    assert customer_type("Stadtwerk/Weiterverteiler")


@pytest.mark.django_db
def test_an_account_cannot_be_its_own_ancestor():
    top = AccountFactory()
    middle = AccountFactory(parent=top)
    top.parent = middle
    with pytest.raises(Exception, match="unter sich selbst"):
        top.full_clean()
    assert Account.objects.get(pk=top.pk).parent is None


@pytest.mark.django_db
def test_a_contact_works_at_several_accounts_through_the_api(api_client, make_user):
    first, second = AccountFactory(), AccountFactory()
    user = make_user(
        "customers.read_contact", "customers.create_contact", "customers.read_account", *RELATED
    )
    api_client.force_authenticate(user)
    answer = api_client.post(
        "/api/v1/contacts/",
        {"last_name": "Kühn", "accounts": [first.pk, second.pk]},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    contact = Contact.objects.get(pk=answer.json()["id"])
    assert set(contact.accounts.all()) == {first, second}
    assert AccountContact.objects.filter(contact=contact).count() == 2


@pytest.mark.django_db
def test_a_filter_by_an_impossible_id_is_refused_not_a_server_error(api_client, make_user):
    api_client.force_authenticate(make_user("customers.read_contact", *RELATED))
    answer = api_client.get("/api/v1/contacts/", {"accounts": str(2**70)})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "accounts"


@pytest.mark.django_db
def test_a_contact_cannot_be_linked_to_an_account_out_of_reach(api_client, make_user):
    from wattwerk.access.tests.factories import UserFactory

    hidden = AccountFactory(owner=UserFactory())
    user = make_user("customers.read_contact", "customers.create_contact", *RELATED)
    api_client.force_authenticate(user)  # no read on accounts at all
    answer = api_client.post(
        "/api/v1/contacts/", {"last_name": "Kühn", "accounts": [hidden.pk]}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"].startswith("accounts")
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_saving_a_contact_keeps_its_links_to_accounts_out_of_reach(client, make_user):
    from wattwerk.access.models import Depth
    from wattwerk.access.tests.factories import UserFactory, role_with

    user = make_user("customers.read_contact", "customers.write_contact", *RELATED)
    user.roles.add(role_with(("customers.read_account", Depth.OWN)))
    visible = AccountFactory(owner=user)
    hidden = AccountFactory(owner=UserFactory())
    contact = ContactFactory(owner=user)
    contact.accounts.add(visible, hidden)
    client.force_login(user)
    answer = client.post(
        f"/contacts/{contact.pk}/edit/", {"last_name": contact.last_name, "owner": user.pk}
    )
    assert answer.status_code == 302, answer.content.decode()[:500]
    assert list(contact.accounts.all()) == [hidden]  # the visible one unticked, the other kept
