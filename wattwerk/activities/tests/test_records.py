"""Activities through the generic suite (pages, API, rights, history), and what only they check:
dates of a task, the regarding record, participants."""

import pytest

from wattwerk.core.testing import RecordTypeSuite
from wattwerk.customers.tests.factories import ContactFactory
from wattwerk.sales.tests.factories import LeadFactory

from .factories import ActivityFactory

RELATED = ("access.read_user", "access.read_department", "sales.read_lead")


class TestActivityRecords(RecordTypeSuite):
    slug = "activities"
    factory = ActivityFactory
    api_path = "/api/v1/activities/"
    change_field = "subject"
    change_value = "Preisblatt nachreichen"
    bad_field = ("due", "2026-11-30T09:00")  # before the start
    related_permissions = RELATED

    def valid_form_data(self):
        return {
            "kind": "task",
            "subject": "Lastgang beim Netzbetreiber anfordern",
            "start": "2026-12-01T09:00",
            "due": "2026-12-03T17:00",
            "priority": "normal",
        }

    def valid_api_data(self):
        return {
            **self.valid_form_data(),
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
def test_participants_only_where_people_take_part(planner):
    contact = ContactFactory()
    planner.user.roles.first()  # the factory's role; contacts are read through it below
    task = planner.post(
        "/api/v1/activities/",
        {**TestActivityRecords().valid_api_data(), "users": [planner.user.pk]},
        format="json",
    )
    assert task.status_code == 400
    assert [error["field"] for error in task.json()["errors"]] == ["users"]
    call = planner.post(
        "/api/v1/activities/",
        {"kind": "call", "subject": "Telefonat", "users": [planner.user.pk]},
        format="json",
    )
    assert call.status_code == 201, call.json()
    assert contact.pk  # a contact exists; reading it would need customers.read_contact
