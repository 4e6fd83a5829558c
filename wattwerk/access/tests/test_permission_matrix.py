"""What the generic permission suite (declared with each record type's RecordTypeSuite) relies
on, and the bugs it found, kept as tests of their own."""

import pytest

from wattwerk.core.testing_rights import DEPTHS

from ..models import Depth
from .factories import UserFactory, role_with


def test_the_suite_knows_the_depths():
    assert DEPTHS == {
        "none": Depth.NONE,
        "own": Depth.OWN,
        "department": Depth.DEPARTMENT,
        "tree": Depth.DEPARTMENT_TREE,
        "organisation": Depth.ORGANISATION,
    }


@pytest.mark.django_db
def test_a_user_is_found_by_the_name_the_list_shows(client, make_user):
    reader = make_user("access.view_user")
    colleague = UserFactory(first_name="Erika", last_name="Mustermann")
    UserFactory(first_name="Erika", last_name="Schulze")
    client.force_login(reader)
    page = client.get("/users/", {"q": str(colleague)}).content.decode()
    assert f'href="{colleague.get_absolute_url()}"' in page
    assert "Schulze" not in page


@pytest.mark.django_db
def test_one_cannot_delete_ones_own_user_account(client, api_client):
    me = UserFactory()
    me.roles.add(role_with(("access.read_user", Depth.OWN), ("access.delete_user", Depth.OWN)))
    client.force_login(me)
    response = client.post(f"/users/{me.pk}/delete/", follow=True)
    assert "Das eigene Benutzerkonto kann man nicht selbst löschen." in response.content.decode()
    api_client.force_authenticate(me)
    answer = api_client.delete(f"/api/v1/users/{me.pk}/")
    assert answer.status_code == 409
    assert "eigene Benutzerkonto" in answer.json()["detail"]
    me.refresh_from_db()


@pytest.mark.django_db
def test_a_team_one_creates_with_oneself_as_member_is_ones_own(api_client):
    me = UserFactory()
    me.roles.add(
        role_with(
            ("access.create_team", Depth.OWN),
            ("access.read_department", Depth.ORGANISATION),
            ("access.read_user", Depth.ORGANISATION),
        )
    )
    api_client.force_authenticate(me)

    response = api_client.post(
        "/api/v1/teams/",
        {"name": "Angebotsteam", "department": me.department_id, "members": [me.pk]},
        format="json",
    )

    assert response.status_code == 201, response.json()


@pytest.mark.django_db
def test_writing_needs_reading_too(client, api_client):
    """Write without read would show the record in the edit form and in the PATCH answer."""
    me = UserFactory()
    me.roles.add(role_with(("access.write_role", Depth.ORGANISATION)))
    role = role_with(name="Kreditmanagement")
    client.force_login(me)
    assert client.get(f"/roles/{role.pk}/edit/").status_code == 404
    api_client.force_authenticate(me)
    assert api_client.patch(f"/api/v1/roles/{role.pk}/", {"name": "X"}).status_code == 404
    role.refresh_from_db()
    assert role.name == "Kreditmanagement"
