"""Lists count at most COUNT_LIMIT rows past the page shown (core.pagination): exact below,
"mehr als …" above, in the list page and the API alike."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token

from wattwerk.core import pagination
from wattwerk.customers.models import Account

from .factories import AccountFactory
from .test_records import RELATED

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit_of_30(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 30)


def test_count_is_exact_up_to_the_limit_and_a_lower_bound_beyond(limit_of_30):
    AccountFactory.create_batch(80)
    accounts = Account.objects.all()
    assert pagination.bounded_count(accounts.filter(pk__lt=0)) == (0, True)
    assert pagination.bounded_count(accounts) == (31, False)  # 31 exist at least
    assert pagination.bounded_count(accounts, start=25) == (56, False)
    assert pagination.bounded_count(accounts, start=50) == (80, True)
    assert pagination.bounded_count(accounts, start=400) == (80, True)  # past the end: all
    assert pagination.bounded_count(accounts, start=2**64) == (80, True)  # no SQL OFFSET takes it


def test_the_count_reads_no_more_than_the_limit_and_drops_the_sort():
    with CaptureQueriesContext(connection) as queries:
        pagination.bounded_count(Account.objects.order_by("name"), start=50)
    sql = queries.captured_queries[0]["sql"]
    assert "LIMIT 1001" in sql
    assert "OFFSET 50" in sql
    assert "ORDER BY" not in sql


def test_list_says_more_than_and_keeps_every_page_reachable(client, make_user, limit_of_30):
    AccountFactory.create_batch(80, city="Lindenau")
    client.force_login(make_user("customers.read_account", *RELATED))
    first = client.get(reverse("accounts_list"), {"city": "Lindenau", "sort": "name"})
    assert "mehr als 30 Datensätze" in first.content.decode()
    table = first.context["table"]
    assert table.paginator.num_pages == 2
    assert table.page.has_next()
    third = client.get(reverse("accounts_list"), {"city": "Lindenau", "page": 3})
    assert third.context["table"].paginator.exact  # the rest counted from page 3 on
    assert 'id="result-count">80 Datensätze' in third.content.decode()
    assert third.context["table"].paginator.num_pages == 4
    assert len(third.context["table"].page.object_list) == 25
    beyond = client.get(reverse("accounts_list"), {"page": 9})
    assert beyond.context["table"].page.number == 4  # the last page instead
    assert len(beyond.context["table"].page.object_list) == 5
    far = client.get(reverse("accounts_list"), {"page": 10**20})
    assert far.context["table"].page.number == 4
    for before in (0, -5):
        first_again = client.get(reverse("accounts_list"), {"page": before})
        assert first_again.context["table"].page.number == 1
        assert len(first_again.context["table"].page.object_list) == 25
    none = client.get(reverse("accounts_list"), {"q": "nirgends"})
    assert "0 Datensätze" in none.content.decode()


def test_the_count_reads_in_german_with_thousands_separated():
    paginator = SimpleNamespace(exact=False, count=1001, more_than=1000)
    with translation.override("de"):
        text = render_to_string(
            "core/_result_count.html", {"table": SimpleNamespace(paginator=paginator)}
        )
        exact = SimpleNamespace(exact=True, count=1, more_than=0)
        one = render_to_string(
            "core/_result_count.html", {"table": SimpleNamespace(paginator=exact)}
        )
    assert text.strip() == "mehr als 1.000 Datensätze"
    assert one.strip() == "1 Datensatz"
    with translation.override("en"):
        english = render_to_string(
            "core/_result_count.html", {"table": SimpleNamespace(paginator=paginator)}
        )
    assert english.strip() == "more than 1,000 records"


def test_api_count_says_whether_it_is_exact(api_client, make_user, limit_of_30):
    AccountFactory.create_batch(80)
    user = make_user("customers.read_account")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    first = api_client.get("/api/v1/accounts/", {"limit": 10}).json()
    assert (first["count"], first["count_exact"]) == (31, False)
    assert "offset=10" in first["next"]
    assert len(first["results"]) == 10
    later = api_client.get("/api/v1/accounts/", {"limit": 10, "offset": 60}).json()
    assert (later["count"], later["count_exact"]) == (80, True)
    assert "offset=70" in later["next"]
    far = api_client.get("/api/v1/accounts/", {"offset": 2**64}).json()
    assert (far["count"], far["results"]) == (80, [])
    last = api_client.get("/api/v1/accounts/", {"limit": 10, "offset": 70}).json()
    assert last["next"] is None
    assert len(last["results"]) == 10


def test_rows_per_page_asked_for_are_bounded(client, make_user):
    AccountFactory.create_batch(3)
    client.force_login(make_user("customers.read_account", *RELATED))
    for asked, shown in (("2", 2), ("abc", 25), ("0", 25), ("-3", 25), ("100000", 500)):
        page = client.get(reverse("accounts_list"), {"per_page": asked})
        assert page.status_code == 200
        assert page.context["table"].paginator.per_page == shown
