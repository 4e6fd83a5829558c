"""A contact's position and department at each account: the tab "Firmen und Funktionen" and
the API, with history, rights and clear errors."""

import pytest
from django.urls import reverse

from wattwerk.access.models import Depth
from wattwerk.access.tests.factories import UserFactory, role_with
from wattwerk.core.forms import picked_label
from wattwerk.core.testing import count_queries, history
from wattwerk.customers.models import AccountContact

from .factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

EDITOR = ("customers.read_account", "customers.read_contact", "customers.write_contact")


@pytest.fixture
def editor(make_user):
    return make_user(*EDITOR, "access.read_user")


def test_link_change_and_remove_a_position_in_the_tab(client, editor):
    contact, account = ContactFactory(), AccountFactory(name="Brauerei Hopfen")
    client.force_login(editor)
    url = reverse("contacts_accounts", args=[contact.pk])
    assert 'id="position-form"' in client.get(url).content.decode()

    answer = client.post(url, {"account": picked_label(account), "position": "Geschäftsführerin"})
    assert answer.status_code == 200
    assert "Geschäftsführerin" in answer.content.decode()
    assert client.get(url, {"edit": "x"}).status_code == 404
    edit = client.get(url, {"edit": account.pk}).content.decode()
    assert 'name="editing"' in edit
    answer = client.post(
        url, {"editing": account.pk, "position": "Prokuristin", "department": "Einkauf"}
    )
    assert answer.status_code == 200
    link = AccountContact.objects.get(contact=contact)
    assert (link.account, link.position, link.department) == (account, "Prokuristin", "Einkauf")
    events = [entry.event for entry in history(contact) if entry.is_event]
    assert events == ["account_linked", "position_changed"]

    remove = reverse("contacts_account_remove", args=[contact.pk, account.pk])
    assert client.post(remove).status_code == 200
    assert not AccountContact.objects.filter(contact=contact).exists()
    assert history(contact)[-1].event == "account_unlinked"


def test_a_bad_position_is_refused_with_the_field_named(client, editor):
    contact, account = ContactFactory(), AccountFactory()
    client.force_login(editor)
    url = reverse("contacts_accounts", args=[contact.pk])
    answer = client.post(url, {"account": picked_label(account), "position": "x" * 101})
    assert answer.status_code == 422
    assert 'data-field="position"' in answer.content.decode()
    answer = client.post(url, {"position": "Einkauf"})
    assert answer.status_code == 422
    assert 'data-field="account"' in answer.content.decode()
    assert not AccountContact.objects.exists()


def test_readers_see_no_form_and_no_names_of_accounts_they_may_not_read(client):
    """Neither the tab nor the record page names an account the reader may not read."""
    owner = UserFactory()
    reader = UserFactory()
    reader.roles.add(
        role_with(
            ("customers.read_contact", Depth.ORGANISATION), ("customers.read_account", Depth.OWN)
        )
    )
    contact = ContactFactory(owner=owner)
    secret = AccountFactory(name="Geheime Firma", owner=owner)
    mine = AccountFactory(name="Eigene Firma", owner=reader)
    for account in (secret, mine):
        AccountContact.objects.create(contact=contact, account=account, position="Einkauf")
    client.force_login(reader)
    url = reverse("contacts_accounts", args=[contact.pk])
    page = client.get(url).content.decode()
    assert "position-form" not in page
    assert "Eigene Firma" in page
    assert "Geheime Firma" not in page
    assert "(ohne Leserecht)" in page
    assert client.post(url, {"account": picked_label(mine)}).status_code == 403
    # the record page, too, names only the accounts the reader may read
    overview = client.get(contact.get_absolute_url()).content.decode()
    assert "Eigene Firma" in overview
    assert "Geheime Firma" not in overview
    assert "1 ohne Leserecht" in overview


def test_the_tab_runs_a_fixed_number_of_queries(client, editor):
    contact = ContactFactory()
    client.force_login(editor)
    url = reverse("contacts_accounts", args=[contact.pk])
    AccountContact.objects.create(contact=contact, account=AccountFactory())
    few = count_queries(lambda: client.get(url))
    for _ in range(5):
        AccountContact.objects.create(contact=contact, account=AccountFactory())
    assert count_queries(lambda: client.get(url)) == few


def test_positions_through_the_api(api_client, editor):
    contact, account = ContactFactory(), AccountFactory()
    api_client.force_authenticate(editor)
    url = f"/api/v1/contacts/{contact.pk}/positions/"
    answer = api_client.post(
        url,
        {"account": account.pk, "position": "Energieeinkauf", "department": "Einkauf"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["positions"] == [
        {"account": account.pk, "position": "Energieeinkauf", "department": "Einkauf"}
    ]
    assert api_client.get(f"/api/v1/contacts/{contact.pk}/").json()["accounts"] == [account.pk]

    too_long = api_client.post(url, {"account": account.pk, "position": "x" * 101}, format="json")
    assert too_long.status_code == 400
    assert [error["field"] for error in too_long.json()["errors"]] == ["position"]
    hidden = AccountFactory(owner=UserFactory())
    stranger = UserFactory()
    stranger.roles.add(
        role_with(
            *((name, Depth.ORGANISATION) for name in EDITOR[1:]),
            ("customers.read_account", Depth.OWN),
        )
    )
    api_client.force_authenticate(stranger)
    refused = api_client.post(url, {"account": hidden.pk}, format="json")
    assert refused.status_code == 400
    assert [error["field"] for error in refused.json()["errors"]] == ["account"]

    api_client.force_authenticate(editor)
    assert api_client.delete(f"{url}{account.pk}/").status_code == 204
    assert not AccountContact.objects.exists()
    assert api_client.delete(f"{url}{account.pk}/").status_code == 404
