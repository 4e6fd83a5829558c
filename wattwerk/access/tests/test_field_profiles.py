"""Field security profiles: the record type, the operation that sets a profile's field rights,
the tab "Felder" and its API."""

import itertools
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
from wattwerk.access.models import Department, FieldPermission
from wattwerk.core.models import ObjectChange
from wattwerk.core.querysets import field_rights
from wattwerk.core.registry import registry
from wattwerk.core.testing import Position, RecordTypeSuite, count_queries, history
from wattwerk.core.tests.sample.models import Note

from .factories import FieldSecurityProfileFactory, TeamFactory, UserFactory, profile_with

pytestmark = pytest.mark.django_db

PROFILE_ADMIN = ["access.read_fieldsecurityprofile", "access.write_fieldsecurityprofile"]
PROFILE_READER = ["access.read_fieldsecurityprofile"]
# More secured fields of the sample note than it declares, to have several rows.
SEVERAL = ("rating", "amount", "due_date", "title")

_numbers = itertools.count(1)


class TestFieldSecurityProfileRecords(RecordTypeSuite):
    slug = "field-profiles"
    factory = FieldSecurityProfileFactory
    api_path = "/api/v1/field-profiles/"
    change_field = "name"
    change_value = "Kreditmanagement Nord"
    bad_field = ("name", "")
    related_permissions = ("access.read_user", "access.read_team")

    def valid_form_data(self):
        return {"name": "Preisbildung", "description": "Preis- und Kalkulationsfelder"}

    def new_record_data(self, position, user, *, api):
        if position != Position.ORGANISATION:
            return None  # organisation data: no owner, no department
        return {"name": f"Neues Profil {next(_numbers)}"}

    def valid_api_data(self):
        return {"name": "Preisbildung"}

    def grow_related(self, record, n):
        super().grow_related(record, n)
        record.users.add(*UserFactory.create_batch(n))
        record.teams.add(*TeamFactory.create_batch(n))


def ct(model) -> int:
    return ContentType.objects.get_for_model(model).pk


def access_of(profile) -> dict[tuple[int, str], tuple[bool, bool]]:
    return {
        (row.content_type_id, row.field_name): (row.can_read, row.can_write)
        for row in FieldPermission.objects.filter(profile=profile)
    }


def fieldpermission_writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM) "access_fieldpermission"', query["sql"])
    ]


@pytest.fixture(autouse=True)
def only_notes_are_secured(monkeypatch):
    """The tab lists the secured fields of every record type; here only the sample's count, so
    the figures below do not change when an app secures fields of its own."""
    for record_type in registry:
        if record_type.model is not Note and getattr(record_type.model, "secured_fields", ()):
            monkeypatch.setattr(record_type.model, "secured_fields", ())
        if getattr(record_type.model, "secured_parts", ()):
            monkeypatch.setattr(record_type.model, "secured_parts", ())


@pytest.fixture
def several_secured_fields(monkeypatch):
    monkeypatch.setattr(Note, "secured_fields", SEVERAL)


@pytest.fixture
def profile():
    return profile_with(Note, "rating", name="Kreditmanagement")


# --- the operation -------------------------------------------------------------------------


@pytest.mark.usefixtures("several_secured_fields")
def test_writes_only_the_changed_rows_and_logs_one_event_with_old_and_new(now):
    profile = profile_with(Note, "rating", "due_date", name="Kreditmanagement")
    FieldPermission.objects.create(
        profile=profile, content_type_id=ct(Note), field_name="amount", can_write=True
    )
    acting_user = UserFactory(permissions=PROFILE_ADMIN)
    access = {
        (ct(Note), "rating"): "write",  # changed
        (ct(Note), "amount"): "write",  # as it was
        (ct(Note), "due_date"): "none",  # removed
        (ct(Note), "title"): "read",  # new
    }

    with CaptureQueriesContext(connection) as queries:
        changes = operations.set_profile_fields(
            profile=profile, access=access, acting_user=acting_user, now=now
        )

    assert changes == {
        (ct(Note), "rating"): ("read", "write"),
        (ct(Note), "due_date"): ("read", "none"),
        (ct(Note), "title"): ("none", "read"),
    }
    assert len(fieldpermission_writes(queries.captured_queries)) == 3
    assert access_of(profile) == {
        (ct(Note), "rating"): (True, True),
        (ct(Note), "amount"): (True, True),
        (ct(Note), "title"): (True, False),
    }
    [entry] = history(profile)
    assert (entry.kind, entry.event, entry.user, entry.changed_at) == (
        ObjectChange.Kind.EVENT,
        "field_permissions_changed",
        acting_user,
        now,
    )
    assert entry.message == "3 Feldrechte des Profils geändert"
    assert entry.data == {
        "Notizen · Bonitätsnote": "lesen → lesen und schreiben",
        "Notizen · fällig am": "lesen → kein Zugriff",
        "Notizen · Titel": "kein Zugriff → lesen",
    }


