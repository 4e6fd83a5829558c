"""The role matrix: the operation that sets a role's privileges, its page and its API."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token

from wattwerk.access import operations
from wattwerk.access.models import Department, Depth, Privilege, RolePrivilege, Team, User
from wattwerk.core.models import ObjectChange
from wattwerk.core.registry import registry
from wattwerk.core.testing import count_queries, history

from .factories import RoleFactory, UserFactory, role_with

pytestmark = pytest.mark.django_db

ROLE_ADMIN = ["access.read_role", "access.write_role"]
ROLE_READER = ["access.read_role"]


def ct(model) -> int:
    return ContentType.objects.get_for_model(model).pk


def cells_of(role) -> dict[tuple[int, str], int]:
    return {
        (row.content_type_id, row.privilege): row.depth
        for row in RolePrivilege.objects.filter(role=role)
    }


def roleprivilege_writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM) "access_roleprivilege"', query["sql"])
    ]


@pytest.fixture
def role():
    return role_with(
        ("access.read_department", Depth.DEPARTMENT),
        ("access.write_department", Depth.OWN),
        ("access.read_team", Depth.ORGANISATION),
        name="Vertrieb",
    )


# --- the operation -------------------------------------------------------------------------


def test_writes_only_the_changed_cells_and_logs_one_event_with_old_and_new(role, now):
    acting_user = UserFactory(permissions=ROLE_ADMIN)
    depths = {
        (ct(Department), "read"): Depth.ORGANISATION,  # changed
        (ct(Department), "write"): Depth.OWN,  # as it was
        (ct(User), "read"): Depth.DEPARTMENT,  # new
        (ct(Team), "read"): Depth.NONE,  # removed
        (ct(User), "delete"): Depth.NONE,  # no row, stays none
    }

    with CaptureQueriesContext(connection) as queries:
        changes = operations.set_role_privileges(
            role=role, depths=depths, acting_user=acting_user, now=now
        )

    assert changes == {
        (ct(Department), "read"): (Depth.DEPARTMENT, Depth.ORGANISATION),
        (ct(User), "read"): (Depth.NONE, Depth.DEPARTMENT),
        (ct(Team), "read"): (Depth.ORGANISATION, Depth.NONE),
    }
    assert len(roleprivilege_writes(queries.captured_queries)) == 3
    assert cells_of(role) == {
        (ct(Department), "read"): Depth.ORGANISATION,
        (ct(Department), "write"): Depth.OWN,
        (ct(User), "read"): Depth.DEPARTMENT,
    }
    [entry] = history(role)
    assert (entry.kind, entry.event, entry.user) == (
        ObjectChange.Kind.EVENT,
        "privileges_changed",
        acting_user,
    )
    assert entry.message == "3 Rechte der Rolle geändert"
    assert entry.data == {
        "Abteilungen · Lesen": "eigene Abteilung → ganze Organisation",
        "Benutzer · Lesen": "keine → eigene Abteilung",
        "Teams · Lesen": "ganze Organisation → keine",
    }


def test_nothing_changed_writes_nothing_and_logs_nothing(role, now):
    acting_user = UserFactory(permissions=ROLE_ADMIN)

    with CaptureQueriesContext(connection) as queries:
        changes = operations.set_role_privileges(
            role=role,
            depths={(ct(Department), "read"): Depth.DEPARTMENT, (ct(User), "share"): Depth.NONE},
            acting_user=acting_user,
            now=now,
        )

    assert changes == {}
    assert roleprivilege_writes(queries.captured_queries) == []
    assert history(role) == []


def test_the_history_is_written_in_german_whatever_the_users_language(role, now):
    with translation.override("en"):
        operations.set_role_privileges(
            role=role,
            depths={(ct(Department), "read"): Depth.NONE},
            acting_user=UserFactory(permissions=ROLE_ADMIN),
            now=now,
        )

    assert history(role)[-1].data == {"Abteilungen · Lesen": "eigene Abteilung → keine"}


@pytest.mark.parametrize(
    ("cell", "depth", "message"),
    [
        (
            ("department", "read"),
            7,
            "Abteilungen · Lesen: „7“ ist keine gültige Tiefe (0 keine bis 4 ganze Organisation).",
        ),
        (("department", "read"), "viel", "Abteilungen · Lesen: „viel“ ist keine gültige Tiefe"),
        (("department", "write"), True, "Abteilungen · Schreiben: „True“ ist keine gültige"),
        (("department", "approve"), Depth.OWN, "Abteilungen · approve: kein bekanntes Recht."),
        (("contenttype", "read"), Depth.OWN, "Datensatztyp {id} · Lesen: kein bekannter"),
        ((999_999, "read"), Depth.OWN, "Datensatztyp 999999 · Lesen: kein bekannter"),
    ],
)
def test_a_bad_cell_is_refused_by_name_and_nothing_is_written(role, now, cell, depth, message):
    models = {"department": Department, "contenttype": ContentType}
    record_type, privilege = cell
    content_type_id = ct(models[record_type]) if record_type in models else record_type
    before = cells_of(role)

    with pytest.raises(ValidationError) as raised:
        operations.set_role_privileges(
            role=role,
            depths={
                (ct(User), "read"): Depth.ORGANISATION,  # valid, but must not be saved either
                (content_type_id, privilege): depth,
            },
            acting_user=UserFactory(permissions=ROLE_ADMIN),
            now=now,
        )

    [error] = raised.value.messages
    assert error.startswith(message.format(id=content_type_id))
    [item] = raised.value.error_list
    assert (item.params["content_type_id"], item.params["privilege"]) == (
        content_type_id,
        privilege,
    )
    assert cells_of(role) == before
    assert history(role) == []


def test_without_write_on_the_role_nothing_is_written(role, now):
    before = cells_of(role)

    for permissions in (ROLE_READER, []):
        with pytest.raises(PermissionDenied):
            operations.set_role_privileges(
                role=role,
                depths={(ct(Department), "read"): Depth.ORGANISATION},
                acting_user=UserFactory(permissions=permissions),
                now=now,
            )

    assert cells_of(role) == before
    assert history(role) == []


def test_the_acting_user_holding_the_role_sees_the_change_at_once(now):
    role = role_with(*((name, Depth.ORGANISATION) for name in ROLE_ADMIN))
    acting_user = UserFactory()
    acting_user.roles.add(role)
    assert not Department.objects.restrict(acting_user, "read").exists()
    Department.objects.create(name="Vertrieb", code="vertrieb")

    operations.set_role_privileges(
        role=role,
        depths={(ct(Department), "read"): Depth.ORGANISATION},
        acting_user=acting_user,
        now=now,
    )

    assert Department.objects.restrict(acting_user, "read").exists()


# --- the page ------------------------------------------------------------------------------


def matrix_url(role) -> str:
    return reverse("roles_privileges", args=[role.pk])


def select_of(body: str, content_type_id: int, privilege: str) -> str:
    match = re.search(
        rf'<select[^>]*name="cell-{content_type_id}-{privilege}"[^>]*>.*?</select>', body, re.S
    )
    assert match, f"no select for cell {content_type_id}-{privilege}"
    return match[0]


def selected_value(select: str) -> str:
    [value] = re.findall(r'<option value="(\d)" selected>', select)
    return value


def test_role_page_has_the_tab(client, role):
    client.force_login(UserFactory(permissions=ROLE_READER))

    body = client.get(role.get_absolute_url()).content.decode()

    assert f'hx-get="{matrix_url(role)}" id="tab-privileges">Rechte</a>' in body


def test_matrix_shows_every_record_type_and_privilege_with_the_current_depth(client, role):
    client.force_login(UserFactory(permissions=ROLE_ADMIN))

    response = client.get(matrix_url(role))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="tab-privileges">' in body
    assert re.search(r'class="nav-link active"[^>]*id="tab-privileges"', body)
    for record_type in registry:
        assert f'<th scope="row" class="fw-normal">{record_type.verbose_name_plural}</th>' in (body)
    assert body.count("<select ") == len(list(registry)) * len(Privilege.values)
    assert selected_value(select_of(body, ct(Department), "read")) == str(Depth.DEPARTMENT)
    assert selected_value(select_of(body, ct(Department), "write")) == str(Depth.OWN)
    assert selected_value(select_of(body, ct(User), "read")) == str(Depth.NONE)  # no row
    assert "ganze Organisation" in select_of(body, ct(User), "read")
    assert " disabled" not in select_of(body, ct(User), "read")
    assert ">Speichern</button>" in body


def test_matrix_is_read_only_without_write_on_the_role(client, role):
    client.force_login(UserFactory(permissions=ROLE_READER))

    body = client.get(matrix_url(role)).content.decode()

    assert body.count("<select ") == len(list(registry)) * len(Privilege.values)
    assert body.count(" disabled>") == body.count("<select ")
    assert ">Speichern</button>" not in body
    assert 'id="matrix-read-only"' in body


def test_matrix_tab_for_htmx_is_the_fragment(client, role):
    client.force_login(UserFactory(permissions=ROLE_READER))

    response = client.get(matrix_url(role), headers={"HX-Request": "true", "HX-Target": "tab"})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="tab" data-tab="privileges">')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_matrix_out_of_reach_is_404(client, role):
    client.force_login(UserFactory(permissions=["access.read_department"]))

    assert client.get(matrix_url(role)).status_code == 404
    response = client.post(matrix_url(role), {f"cell-{ct(Department)}-read": "4"})
    assert response.status_code == 404
    assert cells_of(role)[(ct(Department), "read")] == Depth.DEPARTMENT


def test_saving_without_write_on_the_role_is_403(client, role):
    client.force_login(UserFactory(permissions=ROLE_READER))

    response = client.post(matrix_url(role), {f"cell-{ct(Department)}-read": "4"})

    assert response.status_code == 403
    assert cells_of(role)[(ct(Department), "read")] == Depth.DEPARTMENT
    assert history(role) == []


def test_saving_redirects_to_the_matrix_with_a_message_and_logs_the_change(client, role):
    user = UserFactory(permissions=ROLE_ADMIN)
    client.force_login(user)
    data = {
        f"cell-{row.content_type_id}-{privilege}": str(
            cells_of(role).get((row.content_type_id, privilege), 0)
        )
        for row in operations.matrix_rows()
        for privilege in Privilege.values
    }
    data[f"cell-{ct(Department)}-read"] = "4"
    data[f"cell-{ct(Team)}-read"] = "0"

    response = client.post(matrix_url(role), data)

    assert response.status_code == 302
    assert response["Location"] == matrix_url(role)
    page = client.get(response["Location"]).content.decode()
    assert "Rechte der Rolle „Vertrieb“ wurden gespeichert." in page
    assert selected_value(select_of(page, ct(Department), "read")) == "4"
    assert cells_of(role) == {
        (ct(Department), "read"): Depth.ORGANISATION,
        (ct(Department), "write"): Depth.OWN,
    }
    [entry] = history(role)
    assert entry.user == user
    assert entry.data == {
        "Abteilungen · Lesen": "eigene Abteilung → ganze Organisation",
        "Teams · Lesen": "ganze Organisation → keine",
    }
    history_page = client.get(reverse("roles_history", args=[role.pk])).content.decode()
    assert "eigene Abteilung → ganze Organisation" in history_page


def test_saving_without_changes_says_so(client, role):
    client.force_login(UserFactory(permissions=ROLE_ADMIN))

    response = client.post(matrix_url(role), {f"cell-{ct(Department)}-read": "2"}, follow=True)

    assert "An den Rechten der Rolle „Vertrieb“ hat sich nichts geändert." in (
        response.content.decode()
    )
    assert history(role) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cell-{department}-read", "9", "Abteilungen · Lesen: „9“ ist keine gültige Tiefe"),
        ("cell-{department}-read", "alles", "Abteilungen · Lesen: „alles“ ist keine gültige"),
        ("cell-{department}-approve", "1", "Abteilungen · approve: kein bekanntes Recht."),
        ("cell-999999-read", "1", "Datensatztyp 999999 · Lesen: kein bekannter Datensatztyp."),
    ],
)
def test_a_bad_value_is_422_naming_the_cell_and_saves_nothing(client, role, field, value, message):
    client.force_login(UserFactory(permissions=ROLE_ADMIN))
    bad_field = field.format(department=ct(Department))
    before = cells_of(role)

    response = client.post(matrix_url(role), {f"cell-{ct(User)}-read": "3", bad_field: value})

    body = response.content.decode()
    assert response.status_code == 422
    assert message in body
    assert cells_of(role) == before
    assert history(role) == []
    # The valid cell keeps what was sent; a bad cell that is on the page is marked.
    assert selected_value(select_of(body, ct(User), "read")) == "3"
    if bad_field == f"cell-{ct(Department)}-read":
        assert "is-invalid" in select_of(body, ct(Department), "read")
        assert selected_value(select_of(body, ct(Department), "read")) == "2"


def test_matrix_query_count_is_fixed(client, monkeypatch):
    client.force_login(UserFactory(permissions=ROLE_READER))
    empty = RoleFactory()
    full = RoleFactory()
    for row in operations.matrix_rows():
        for privilege in Privilege.values:
            RolePrivilege.objects.create(
                role=full,
                content_type_id=row.content_type_id,
                privilege=privilege,
                depth=Depth.ORGANISATION,
            )
    client.get(matrix_url(empty))  # content types and session warmed up

    with_every_type = count_queries(lambda: client.get(matrix_url(empty)))
    with_every_cell = count_queries(lambda: client.get(matrix_url(full)))
    for slug in [record_type.slug for record_type in registry][1:]:
        monkeypatch.delitem(registry._by_slug, slug)
    with_one_type = count_queries(lambda: client.get(matrix_url(full)))

    assert with_every_type == with_every_cell == with_one_type


# --- the API -------------------------------------------------------------------------------


def api_login(api_client, permissions):
    user = UserFactory(permissions=permissions)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return user


def api_path(role) -> str:
    return f"/api/v1/roles/{role.pk}/privileges/"


def test_api_get_lists_every_cell(api_client, role):
    api_login(api_client, ROLE_READER)

    response = api_client.get(api_path(role))

    assert response.status_code == 200
    assert response["ETag"]
    cells = response.json()
    assert len(cells) == len(list(registry)) * len(Privilege.values)
    assert {"record_type": "departments", "privilege": "read", "depth": 2} in cells
    assert {"record_type": "departments", "privilege": "write", "depth": 1} in cells
    assert {"record_type": "users", "privilege": "read", "depth": 0} in cells


def test_api_put_sets_the_cells_it_names(api_client, role):
    user = api_login(api_client, ROLE_ADMIN)

    response = api_client.put(
        api_path(role),
        [
            {"record_type": "departments", "privilege": "read", "depth": 4},
            {"record_type": "users", "privilege": "create", "depth": 1},
        ],
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert {"record_type": "users", "privilege": "create", "depth": 1} in response.json()
    assert response["ETag"] == api_client.get(api_path(role))["ETag"]
    assert cells_of(role) == {
        (ct(Department), "read"): Depth.ORGANISATION,
        (ct(Department), "write"): Depth.OWN,
        (ct(Team), "read"): Depth.ORGANISATION,
        (ct(User), "create"): Depth.OWN,
    }
    [entry] = history(role)
    assert entry.user == user
    assert entry.data == {
        "Abteilungen · Lesen": "eigene Abteilung → ganze Organisation",
        "Benutzer · Anlegen": "keine → eigene Datensätze",
    }


@pytest.mark.parametrize(
    ("entries", "field"),
    [
        ([{"record_type": "departments", "privilege": "read", "depth": 7}], "0.depth"),
        (
            [
                {"record_type": "users", "privilege": "read", "depth": 1},
                {"record_type": "contracts", "privilege": "read", "depth": 1},
            ],
            "1.record_type",
        ),
        ([{"record_type": "users", "privilege": "approve", "depth": 1}], "0.privilege"),
        (
            [
                {"record_type": "users", "privilege": "read", "depth": 1},
                {"record_type": "users", "privilege": "read", "depth": 2},
            ],
            "1.privilege",
        ),
        ({"record_type": "users", "privilege": "read", "depth": 1}, None),
    ],
)
def test_api_put_bad_entry_is_400_naming_it(api_client, role, entries, field):
    api_login(api_client, ROLE_ADMIN)
    before = cells_of(role)

    response = api_client.put(api_path(role), entries, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert cells_of(role) == before
    assert history(role) == []


def test_api_put_without_write_is_403(api_client, role):
    api_login(api_client, ROLE_READER)
    before = cells_of(role)

    response = api_client.put(
        api_path(role),
        [{"record_type": "departments", "privilege": "read", "depth": 4}],
        format="json",
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert cells_of(role) == before


def test_api_out_of_reach_is_404(api_client, role):
    api_login(api_client, ["access.read_department"])
    before = cells_of(role)

    assert api_client.get(api_path(role)).status_code == 404
    response = api_client.put(
        api_path(role),
        [{"record_type": "departments", "privilege": "read", "depth": 4}],
        format="json",
    )
    assert response.status_code == 404
    assert cells_of(role) == before


def test_api_put_with_stale_etag_is_412(api_client, role):
    api_login(api_client, ROLE_ADMIN)
    etag = api_client.get(api_path(role))["ETag"]
    entry = [{"record_type": "departments", "privilege": "read", "depth": 4}]
    api_client.put(api_path(role), entry, format="json", headers={"If-Match": etag})

    response = api_client.put(
        api_path(role),
        [{"record_type": "departments", "privilege": "read", "depth": 1}],
        format="json",
        headers={"If-Match": etag},
    )

    assert response.status_code == 412
    assert cells_of(role)[(ct(Department), "read")] == Depth.ORGANISATION


def test_api_schema_documents_the_matrix(api_client):
    api_login(api_client, [])

    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()

    operations_ = schema["paths"]["/api/v1/roles/{id}/privileges/"]
    assert set(operations_) >= {"get", "put"}
    assert operations_["put"]["requestBody"]["content"]["application/json"]["schema"]["type"] == (
        "array"
    )
