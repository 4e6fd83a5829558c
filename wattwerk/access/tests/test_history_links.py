"""Many-to-many links (a user's roles, a team's members and roles) in the history (Verlauf).

Whether set through the generic operations, the edit form or the API, a changed set of links is
one history entry that holds the old and new ids and the names linked; an unchanged set writes
nothing, and the hash chain stays intact.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from wattwerk.access.models import Team, User
from wattwerk.core import operations
from wattwerk.core.models import HistoryChainHead, ObjectChange
from wattwerk.core.testing import history

from .factories import DepartmentFactory, RoleFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

USER_EDITOR_RIGHTS = (
    "access.read_user",
    "access.write_user",
    "access.read_role",
    "access.read_department",
)
TEAM_EDITOR_RIGHTS = (
    "access.read_team",
    "access.create_team",
    "access.write_team",
    "access.read_user",
    "access.read_role",
    "access.read_department",
)


@pytest.fixture
def department():
    return DepartmentFactory(name="Vertrieb", code="vertrieb")


@pytest.fixture
def roles():
    """Three roles, created in alphabetical order so that id order is name order."""
    return (
        RoleFactory(name="Einkauf"),
        RoleFactory(name="Kreditmanagement"),
        RoleFactory(name="Vertrieb"),
    )


@pytest.fixture
def people(department):
    return (
        UserFactory(
            username="albers", first_name="Anna", last_name="Albers", department=department
        ),
        UserFactory(
            username="berger", first_name="Bernd", last_name="Berger", department=department
        ),
        UserFactory(
            username="conrad", first_name="Clara", last_name="Conrad", department=department
        ),
    )


@pytest.fixture
def user_editor(make_user, department):
    return make_user(*USER_EDITOR_RIGHTS, department=department)


@pytest.fixture
def team_editor(make_user, department):
    return make_user(*TEAM_EDITOR_RIGHTS, department=department)


def ids(*records) -> list[int]:
    return [record.pk for record in records]


def last_sequence() -> int:
    head = HistoryChainHead.objects.first()
    return head.last_sequence if head else 0


def link_change(old: list, new: list) -> dict:
    """What the history holds for a changed set of links: ids (by id) and the names joined."""
    return {
        "old": ids(*old),
        "new": ids(*new),
        "old_label": ", ".join(str(record) for record in old),
        "new_label": ", ".join(str(record) for record in new),
    }


def history_row(label: str, old: str, new: str) -> str:
    return (
        f'<tr><td>{label}</td><td class="history-old">{old}</td>'
        f'<td class="history-new">{new}</td></tr>'
    )


def assert_history_verifies() -> None:
    out = StringIO()
    call_command("verify_history", stdout=out)  # raises CommandError when the chain is broken
    count = ObjectChange.objects.count()
    assert out.getvalue() in {
        f"Verlauf unverändert: {count} Eintrag geprüft.\n",
        f"Verlauf unverändert: {count} Einträge geprüft.\n",
    }


def user_form_data(user: User, roles) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "department": user.department_id,
        "roles": ids(*roles),
        "is_active": "on",
    }


def team_form_data(team: Team, *, members, roles) -> dict:
    return {
        "name": team.name,
        "department": team.department_id,
        "members": ids(*members),
        "roles": ids(*roles),
        "description": team.description,
    }


# --- Generic operations ------------------------------------------------------------------------


def test_update_record_logs_roles_added_and_removed_with_ids_and_names(
    user_editor, people, roles, now
):
    # given
    anna, (einkauf, kredit, vertrieb) = people[0], roles
    anna.roles.set([einkauf, vertrieb])

    # when
    changes = operations.update_record(
        instance=anna, acting_user=user_editor, now=now, many_to_many={"roles": [vertrieb, kredit]}
    )

    # then
    expected = {"roles": link_change([einkauf, vertrieb], [kredit, vertrieb])}
    assert changes == expected
    [entry] = history(anna)
    assert (entry.kind, entry.user, entry.changes) == (
        ObjectChange.Kind.UPDATE,
        user_editor,
        expected,
    )
    assert set(anna.roles.all()) == {kredit, vertrieb}
    assert_history_verifies()


def test_create_record_logs_a_teams_first_members_and_roles(team_editor, department, people, now):
    # given
    anna, bernd, _ = people
    vertrieb = RoleFactory(name="Vertrieb")

    # when
    team = operations.create_record(
        instance=Team(name="Key Account Stadtwerke", department=department),
        acting_user=team_editor,
        now=now,
        many_to_many={"members": [bernd, anna], "roles": [vertrieb]},
    )

    # then
    [entry] = history(team)
    assert entry.kind == ObjectChange.Kind.CREATE
    assert entry.changes["members"] == {
        "old": None,
        "new": ids(anna, bernd),
        "old_label": "",
        "new_label": "Anna Albers, Bernd Berger",
    }
    assert entry.changes["roles"] == {
        "old": None,
        "new": [vertrieb.pk],
        "old_label": "",
        "new_label": "Vertrieb",
    }
    assert_history_verifies()


def test_update_record_logs_members_and_roles_of_a_team_in_one_entry(
    team_editor, department, people, roles, now
):
    # given
    anna, bernd, clara = people
    einkauf, kredit, _ = roles
    team = TeamFactory(name="Ausschreibungen", department=department, members=[anna, bernd])
    team.roles.set([einkauf])

    # when
    team.description = "Ausschreibungen öffentlicher Auftraggeber"
    operations.update_record(
        instance=team,
        acting_user=team_editor,
        now=now,
        many_to_many={"members": [clara, anna], "roles": [einkauf, kredit]},
    )

    # then
    [entry] = history(team)
    assert entry.changes == {
        "description": {"old": "", "new": "Ausschreibungen öffentlicher Auftraggeber"},
        "members": link_change([anna, bernd], [anna, clara]),
        "roles": link_change([einkauf], [einkauf, kredit]),
    }
    assert_history_verifies()


def test_removing_every_member_logs_the_empty_set(team_editor, department, people, now):
    # given
    anna, bernd, _ = people
    team = TeamFactory(name="Ausschreibungen", department=department, members=[anna, bernd])

    # when
    operations.update_record(
        instance=team, acting_user=team_editor, now=now, many_to_many={"members": []}
    )

    # then
    [entry] = history(team)
    assert entry.changes == {"members": link_change([anna, bernd], [])}
    assert_history_verifies()


def test_an_unchanged_set_of_links_writes_no_entry(team_editor, department, people, roles, now):
    # given
    anna, bernd, _ = people
    einkauf, kredit, _ = roles
    team = TeamFactory(name="Ausschreibungen", department=department, members=[anna, bernd])
    team.roles.set([einkauf, kredit])
    start = last_sequence()

    # when: the same links, named in another order
    changes = operations.update_record(
        instance=team,
        acting_user=team_editor,
        now=now,
        many_to_many={"members": [bernd, anna], "roles": [kredit, einkauf]},
    )

    # then
    assert changes == {}
    assert history(team) == []
    assert last_sequence() == start
    assert_history_verifies()


# --- Edit form and Verlauf page ----------------------------------------------------------------


def test_changing_a_users_roles_in_the_form_shows_them_old_and_new_in_the_history(
    client, user_editor, people, roles
):
    # given
    anna, (einkauf, kredit, vertrieb) = people[0], roles
    anna.roles.set([einkauf, vertrieb])
    client.force_login(user_editor)

    # when
    response = client.post(
        reverse("users_edit", args=[anna.pk]), user_form_data(anna, [kredit, vertrieb])
    )

    # then
    assert response.status_code == 302, response.content.decode()
    [entry] = history(anna)
    assert (entry.user, entry.changes) == (
        user_editor,
        {"roles": link_change([einkauf, vertrieb], [kredit, vertrieb])},
    )
    page = client.get(reverse("users_history", args=[anna.pk])).content.decode()
    assert history_row("Rollen", "Einkauf, Vertrieb", "Kreditmanagement, Vertrieb") in page
    assert_history_verifies()


def test_giving_a_user_a_first_role_in_the_form_shows_it_in_the_history(
    client, user_editor, people, roles
):
    # given
    anna, vertrieb = people[0], roles[2]
    client.force_login(user_editor)

    # when
    response = client.post(reverse("users_edit", args=[anna.pk]), user_form_data(anna, [vertrieb]))

    # then
    assert response.status_code == 302, response.content.decode()
    [entry] = history(anna)
    assert entry.changes == {"roles": link_change([], [vertrieb])}
    page = client.get(reverse("users_history", args=[anna.pk])).content.decode()
    assert history_row("Rollen", "–", "Vertrieb") in page
    assert_history_verifies()


def test_saving_a_users_form_with_the_same_roles_writes_no_entry(
    client, user_editor, people, roles
):
    # given
    anna, (einkauf, _, vertrieb) = people[0], roles
    anna.roles.set([einkauf, vertrieb])
    client.force_login(user_editor)
    start = last_sequence()

    # when
    response = client.post(
        reverse("users_edit", args=[anna.pk]), user_form_data(anna, [vertrieb, einkauf])
    )

    # then
    assert response.status_code == 302, response.content.decode()
    assert history(anna) == []
    assert last_sequence() == start
    page = client.get(reverse("users_history", args=[anna.pk])).content.decode()
    assert "Noch keine Einträge im Verlauf." in page


def test_changing_a_teams_members_and_roles_in_the_form_shows_both_in_the_history(
    client, team_editor, department, people, roles
):
    # given
    anna, bernd, clara = people
    einkauf, kredit, _ = roles
    team = TeamFactory(name="Ausschreibungen", department=department, members=[anna, bernd])
    team.roles.set([kredit])
    client.force_login(team_editor)

    # when
    response = client.post(
        reverse("teams_edit", args=[team.pk]),
        team_form_data(team, members=[bernd, clara], roles=[einkauf, kredit]),
    )

    # then
    assert response.status_code == 302, response.content.decode()
    [entry] = history(team)
    assert entry.changes == {
        "members": link_change([anna, bernd], [bernd, clara]),
        "roles": link_change([kredit], [einkauf, kredit]),
    }
    page = client.get(reverse("teams_history", args=[team.pk])).content.decode()
    assert (
        history_row("Mitglieder", "Anna Albers, Bernd Berger", "Bernd Berger, Clara Conrad") in page
    )
    assert history_row("Rollen", "Kreditmanagement", "Einkauf, Kreditmanagement") in page
    assert_history_verifies()


def test_removing_every_role_of_a_user_shows_an_empty_new_value_in_the_history(
    client, user_editor, people, roles
):
    # given
    anna, einkauf = people[0], roles[0]
    anna.roles.set([einkauf])
    client.force_login(user_editor)

    # when
    response = client.post(reverse("users_edit", args=[anna.pk]), user_form_data(anna, []))

    # then
    assert response.status_code == 302, response.content.decode()
    [entry] = history(anna)
    assert entry.changes == {"roles": link_change([einkauf], [])}
    page = client.get(reverse("users_history", args=[anna.pk])).content.decode()
    assert history_row("Rollen", "Einkauf", "–") in page
    assert_history_verifies()


def test_creating_a_team_without_members_shows_no_empty_brackets_in_the_history(
    client, team_editor, department
):
    # given
    client.force_login(team_editor)

    # when
    response = client.post(
        reverse("teams_add"),
        {"name": "Key Account Stadtwerke", "department": department.pk, "description": ""},
    )

    # then
    assert response.status_code == 302, response.content.decode()
    team = Team.objects.get(name="Key Account Stadtwerke")
    [entry] = history(team)
    assert entry.kind == ObjectChange.Kind.CREATE
    page = client.get(reverse("teams_history", args=[team.pk])).content.decode()
    assert history_row("Name", "–", "Key Account Stadtwerke") in page
    assert "[]" not in page


# --- API ---------------------------------------------------------------------------------------


def test_patching_a_users_roles_through_the_api_is_logged(api_client, user_editor, people, roles):
    # given
    anna, (einkauf, kredit, vertrieb) = people[0], roles
    anna.roles.set([einkauf])
    api_client.force_authenticate(user_editor)

    # when
    response = api_client.patch(
        f"/api/v1/users/{anna.pk}/", {"roles": ids(vertrieb, kredit)}, format="json"
    )

    # then
    assert response.status_code == 200, response.json()
    assert sorted(response.json()["roles"]) == ids(kredit, vertrieb)
    [entry] = history(anna)
    assert (entry.user, entry.changes) == (
        user_editor,
        {"roles": link_change([einkauf], [kredit, vertrieb])},
    )
    assert_history_verifies()


def test_patching_a_teams_members_and_roles_through_the_api_is_logged(
    api_client, team_editor, department, people, roles
):
    # given
    anna, bernd, clara = people
    einkauf, _, vertrieb = roles
    team = TeamFactory(name="Ausschreibungen", department=department, members=[anna])
    team.roles.set([einkauf, vertrieb])
    api_client.force_authenticate(team_editor)

    # when
    response = api_client.patch(
        f"/api/v1/teams/{team.pk}/",
        {"members": ids(clara, anna, bernd), "roles": ids(vertrieb)},
        format="json",
    )

    # then
    assert response.status_code == 200, response.json()
    [entry] = history(team)
    assert entry.changes == {
        "members": link_change([anna], [anna, bernd, clara]),
        "roles": link_change([einkauf, vertrieb], [vertrieb]),
    }
    assert_history_verifies()


def test_creating_a_team_through_the_api_logs_its_members(
    api_client, team_editor, department, people, roles
):
    # given
    anna, bernd, _ = people
    kredit = roles[1]
    api_client.force_authenticate(team_editor)

    # when
    response = api_client.post(
        "/api/v1/teams/",
        {
            "name": "Key Account Stadtwerke",
            "department": department.pk,
            "members": ids(bernd, anna),
            "roles": ids(kredit),
        },
        format="json",
    )

    # then
    assert response.status_code == 201, response.json()
    team = Team.objects.get(pk=response.json()["id"])
    [entry] = history(team)
    assert entry.kind == ObjectChange.Kind.CREATE
    assert entry.changes["members"]["new"] == ids(anna, bernd)
    assert entry.changes["members"]["new_label"] == "Anna Albers, Bernd Berger"
    assert entry.changes["roles"]["new"] == ids(kredit)
    assert entry.changes["roles"]["new_label"] == "Kreditmanagement"
    assert_history_verifies()


def test_patching_the_same_roles_through_the_api_writes_no_entry(
    api_client, user_editor, people, roles
):
    # given
    anna, (einkauf, kredit, _) = people[0], roles
    anna.roles.set([einkauf, kredit])
    api_client.force_authenticate(user_editor)
    start = last_sequence()

    # when
    response = api_client.patch(
        f"/api/v1/users/{anna.pk}/", {"roles": ids(kredit, einkauf)}, format="json"
    )

    # then
    assert response.status_code == 200, response.json()
    assert history(anna) == []
    assert last_sequence() == start
    assert_history_verifies()