def test_nothing_changed_writes_nothing_and_logs_nothing(profile, now):
    with CaptureQueriesContext(connection) as queries:
        changes = operations.set_profile_fields(
            profile=profile,
            access={(ct(Note), "rating"): "read"},
            acting_user=UserFactory(permissions=PROFILE_ADMIN),
            now=now,
        )

    assert changes == {}
    assert fieldpermission_writes(queries.captured_queries) == []
    assert history(profile) == []


def test_one_change_is_logged_in_the_singular_and_in_german_whatever_the_language(profile, now):
    with translation.override("en"):
        operations.set_profile_fields(
            profile=profile,
            access={(ct(Note), "rating"): "none"},
            acting_user=UserFactory(permissions=PROFILE_ADMIN),
            now=now,
        )

    [entry] = history(profile)
    assert entry.message == "1 Feldrecht des Profils geändert"
    assert entry.data == {"Notizen · Bonitätsnote": "lesen → kein Zugriff"}
    assert access_of(profile) == {}


@pytest.mark.parametrize(
    ("row", "value", "message", "code"),
    [
        (
            ("note", "rating"),
            "alles",
            "Notizen · Bonitätsnote: „alles“ ist kein gültiger Zugriff (none kein Zugriff, "
            "read lesen, write lesen und schreiben).",
            "invalid_access",
        ),
        (("note", "rating"), None, "Notizen · Bonitätsnote: „None“ ist kein", "invalid_access"),
        (("note", "rating"), "READ", "Notizen · Bonitätsnote: „READ“ ist kein", "invalid_access"),
        (("note", "title"), "read", "Notizen · Titel: kein feldgesichertes Feld.", "unknown_field"),
        (("note", "gibts_nicht"), "read", "Notizen · gibts_nicht: kein", "unknown_field"),
        (
            ("department", "name"),
            "read",
            "Abteilungen · Name: kein feldgesichertes Feld.",
            "unknown_field",
        ),
        (
            ("contenttype", "model"),
            "read",
            "Datensatztyp {id} · model: kein bekannter Datensatztyp.",
            "unknown_record_type",
        ),
        (
            (999_999, "rating"),
            "read",
            "Datensatztyp 999999 · rating: kein bekannter Datensatztyp.",
            "unknown_record_type",
        ),
    ],
)
def test_a_bad_row_is_refused_by_name_and_nothing_is_written(
    profile, now, row, value, message, code
):
    models = {"note": Note, "department": Department, "contenttype": ContentType}
    record_type, field_name = row
    content_type_id = ct(models[record_type]) if record_type in models else record_type
    bad = (content_type_id, field_name)
    access = {bad: value}
    if bad != (ct(Note), "rating"):
        access[(ct(Note), "rating")] = "write"  # valid, but must not be saved either
    before = access_of(profile)

    with pytest.raises(ValidationError) as raised:
        operations.set_profile_fields(
            profile=profile,
            access=access,
            acting_user=UserFactory(permissions=PROFILE_ADMIN),
            now=now,
        )

    [error] = raised.value.messages
    assert error.startswith(message.format(id=content_type_id))
    [item] = raised.value.error_list
    assert item.code == code
    assert (item.params["content_type_id"], item.params["field_name"]) == bad
    assert access_of(profile) == before
    assert history(profile) == []


def test_every_bad_row_is_named_at_once(profile, now):
    with pytest.raises(ValidationError) as raised:
        operations.set_profile_fields(
            profile=profile,
            access={(ct(Note), "rating"): "alles", (ct(Note), "title"): "read"},
            acting_user=UserFactory(permissions=PROFILE_ADMIN),
            now=now,
        )

    assert [message.split(":")[0] for message in raised.value.messages] == [
        "Notizen · Bonitätsnote",
        "Notizen · Titel",
    ]


