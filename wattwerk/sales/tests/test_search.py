"""Global search: accounts, contacts, leads, opportunities and delivery points by name, number,
MaLo-ID and city — restricted like every list, field security included."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wattwerk.core.testing import count_queries
from wattwerk.customers.tests.factories import AccountFactory, ContactFactory
from wattwerk.energy.identifiers import with_check_digit
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


def test_a_whole_malo_id_is_looked_up_exactly_and_only_where_malo_ids_are_kept(client, make_user):
    account = AccountFactory(name="Kältewerk Süd")
    point = DeliveryPointFactory(account=account)
    # The contact holds the digits, but contacts hold no MaLo-IDs.
    contact = ContactFactory(last_name=f"Zahlmann {point.malo_id}")
    client.force_login(make_user(*READ_ALL))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("search"), {"q": point.malo_id}).content.decode()
    assert f'href="{point.get_absolute_url()}"' in page
    assert f'href="{account.get_absolute_url()}"' in page
    assert f'href="{contact.get_absolute_url()}"' not in page
    searching = [q["sql"] for q in queries.captured_queries if point.malo_id in q["sql"]]
    # Delivery points and accounts, each asked first and then read; no other table is read.
    assert len(searching) == 4
    assert all("LIKE" not in sql.upper() for sql in searching)
    # A part of a MaLo-ID is still found as a part.
    part = client.get(reverse("search"), {"q": point.malo_id[3:9]}).content.decode()
    assert f'href="{point.get_absolute_url()}"' in part


def test_a_word_no_field_can_hold_is_not_searched_there(client, make_user):
    AccountFactory(name="Papierfabrik Weiß", postcode="01234")
    DeliveryPointFactory(name="Papierfabrik Halle 3")
    client.force_login(make_user(*READ_ALL))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("search"), {"q": "Papierfabrik"}).content.decode()
    assert "Papierfabrik Weiß" in page
    assert "Papierfabrik Halle 3" in page
    account_query = next(
        q["sql"] for q in queries.captured_queries if 'FROM "customers_account"' in q["sql"]
    ).split(" WHERE ", 1)[1]
    assert '"malo_id"' not in account_query  # letters: no MaLo-ID holds them
    assert '"postcode"' not in account_query  # twelve letters: no postcode holds them
    by_postcode = client.get(reverse("search"), {"q": "01234"}).content.decode()
    assert "Papierfabrik Weiß" in by_postcode


def test_a_number_like_a_malo_id_that_is_none_is_searched_everywhere(client, make_user):
    """No delivery point has it: then every record type is searched as for any word."""
    number = with_check_digit("4100012345")
    contact = ContactFactory(last_name=f"Zahlmann {number}")
    client.force_login(make_user(*READ_ALL))
    page = client.get(reverse("search"), {"q": number}).content.decode()
    assert f'href="{contact.get_absolute_url()}"' in page
    listed = client.get(reverse("contacts_list"), {"q": number}).content.decode()
    assert f'href="{contact.get_absolute_url()}"' in listed
