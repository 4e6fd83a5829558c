"""Sharing one record with a user or team: operation, tab "Freigaben" and API."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wattwerk.access import sharing
from wattwerk.access.models import Depth, Share
from wattwerk.core.models import ObjectChange
from wattwerk.core.querysets import Action
from wattwerk.core.testing import history
from wattwerk.core.tests.sample.models import Note

from .factories import DepartmentFactory, TeamFactory, UserFactory, role_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    """Kreditmanagement: may read, write and share her own notes."""
    user = UserFactory(username="kredit", department=DepartmentFactory(code="kredit"))
    user.roles.add(
        role_with(
            ("sample.read_note", Depth.OWN),
            ("sample.write_note", Depth.OWN),
            ("sample.share_note", Depth.OWN),
            ("access.read_user", Depth.ORGANISATION),
            ("access.read_team", Depth.ORGANISATION),
        )
    )
    return user


@pytest.fixture
def colleague():
    """Vertrieb: no privilege on notes at all."""
    return UserFactory(username="vertrieb", department=DepartmentFactory(code="vertrieb"))


@pytest.fixture
def note(owner):
    return Note.objects.create(title="Bürgschaft prüfen", owner=owner)


def readable(user, note, action=Action.READ) -> bool:
    return Note.objects.restrict(user, action).filter(pk=note.pk).exists()


def test_a_share_gives_read_and_is_logged(owner, colleague, note, now):
    assert not readable(colleague, note)
    share = sharing.share_record(
        instance=note, acting_user=owner, now=now, user=colleague, access=Share.Access.READ
    )
    assert readable(colleague, note)
    assert not readable(colleague, note, Action.WRITE)
    [entry] = history(note)
    assert (entry.kind, entry.event) == (ObjectChange.Kind.EVENT, "record_shared")
    assert entry.data["recipient"] == str(colleague)
    assert "Lesen" in entry.message

    # Sharing again with the same person replaces the share; revoking ends it.
    sharing.share_record(
        instance=note,
        acting_user=owner,
        now=now,
        user=colleague,
        access=Share.Access.READ_WRITE,
        valid_until=now + timedelta(days=1),
    )
    assert Share.objects.get().access == Share.Access.READ_WRITE
    assert readable(colleague, note, Action.WRITE)
    sharing.revoke_share(share=Share.objects.get(), instance=note, acting_user=owner, now=now)
    assert not readable(colleague, note)
    assert [e.event for e in history(note)] == ["record_shared", "record_shared", "share_revoked"]
    assert share.pk is not None


def test_a_team_share_reaches_its_members(owner, colleague, note, now):
    team = TeamFactory(members=[colleague])
    sharing.share_record(
        instance=note, acting_user=owner, now=now, team=team, access=Share.Access.READ
    )
    assert readable(colleague, note)


def test_sharing_needs_the_share_privilege_and_write_for_read_write(owner, colleague, note, now):
    with pytest.raises(PermissionDenied):
        sharing.share_record(
            instance=note, acting_user=colleague, now=now, user=owner, access=Share.Access.READ
        )
    reader = UserFactory(permissions=["sample.read_note", "sample.share_note"])
    with pytest.raises(ValidationError) as refused:
        sharing.share_record(
            instance=note, acting_user=reader, now=now, user=colleague, access="read_write"
        )
    assert "access" in refused.value.message_dict
    assert not Share.objects.exists()
    assert history(note) == []


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({}, "user"),
        ({"access": "owner"}, "access"),
        ({"valid_until": "past"}, "valid_until"),
    ],
)
def test_bad_shares_name_the_field(owner, colleague, note, now, arguments, field):
    values = {"user": colleague, "access": Share.Access.READ, **arguments}
    if field == "user":
        values.pop("user")
    if arguments.get("valid_until") == "past":
        values["valid_until"] = now - timedelta(minutes=1)
    with pytest.raises(ValidationError) as refused:
        sharing.share_record(instance=note, acting_user=owner, now=now, **values)
    assert field in refused.value.message_dict
    assert not Share.objects.exists()


def test_the_tab_shares_and_revokes(client, owner, colleague, note):
    client.force_login(owner)
    url = reverse("notes_shares", args=[note.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Keine Freigaben" in page.content.decode()
    assert client.post(url, {"access": "read"}).status_code == 422
    response = client.post(url, {"user": colleague.pk, "access": "read"})
    assert response.status_code == 302
    share = Share.objects.get()
    assert str(colleague) in client.get(url).content.decode()
    revoke = reverse("notes_share_revoke", args=[note.pk, share.pk])
    assert client.post(revoke).status_code == 302
    assert not Share.objects.exists()


def test_the_tab_without_share_privilege(client, owner, colleague, note, now):
    sharing.share_record(
        instance=note, acting_user=owner, now=now, user=colleague, access=Share.Access.READ
    )
    client.force_login(colleague)
    url = reverse("notes_shares", args=[note.pk])
    page = client.get(url).content.decode()
    assert 'id="share-form"' not in page
    assert client.post(url, {"user": owner.pk, "access": "read"}).status_code == 403
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_the_api(api_client, owner, colleague, note):
    api_client.force_authenticate(owner)
    url = f"/api/v1/notes/{note.pk}/shares/"
    assert api_client.get(url).json() == []
    bad = api_client.post(url, {"access": "read"}, format="json")
    assert bad.status_code == 400
    assert "user" in [error["field"] for error in bad.json()["errors"]]
    created = api_client.post(url, {"user": colleague.pk, "access": "read"}, format="json")
    assert created.status_code == 201, created.json()
    [listed] = api_client.get(url).json()
    assert (listed["user"], listed["access"]) == (colleague.pk, "read")
    assert api_client.get(f"/api/v1/nothing/{note.pk}/shares/").status_code == 404

    api_client.force_authenticate(colleague)
    assert api_client.get(url).status_code == 200
    assert api_client.delete(f"{url}{listed['id']}/").status_code == 403
    api_client.force_authenticate(UserFactory())
    assert api_client.get(url).status_code == 404

    api_client.force_authenticate(owner)
    assert api_client.delete(f"{url}{listed['id']}/").status_code == 204
    assert not Share.objects.exists()