def test_without_write_on_the_profile_nothing_is_written(profile, now):
    before = access_of(profile)

    for permissions in (PROFILE_READER, []):
        with pytest.raises(PermissionDenied):
            operations.set_profile_fields(
                profile=profile,
                access={(ct(Note), "rating"): "write"},
                acting_user=UserFactory(permissions=permissions),
                now=now,
            )

    assert access_of(profile) == before
    assert history(profile) == []


def test_without_write_reach_even_a_bad_row_is_refused_as_permission_denied(profile, now):
    with pytest.raises(PermissionDenied):
        operations.set_profile_fields(
            profile=profile,
            access={(999_999, "rating"): "alles"},
            acting_user=UserFactory(permissions=PROFILE_READER),
            now=now,
        )


def test_the_system_may_set_field_rights_without_an_acting_user(profile, now):
    operations.set_profile_fields(
        profile=profile, access={(ct(Note), "rating"): "write"}, acting_user=None, now=now
    )

    assert access_of(profile) == {(ct(Note), "rating"): (True, True)}
    [entry] = history(profile)
    assert (entry.user, entry.data) == (
        None,
        {"Notizen · Bonitätsnote": "lesen → lesen und schreiben"},
    )


def test_a_holder_reads_and_then_writes_the_secured_field_at_once(now):
    acting_user = UserFactory(permissions=PROFILE_ADMIN)
    profile = FieldSecurityProfileFactory(users=[acting_user])
    assert field_rights(acting_user, Note).hidden == {"rating"}  # kept on the user object

    operations.set_profile_fields(
        profile=profile, access={(ct(Note), "rating"): "read"}, acting_user=acting_user, now=now
    )
    rights = field_rights(acting_user, Note)
    assert (rights.may_read("rating"), rights.may_write("rating")) == (True, False)

    operations.set_profile_fields(
        profile=profile, access={(ct(Note), "rating"): "write"}, acting_user=acting_user, now=now
    )
    rights = field_rights(acting_user, Note)
    assert (rights.may_read("rating"), rights.may_write("rating")) == (True, True)

    operations.set_profile_fields(
        profile=profile, access={(ct(Note), "rating"): "none"}, acting_user=acting_user, now=now
    )
    assert field_rights(acting_user, Note).hidden == {"rating"}


def test_a_team_holding_the_profile_gives_its_members_the_field(now):
    member = UserFactory()
    profile = FieldSecurityProfileFactory(teams=[TeamFactory(members=[member])])

    operations.set_profile_fields(
        profile=profile,
        access={(ct(Note), "rating"): "write"},
        acting_user=UserFactory(permissions=PROFILE_ADMIN),
        now=now,
    )

    rights = field_rights(member, Note)
    assert (rights.may_read("rating"), rights.may_write("rating")) == (True, True)
    assert field_rights(UserFactory(), Note).hidden == {"rating"}  # not a holder


# --- the page ------------------------------------------------------------------------------


def fields_url(profile) -> str:
    return reverse("field-profiles_fields", args=[profile.pk])


def select_of(body: str, content_type_id: int, field_name: str) -> str:
    match = re.search(
        rf'<select[^>]*name="field-{content_type_id}-{field_name}"[^>]*>.*?</select>', body, re.S
    )
    assert match, f"no select for field {content_type_id}-{field_name}"
    return match[0]


def selected_value(select: str) -> str:
    [value] = re.findall(r'<option value="(\w+)" selected>', select)
    return value


def test_profile_page_has_the_tab(client, profile):
    client.force_login(UserFactory(permissions=PROFILE_READER))

    body = client.get(profile.get_absolute_url()).content.decode()

    assert f'hx-get="{fields_url(profile)}" id="tab-fields">Felder</a>' in body


def test_the_tab_shows_each_secured_field_grouped_by_record_type(client, profile):
    client.force_login(UserFactory(permissions=PROFILE_ADMIN))

    response = client.get(fields_url(profile))

    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'class="nav-link active"[^>]*id="tab-fields"', body)
    assert '<th scope="rowgroup" colspan="2">Notizen</th>' in body
    assert '<th scope="row" class="fw-normal">Bonitätsnote</th>' in body
    assert body.count("<select ") == 1
    select = select_of(body, ct(Note), "rating")
    assert 'aria-label="Notizen · Bonitätsnote"' in select
    assert re.findall(r">([^<]+)</option>", select) == [
        "kein Zugriff",
        "lesen",
        "lesen und schreiben",
    ]
    assert selected_value(select) == "read"
    assert " disabled" not in select
    assert ">Speichern</button>" in body


