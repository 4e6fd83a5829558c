"""A contact's accounts are picked by typing, not chosen from a list of every account: each
chosen one a ticked chip, a picked suggestion added as one by the server."""

import pytest
from django.urls import reverse

from wattwerk.core.testing import count_queries
from wattwerk.customers.models import Contact

from .factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

SALES = [
    f"customers.{action}_{model}"
    for model in ("account", "contact")
    for action in ("read", "create", "write")
] + ["access.read_user"]


@pytest.fixture
def seller(client, make_user):
    user = make_user(*SALES)
    client.force_login(user)
    return user


def test_a_picked_suggestion_comes_back_as_a_ticked_chip(client, seller):
    account = AccountFactory(name="Kühlhaus Nord", legal_form="")
    AccountFactory(name="Zementwerk West", legal_form="")
    page = client.get(reverse("contacts_add")).content.decode()
    assert "<select" not in page.split('id="id_accounts-picks"')[1].split("</datalist>")[0]
    assert "Zementwerk West" not in page
    url = reverse("accounts_choices")
    options = client.get(url, {"add": "accounts", "into": "id_accounts", "accounts-search": "kühl"})
    assert options.content.decode().strip() == (
        f'<option value="Kühlhaus Nord · {account.pk}"></option>'
    )
    added = client.get(
        url,
        {"add": "accounts", "into": "id_accounts", "accounts-search": f"Kühlhaus · {account.pk}"},
    ).content.decode()
    assert 'hx-swap-oob="beforeend:#id_accounts-picks"' in added
    assert f'name="accounts" value="{account.pk}" checked' in added
    assert 'id="id_accounts" ' in added  # the typing field, empty again
    assert 'hx-swap-oob="true"' in added


def test_chips_save_and_an_unticked_one_is_removed(client, seller):
    first = AccountFactory(name="Kühlhaus Nord", legal_form="")
    second = AccountFactory(name="Brauerei Süd", legal_form="")
    data = {"last_name": "Kühn", "accounts": [first.pk], "accounts-search": f"x · {second.pk}"}
    answer = client.post(reverse("contacts_add"), data)
    assert answer.status_code == 302, answer.content.decode()
    contact = Contact.objects.get(last_name="Kühn")
    assert set(contact.accounts.all()) == {first, second}
    edit = client.get(reverse("contacts_edit", args=[contact.pk])).content.decode()
    assert f'value="{first.pk}" checked>Kühlhaus Nord' in edit
    assert f'value="{second.pk}" checked>Brauerei Süd' in edit
    data = {"last_name": "Kühn", "accounts": [second.pk], "owner": seller.pk}
    answer = client.post(reverse("contacts_edit", args=[contact.pk]), data)
    assert answer.status_code == 302, answer.content.decode()
    assert list(contact.accounts.all()) == [second]


def test_an_account_out_of_reach_is_neither_suggested_nor_added(client, make_user):
    account = AccountFactory(name="Kühlhaus Nord", legal_form="")
    ContactFactory()
    client.force_login(make_user("customers.read_contact"))  # may not read accounts
    url = reverse("accounts_choices")
    suggested = client.get(url, {"add": "accounts", "into": "id_accounts", "accounts-search": "k"})
    assert "Kühlhaus" not in suggested.content.decode()
    search = f"Kühlhaus Nord · {account.pk}"
    added = client.get(url, {"add": "accounts", "into": "id_accounts", "accounts-search": search})
    assert "Kühlhaus" not in added.content.decode()
    assert "beforeend" not in added.content.decode()


def test_digits_typed_are_searched_not_taken_for_an_id(client, seller):
    """A postcode or customer number typed finds records by it; only a chosen suggestion
    ("Name · id") adds a chip."""
    numbered = AccountFactory(name="Halle 4711", legal_form="")
    other = AccountFactory(name="Zementwerk West", legal_form="")
    url = reverse("accounts_choices")
    typed = {"add": "accounts", "into": "id_accounts", "accounts-search": str(other.pk)}
    answer = client.get(url, typed).content.decode()
    assert "beforeend" not in answer
    found = client.get(url, {**typed, "accounts-search": "4711"}).content.decode()
    assert f'<option value="Halle 4711 · {numbered.pk}">' in found


def test_a_number_typed_but_not_picked_is_no_record(client, seller):
    """A customer number typed into the field and saved is refused, not taken for an id."""
    account = AccountFactory(name="Kühlhaus Nord", legal_form="")
    url = reverse("accounts_add")
    page = client.post(url, {"name": "Halle 2", "parent": str(account.pk)}).content.decode()
    assert 'data-field="parent"' in page
    assert f'value="{account.pk}"' in page  # shown again as typed


def test_an_id_given_to_the_form_ticks_that_account_only(client, seller):
    first = AccountFactory(name="Kühlhaus Nord", legal_form="")
    page = client.get(reverse("contacts_add"), {"accounts": f"1{first.pk}"}).content.decode()
    assert "Kühlhaus Nord" not in page
    page = client.get(reverse("contacts_add"), {"accounts": str(first.pk)}).content.decode()
    assert f'value="{first.pk}" checked>Kühlhaus Nord' in page


def test_suggestions_take_the_same_queries_for_one_match_and_for_twenty(client, seller):
    url = reverse("accounts_choices")
    AccountFactory(name="Brauerei Einzeln", owner=seller)
    for number in range(25):
        AccountFactory(name=f"Gießerei {number}", owner=seller)

    def suggest(text):
        return count_queries(lambda: client.get(url, {"account": text}))

    suggest("Brauerei")  # caches warmed
    one = suggest("Brauerei")
    many = suggest("Gießerei")

    assert client.get(url, {"account": "Gießerei"}).content.decode().count("<option") == 20
    assert many == one


def test_a_refused_pick_marks_the_typing_field_invalid(client, make_user):
    out_of_reach = AccountFactory(name="Fremdfirma", legal_form="")
    contacts_only = [f"customers.{action}_contact" for action in ("read", "create", "write")]
    client.force_login(make_user(*contacts_only, "access.read_user"))  # may not read accounts
    data = {"last_name": "Kühn", "accounts": [out_of_reach.pk]}
    page = client.post(reverse("contacts_add"), data).content.decode()
    search = page.split('name="accounts-search"')[1].split(">")[0]
    assert 'aria-invalid="true"' in search
    assert 'aria-describedby="id_accounts_error"' in search  # the message says why
    assert '<div id="id_accounts_error">' in page
    assert not Contact.objects.filter(last_name="Kühn").exists()
    fine = client.get(reverse("contacts_add")).content.decode()
    assert "aria-invalid" not in fine.split('name="accounts-search"')[1].split(">")[0]
