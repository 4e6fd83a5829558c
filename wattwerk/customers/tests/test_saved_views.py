"""Lists: choosing columns and saving named views (filters, search, sort, columns) per user."""

import pytest
from django.urls import reverse

from wattwerk.core.models import SavedView

from .factories import AccountFactory
from .test_records import RELATED

pytestmark = pytest.mark.django_db


def test_columns_can_be_chosen_and_the_first_always_shows(client, make_user):
    AccountFactory(name="Glaswerk Klarsicht", city="Lindenau")
    client.force_login(make_user("customers.read_account", *RELATED))
    url = reverse("accounts_list")
    full = client.get(url).content.decode()
    assert "Lindenau" in full
    narrow = client.get(url, {"columns": ["legal_form"]}).content.decode()
    assert "Lindenau" not in narrow  # the city column is not chosen
    assert "Glaswerk Klarsicht" in narrow  # the name links to the record: always shown
    assert 'value="city" id="column-city"' in narrow
    none = client.get(url, {"columns_chosen": "1"}).content.decode()
    assert "Lindenau" not in none  # every box unticked: only the first column
    assert "Glaswerk Klarsicht" in none


def test_a_saved_view_is_the_users_own_and_brings_back_the_list(client, make_user):
    AccountFactory(name="Glaswerk Klarsicht", city="Lindenau")
    AccountFactory(name="Brauerei Hopfen", city="Musterstadt")
    owner = make_user("customers.read_account", *RELATED)
    client.force_login(owner)
    query = "q=Lindenau&sort=name&columns=name&columns=city"
    answer = client.post(
        reverse("saved_view_save", args=["accounts"]), {"name": "Lindenau", "query": query}
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"/accounts/?{query}")
    view = SavedView.objects.get(user=owner)
    page = client.get(reverse("accounts_list")).content.decode()
    assert f'data-view="{view.pk}"' in page
    applied = client.get(f"{reverse('accounts_list')}?{view.query}").content.decode()
    assert "Glaswerk Klarsicht" in applied
    assert "Brauerei Hopfen" not in applied

    client.force_login(make_user("customers.read_account", *RELATED))
    assert f'data-view="{view.pk}"' not in client.get(reverse("accounts_list")).content.decode()
    client.post(reverse("saved_view_delete", args=["accounts", view.pk]))
    assert SavedView.objects.filter(pk=view.pk).exists()  # not theirs to delete
    client.force_login(owner)
    client.post(reverse("saved_view_delete", args=["accounts", view.pk]))
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_a_view_needs_a_name_and_a_known_record_type(client, make_user):
    client.force_login(make_user("customers.read_account", *RELATED))
    client.post(reverse("saved_view_save", args=["accounts"]), {"name": " ", "query": "q=x"})
    assert not SavedView.objects.exists()
    unknown = client.post(reverse("saved_view_save", args=["raketen"]), {"name": "x"})
    assert unknown.status_code == 404