@pytest.mark.usefixtures("several_secured_fields")
def test_a_field_without_a_row_shows_kein_zugriff(client, profile):
    client.force_login(UserFactory(permissions=PROFILE_ADMIN))

    body = client.get(fields_url(profile)).content.decode()

    assert body.count("<select ") == len(SEVERAL)
    assert selected_value(select_of(body, ct(Note), "rating")) == "read"
    assert selected_value(select_of(body, ct(Note), "title")) == "none"
    assert '<th scope="row" class="fw-normal">fällig am</th>' in body


def test_the_tab_is_read_only_without_write_on_the_profile(client, profile):
    client.force_login(UserFactory(permissions=PROFILE_READER))

    body = client.get(fields_url(profile)).content.decode()

    assert body.count("<select ") == 1
    assert body.count(" disabled>") == 1
    assert ">Speichern</button>" not in body
    assert 'id="fields-read-only"' in body


def test_the_tab_for_htmx_is_the_fragment(client, profile):
    client.force_login(UserFactory(permissions=PROFILE_READER))

    response = client.get(fields_url(profile), headers={"HX-Request": "true", "HX-Target": "tab"})

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="tab" data-tab="fields">')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_without_secured_fields_anywhere_the_tab_says_so(client, profile, monkeypatch):
    monkeypatch.setattr(Note, "secured_fields", ())
    client.force_login(UserFactory(permissions=PROFILE_ADMIN))

    body = client.get(fields_url(profile)).content.decode()

    assert 'id="no-secured-fields"' in body
    assert "Kein Datensatztyp hat bisher feldgesicherte Felder" in body
    assert "<select " not in body
    assert ">Speichern</button>" not in body


def test_the_tab_out_of_reach_is_404(client, profile):
    client.force_login(UserFactory(permissions=["access.read_department"]))

    assert client.get(fields_url(profile)).status_code == 404
    response = client.post(fields_url(profile), {f"field-{ct(Note)}-rating": "write"})
    assert response.status_code == 404
    assert access_of(profile) == {(ct(Note), "rating"): (True, False)}


def test_saving_without_write_on_the_profile_is_403(client, profile):
    client.force_login(UserFactory(permissions=PROFILE_READER))

    response = client.post(fields_url(profile), {f"field-{ct(Note)}-rating": "write"})

    assert response.status_code == 403
    assert access_of(profile) == {(ct(Note), "rating"): (True, False)}
    assert history(profile) == []


def test_saving_redirects_to_the_tab_with_a_message_and_logs_the_change(client, profile):
    user = UserFactory(permissions=PROFILE_ADMIN)
    client.force_login(user)

    response = client.post(fields_url(profile), {f"field-{ct(Note)}-rating": "write"})

    assert response.status_code == 302
    assert response["Location"] == fields_url(profile)
    page = client.get(response["Location"]).content.decode()
    assert "Die Feldrechte des Profils „Kreditmanagement“ wurden gespeichert." in page
    assert selected_value(select_of(page, ct(Note), "rating")) == "write"
    assert access_of(profile) == {(ct(Note), "rating"): (True, True)}
    [entry] = history(profile)
    assert entry.user == user
    assert entry.data == {"Notizen · Bonitätsnote": "lesen → lesen und schreiben"}
    history_page = client.get(reverse("field-profiles_history", args=[profile.pk]))
    assert "lesen → lesen und schreiben" in history_page.content.decode()


def test_saving_without_changes_says_so(client, profile):
    client.force_login(UserFactory(permissions=PROFILE_ADMIN))

    response = client.post(fields_url(profile), {f"field-{ct(Note)}-rating": "read"}, follow=True)

    assert "An den Feldrechten des Profils „Kreditmanagement“ hat sich nichts geändert." in (
        response.content.decode()
    )
    assert history(profile) == []


