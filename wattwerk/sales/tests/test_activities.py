"""Activities regarding leads and taking contacts part: what only activities check beyond the
generic suite (dates of a task, the regarding record, participants), through the API."""

import pytest

from wattwerk.activities.tests.test_records import RELATED
from wattwerk.customers.tests.factories import ContactFactory

from .factories import LeadFactory

TASK = {
    "kind": "task",
    "subject": "Lastgang beim Netzbetreiber anfordern",
    "start": "2026-12-01T09:00:00+01:00",
    "due": "2026-12-03T17:00:00+01:00",
}


@pytest.fixture
def planner(api_client, make_user):
    user = make_user(
        "activities.read_activity",
        "activities.create_activity",
        "activities.write_activity",
        *RELATED,
    )
    api_client.force_authenticate(user)
    api_client.user = user
    return api_client


@pytest.mark.django_db
def test_a_task_needs_start_and_due(planner):
    answer = planner.post(
        "/api/v1/activities/", {"kind": "task", "subject": "Anrufen"}, format="json"
    )
    assert answer.status_code == 400
    assert {error["field"] for error in answer.json()["errors"]} == {"start", "due"}
    call = planner.post(
        "/api/v1/activities/", {"kind": "call", "subject": "Anrufen"}, format="json"
    )
    assert call.status_code == 201, call.json()


@pytest.mark.django_db
def test_the_regarding_record_must_be_readable(planner, make_user):
    mine = LeadFactory(owner=planner.user)
    answer = planner.post(
        "/api/v1/activities/",
        {
            "kind": "call",
            "subject": "Nachfassen",
            "regarding_type": "leads",
            "regarding_id": mine.pk,
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert (answer.json()["regarding_type"], answer.json()["regarding_display"]) == (
        "leads",
        str(mine),
    )
    unknown = planner.post(
        "/api/v1/activities/",
        {"kind": "call", "subject": "Nachfassen", "regarding_type": "kuchen", "regarding_id": 1},
        format="json",
    )
    assert unknown.status_code == 400
    assert [error["field"] for error in unknown.json()["errors"]] == ["regarding_type"]
    missing = planner.post(
        "/api/v1/activities/",
        {
            "kind": "call",
            "subject": "Nachfassen",
            "regarding_type": "leads",
            "regarding_id": 999999,
        },
        format="json",
    )
    assert missing.status_code == 400
    assert [error["field"] for error in missing.json()["errors"]] == ["regarding_id"]


@pytest.mark.django_db
def test_participants_only_where_people_take_part(planner, make_user):
    contact = ContactFactory()
    planner.user.roles.add(*make_user("customers.read_contact").roles.all())
    task = planner.post(
        "/api/v1/activities/",
        {**TASK, "users": [planner.user.pk], "contacts": [contact.pk]},
        format="json",
    )
    assert task.status_code == 400
    assert {error["field"] for error in task.json()["errors"]} == {"users", "contacts"}
    call = planner.post(
        "/api/v1/activities/",
        {"kind": "call", "subject": "Telefonat", "contacts": [contact.pk]},
        format="json",
    )
    assert call.status_code == 201, call.json()
    assert call.json()["contacts"] == [contact.pk]
