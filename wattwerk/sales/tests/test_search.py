"""Global search: accounts, contacts, leads, opportunities and delivery points by name, number,
MaLo-ID and city — restricted like every list, field security included."""

import pytest
from django.urls import reverse

from wattwerk.core.testing import count_queries
from wattwerk.customers.tests.factories import AccountFactory, ContactFactory
from wattwerk.energy.tests.factories import DeliveryPointFactory

from .factories import LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

READ_ALL = [
    "customers.read_account",
    "customers.read_contact",
    "sales.read_lead",
    "sales.read_opportunity",
    "energy.read_deliverypoint",
    "access.read_user",
]


def test_an_account_is_found_once_by_a_malo_id_of_its_delivery_points(client, make_user):
    account = AccountFactory(name="Kühlhaus Nord")
    point = DeliveryPointFactory(account=account)
    DeliveryPointFactory(account=account)
    client.force_login(make_user(*READ_ALL))
    page = client.get(reverse("search"), {"q": point.malo_id}).content.decode()
    assert page.count(f'href="{account.get_absolute_url()}"') == 1
    assert f'href="{point.get_absolute_url()}"' in page


def test_every_type_by_name_or_city(client, make_user):
    account = AccountFactory(name="Molkerei Grünland")
    contact = ContactFactory(last_name="Grünland-Meier")
    lead = LeadFactory(company_name="Grünland Agrar")
    opportunity = OpportunityFactory(name="Strom Grünland 2027", account=account)
    client.force_login(make_user(*READ_ALL))
    page = client.get(reverse("search"), {"q": "grünland"}).content.decode()
    for record in (account, contact, lead, opportunity):
        assert f'href="{record.get_absolute_url()}"' in page


def test_search_is_restricted_and_respects_field_security(client, make_user):
    AccountFactory(name="Geheim AG", debtor_number="D-998877")
    client.force_login(make_user("sales.read_lead"))
    assert 'id="no-results"' in client.get(reverse("search"), {"q": "Geheim"}).content.decode()
    client.force_login(make_user(*READ_ALL))
    found = client.get(reverse("search"), {"q": "Geheim"}).content.decode()
    assert "Geheim AG" in found
    secured = client.get(reverse("search"), {"q": "D-998877"}).content.decode()
    assert 'id="no-results"' in secured  # the debtor number is secured: no profile, no search


def test_the_search_runs_a_fixed_number_of_queries(client, make_user):
    client.force_login(make_user(*READ_ALL))
    AccountFactory(name="Stadtwerke Nord")
    few = count_queries(lambda: client.get(reverse("search"), {"q": "Nord"}))
    for number in range(15):
        account = AccountFactory(name=f"Nord {number}")
        ContactFactory(last_name=f"Nordmann {number}")
        DeliveryPointFactory(account=account, name=f"Nordwerk {number}")
    assert count_queries(lambda: client.get(reverse("search"), {"q": "Nord"})) == few


def test_the_api_search(api_client, make_user):
    account = AccountFactory(name="Glaswerk Klarsicht")
    api_client.force_authenticate(make_user(*READ_ALL))
    answer = api_client.get("/api/v1/search/", {"q": "Klarsicht"})
    assert answer.status_code == 200
    assert answer.json() == [
        {
            "type": "accounts",
            "id": account.pk,
            "display": str(account),
            "url": account.get_absolute_url(),
        }
    ]
    too_short = api_client.get("/api/v1/search/", {"q": "K"})
    assert too_short.status_code == 400
    assert too_short.json()["errors"][0]["field"] == "q"


def test_an_account_is_not_found_through_a_delivery_point_out_of_reach(client, make_user):
    account = AccountFactory(name="Kühlhaus Nord")
    point = DeliveryPointFactory(account=account)
    client.force_login(make_user("customers.read_account", "access.read_user"))
    page = client.get(reverse("search"), {"q": point.malo_id}).content.decode()
    assert 'id="no-results"' in page