@pytest.mark.usefixtures("several_secured_fields")
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("field-{note}-rating", "alles", "Notizen · Bonitätsnote: „alles“ ist kein gültiger"),
        ("field-{note}-rating", "", "Notizen · Bonitätsnote: „“ ist kein gültiger Zugriff"),
        ("field-{note}-owner", "read", "Notizen · verantwortlich: kein feldgesichertes Feld."),
        ("field-999999-rating", "read", "Datensatztyp 999999 · rating: kein bekannter"),
    ],
)
def test_a_bad_value_is_422_naming_the_row_and_saves_nothing(
    client, profile, field, value, message
):
    client.force_login(UserFactory(permissions=PROFILE_ADMIN))
    bad_field = field.format(note=ct(Note))

    response = client.post(
        fields_url(profile), {f"field-{ct(Note)}-title": "write", bad_field: value}
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert message in body
    assert 'id="field-errors"' in body
    assert access_of(profile) == {(ct(Note), "rating"): (True, False)}
    assert history(profile) == []
    # The valid row keeps what was sent; a bad row that is on the page is marked.
    assert selected_value(select_of(body, ct(Note), "title")) == "write"
    if bad_field == f"field-{ct(Note)}-rating":
        assert "is-invalid" in select_of(body, ct(Note), "rating")
        assert selected_value(select_of(body, ct(Note), "rating")) == "read"
    assert "is-invalid" not in select_of(body, ct(Note), "title")


def test_the_tab_query_count_does_not_grow_with_the_rows(client, monkeypatch):
    client.force_login(UserFactory(permissions=PROFILE_READER))
    empty = FieldSecurityProfileFactory()
    one = profile_with(Note, "rating", write=True)
    full = profile_with(Note, *SEVERAL, write=True)
    client.get(fields_url(empty))  # content types and session warmed up

    with_one_field = count_queries(lambda: client.get(fields_url(one)))
    monkeypatch.setattr(Note, "secured_fields", SEVERAL)
    with_no_row = count_queries(lambda: client.get(fields_url(empty)))
    with_every_row = count_queries(lambda: client.get(fields_url(full)))

    assert with_one_field == with_no_row == with_every_row


# --- the API -------------------------------------------------------------------------------


def api_login(api_client, permissions):
    user = UserFactory(permissions=permissions)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return user


def api_path(profile) -> str:
    return f"/api/v1/field-profiles/{profile.pk}/fields/"


def test_api_lists_holders(api_client, profile):
    api_login(api_client, [*PROFILE_READER, "access.read_user", "access.read_team"])
    holder, team = UserFactory(), TeamFactory()
    profile.users.add(holder)
    profile.teams.add(team)

    response = api_client.get(f"/api/v1/field-profiles/{profile.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": profile.pk,
        "display": "Kreditmanagement",
        "name": "Kreditmanagement",
        "description": "",
        "users": [holder.pk],
        "teams": [team.pk],
    }


@pytest.mark.usefixtures("several_secured_fields")
def test_api_get_lists_every_secured_field(api_client, profile):
    api_login(api_client, PROFILE_READER)

    response = api_client.get(api_path(profile))

    assert response.status_code == 200
    assert response["ETag"]
    assert response.json() == [
        {"record_type": "notes", "field": "rating", "access": "read"},
        {"record_type": "notes", "field": "amount", "access": "none"},
        {"record_type": "notes", "field": "due_date", "access": "none"},
        {"record_type": "notes", "field": "title", "access": "none"},
    ]


@pytest.mark.usefixtures("several_secured_fields")
def test_api_put_sets_the_rows_it_names(api_client, profile):
    user = api_login(api_client, PROFILE_ADMIN)

    response = api_client.put(
        api_path(profile),
        [
            {"record_type": "notes", "field": "rating", "access": "write"},
            {"record_type": "notes", "field": "amount", "access": "read"},
        ],
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert {"record_type": "notes", "field": "amount", "access": "read"} in response.json()
    assert response["ETag"] == api_client.get(api_path(profile))["ETag"]
    assert access_of(profile) == {
        (ct(Note), "rating"): (True, True),
        (ct(Note), "amount"): (True, False),
    }
    [entry] = history(profile)
    assert entry.user == user
    assert entry.data == {
        "Notizen · Bonitätsnote": "lesen → lesen und schreiben",
        "Notizen · Betrag": "kein Zugriff → lesen",
    }


@pytest.mark.parametrize(
    ("entries", "field"),
    [
        ([{"record_type": "notes", "field": "rating", "access": "alles"}], "0.access"),
        (
            [
                {"record_type": "notes", "field": "rating", "access": "write"},
                {"record_type": "contracts", "field": "rating", "access": "read"},
            ],
            "1.record_type",
        ),
        (
            [
                {"record_type": "notes", "field": "rating", "access": "write"},
                {"record_type": "notes", "field": "title", "access": "read"},
            ],
            "1.field",
        ),
        ([{"record_type": "departments", "field": "name", "access": "read"}], "0.field"),
        ([{"record_type": "notes", "field": "", "access": "read"}], "0.field"),
        (
            [
                {"record_type": "notes", "field": "rating", "access": "read"},
                {"record_type": "notes", "field": "rating", "access": "write"},
            ],
            "1.field",
        ),
        ({"record_type": "notes", "field": "rating", "access": "write"}, None),
    ],
)
def test_api_put_bad_entry_is_400_naming_it(api_client, profile, entries, field):
    api_login(api_client, PROFILE_ADMIN)
    before = access_of(profile)

    response = api_client.put(api_path(profile), entries, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert access_of(profile) == before
    assert history(profile) == []


def test_api_put_of_an_unsecured_field_says_which(api_client, profile):
    api_login(api_client, PROFILE_ADMIN)

    response = api_client.put(
        api_path(profile),
        [{"record_type": "notes", "field": "title", "access": "read"}],
        format="json",
    )

    [error] = response.json()["errors"]
    assert error == {
        "field": "0.field",
        "message": "Notizen · Titel: kein feldgesichertes Feld.",
        "code": "unknown_field",
    }


def test_api_put_without_write_is_403(api_client, profile):
    api_login(api_client, PROFILE_READER)

    response = api_client.put(
        api_path(profile),
        [{"record_type": "notes", "field": "rating", "access": "write"}],
        format="json",
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert access_of(profile) == {(ct(Note), "rating"): (True, False)}


def test_api_out_of_reach_is_404(api_client, profile):
    api_login(api_client, ["access.read_department"])

    assert api_client.get(api_path(profile)).status_code == 404
    response = api_client.put(
        api_path(profile),
        [{"record_type": "notes", "field": "rating", "access": "write"}],
        format="json",
    )
    assert response.status_code == 404
    assert access_of(profile) == {(ct(Note), "rating"): (True, False)}


def test_api_put_with_stale_etag_is_412(api_client, profile):
    api_login(api_client, PROFILE_ADMIN)
    etag = api_client.get(api_path(profile))["ETag"]
    entry = [{"record_type": "notes", "field": "rating", "access": "write"}]
    first = api_client.put(api_path(profile), entry, format="json", headers={"If-Match": etag})
    assert first.status_code == 200

    response = api_client.put(
        api_path(profile),
        [{"record_type": "notes", "field": "rating", "access": "none"}],
        format="json",
        headers={"If-Match": etag},
    )

    assert response.status_code == 412
    assert access_of(profile) == {(ct(Note), "rating"): (True, True)}
    assert len(history(profile)) == 1


def test_the_holder_reads_the_field_through_the_api_once_granted(api_client, profile, now):
    holder = UserFactory(permissions=["sample.read_note"])
    profile.users.add(holder)
    note = Note.objects.create(title="Bonität prüfen", owner=holder, rating="B+")
    api_login(api_client, PROFILE_ADMIN)
    api_client.put(
        api_path(profile),
        [{"record_type": "notes", "field": "rating", "access": "none"}],
        format="json",
    )
    # A token, not force_authenticate: each request loads the user afresh, as in production.
    token = Token.objects.create(user=holder)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert "rating" not in api_client.get(f"/api/v1/notes/{note.pk}/").json()

    operations.set_profile_fields(
        profile=profile, access={(ct(Note), "rating"): "read"}, acting_user=None, now=now
    )

    assert api_client.get(f"/api/v1/notes/{note.pk}/").json()["rating"] == "B+"


def test_api_schema_documents_the_field_rights(api_client):
    api_login(api_client, [])

    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()

    operations_ = schema["paths"]["/api/v1/field-profiles/{id}/fields/"]
    assert set(operations_) >= {"get", "put"}
    body = operations_["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    assert "/api/v1/field-profiles/" in schema["paths"]
