"""Field-level security beyond the generic suite: operations, events, teams, checks."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from wattwerk.access.models import FieldPermission
from wattwerk.access.tests.factories import TeamFactory, UserFactory, profile_with
from wattwerk.core import changelog, operations
from wattwerk.core.checks import secured_fields_exist
from wattwerk.core.querysets import field_rights
from wattwerk.core.tests.sample.models import Note

pytestmark = pytest.mark.django_db

SECRET = "BONI-B-4711"


def reader(**fields):
    return UserFactory(
        permissions=["sample.read_note", "sample.write_note", "sample.create_note"], **fields
    )


def test_without_a_profile_the_field_is_hidden_and_read_only():
    rights = field_rights(reader(), Note)
    assert rights.hidden == rights.read_only == {"rating"}
    assert not rights.may_read("rating")
    assert rights.may_read("title")


def test_the_system_and_administrators_are_not_limited():
    admin = UserFactory(is_superuser=True)
    assert field_rights(None, Note).hidden == field_rights(admin, Note).read_only == set()


def test_a_profile_held_through_a_team_counts(now):
    user = reader()
    team = TeamFactory(members=[user])
    profile_with(Note, "rating", write=True, teams=[team])
    rights = field_rights(user, Note)
    assert (rights.hidden, rights.read_only) == (set(), set())


def test_an_operation_refuses_a_secured_value_without_write(now):
    user = reader()
    profile_with(Note, "rating", users=[user])  # read only
    note = Note(title="Bonität prüfen", owner=user, rating=SECRET)
    with pytest.raises(ValidationError) as refused:
        operations.create_record(instance=note, acting_user=user, now=now, many_to_many={})
    assert "rating" in refused.value.message_dict
    assert "Bonitätsnote" in refused.value.message_dict["rating"][0]
    assert not Note.objects.exists()
    # the system itself may (imports, the demo loader)
    operations.create_record(
        instance=Note(title="Bonität prüfen", owner=user, rating=SECRET), acting_user=None, now=now
    )
    stored = Note.objects.get()
    stored.rating = "BONI-C"
    with pytest.raises(ValidationError):
        operations.update_record(instance=stored, acting_user=user, now=now)
    stored.refresh_from_db()
    assert stored.rating == SECRET


def test_event_data_under_a_secured_name_is_not_shown(client, now):
    user = reader()
    note = Note.objects.create(title="Rating geändert", owner=user)
    changelog.log_event(
        instance=note,
        event="rating_received",
        message="Bonitätsauskunft eingegangen",
        data={"rating": SECRET, "source": "Auskunftei"},
        acting_user=None,
        now=now,
    )
    client.force_login(user)
    page = client.get(reverse("notes_history", args=[note.pk])).content.decode()
    assert "Bonitätsauskunft eingegangen" in page
    assert "Auskunftei" in page
    assert SECRET not in page
    profile_with(Note, "rating", users=[user])
    page = client.get(reverse("notes_history", args=[note.pk])).content.decode()
    assert SECRET in page


def test_the_detail_page_says_the_field_is_hidden(client):
    user = reader()
    note = Note.objects.create(title="Bonität", owner=user, rating=SECRET)
    client.force_login(user)
    page = client.get(reverse("notes_detail", args=[note.pk])).content.decode()
    assert "verborgen (Feldsicherheit)" in page
    assert SECRET not in page


def test_a_field_permission_names_a_secured_field_of_its_record_type():
    profile = profile_with(Note, "rating")
    permission = FieldPermission(profile=profile, content_type=profile.fields.get().content_type)
    permission.field_name = "title"
    with pytest.raises(ValidationError) as error:
        permission.full_clean()
    assert "title" in str(error.value.message_dict["field_name"])
    permission.field_name, permission.can_read, permission.can_write = "rating", False, True
    with pytest.raises(ValidationError):
        permission.full_clean()


def test_the_system_check_catches_a_misspelt_secured_field(monkeypatch):
    assert secured_fields_exist() == []
    monkeypatch.setattr(Note, "secured_fields", ("ratign",), raising=False)
    [error] = secured_fields_exist()
    assert error.id == "wattwerk.E002"
    assert "ratign" in error.msg


def test_the_access_tab_explains_field_security(client, api_client):
    user = reader()
    note = Note.objects.create(title="Bonität", owner=user, rating=SECRET)
    client.force_login(user)
    api_client.force_authenticate(user)
    url = reverse("notes_access", args=[note.pk])
    assert "verborgen" in client.get(url).content.decode()

    profile_with(Note, "rating", users=[user], name="Bonität lesen")
    page = client.get(url).content.decode()
    assert "nur lesen" in page
    assert "Feldsicherheitsprofil „Bonität lesen“" in page
    reasons = api_client.get(f"/api/v1/notes/{note.pk}/access/").json()
    [field_reason] = [r for r in reasons if r["source"] == "field_profile"]
    assert (field_reason["field"], field_reason["action"]) == ("rating", "read")
