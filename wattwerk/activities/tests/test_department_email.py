"""Tasks for departments outside sales and marketing go to them by e-mail: through the outbox to
a real SMTP server, exactly once per task — also when the worker is killed mid-send and another
takes over — and never for a change that is rolled back."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from wattwerk.access.tests.factories import DepartmentFactory, UserFactory
from wattwerk.activities import operations
from wattwerk.activities.models import Activity
from wattwerk.core import operations as core_operations
from wattwerk.core.models import OutboxEmail
from wattwerk.core.tests.smtp import kill_worker_mid_send, recover_after_the_claims_expire

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 12, 7, 9, 0, tzinfo=BERLIN)


def task(department, subject="Bonitätsprüfung Brauerei Hopfen", **values):
    return core_operations.create_record(
        instance=Activity(
            kind="task",
            subject=subject,
            start=START,
            due=datetime(2026, 12, 9, 17, 0, tzinfo=BERLIN),
            assigned_department=department,
            owner=UserFactory(),
            **values,
        ),
        acting_user=None,
        now=timezone.now(),
    )


@pytest.mark.django_db
def test_one_message_per_department_task(smtp_server, django_capture_on_commit_callbacks):
    credit = DepartmentFactory(
        name="Kreditmanagement", email="kredit@sw.example", tasks_by_email=True
    )
    sales = DepartmentFactory(name="Vertrieb", email="vertrieb@sw.example")  # sales: no e-mail
    billing = DepartmentFactory(name="Abrechnung", email="", tasks_by_email=True)
    UserFactory(department=billing, email="a.berg@sw.example")
    UserFactory(department=billing, email="c.dorn@sw.example")

    with django_capture_on_commit_callbacks(execute=True):
        checked = task(credit)
    [message] = smtp_server.messages
    assert message["To"] == "kredit@sw.example"
    assert message["Subject"] == "Aufgabe für Kreditmanagement: Bonitätsprüfung Brauerei Hopfen"
    body = message.get_payload(decode=True).decode()
    assert "Fällig: 09.12.2026 17:00" in body
    assert checked.get_absolute_url() in body

    with django_capture_on_commit_callbacks(execute=True):
        checked.subject = "Bonitätsprüfung Brauerei Hopfen (Nachtrag)"
        core_operations.update_record(instance=checked, acting_user=None, now=timezone.now())
        operations.reschedule_activity(
            activity=checked,
            start=START,
            due=START.replace(day=10),
            acting_user=None,
            now=timezone.now(),
        )
        task(sales, subject="Angebot nachfassen")
    assert len(smtp_server.messages) == 1  # no news for the department, and none for sales

    with django_capture_on_commit_callbacks(execute=True):
        checked.assigned_department = billing
        core_operations.update_record(instance=checked, acting_user=None, now=timezone.now())
    assert smtp_server.messages[-1]["To"] == "a.berg@sw.example, c.dorn@sw.example"
    assert len(smtp_server.messages) == 2


@pytest.mark.django_db
def test_none_for_a_rolled_back_change(smtp_server, django_capture_on_commit_callbacks):
    credit = DepartmentFactory(email="kredit@sw.example", tasks_by_email=True)

    def change_that_fails():
        with transaction.atomic():
            task(credit)
            raise RuntimeError("die Änderung scheitert")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    assert not OutboxEmail.objects.exists()
    assert smtp_server.messages == []


DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_exactly_once_when_the_worker_dies_mid_send(smtp_server, tmp_path):
    credit = DepartmentFactory(
        name="Kreditmanagement", email="kredit@sw.example", tasks_by_email=True
    )
    pricing = DepartmentFactory(name="Preisbildung", email="preise@sw.example", tasks_by_email=True)
    with transaction.atomic():
        task(credit)
        task(pricing, subject="Preiskalkulation Brauerei Hopfen")

    kill_worker_mid_send(smtp_server, tmp_path)
    assert smtp_server.messages == []
    recover_after_the_claims_expire(smtp_server, tmp_path)

    assert sorted(message["To"] for message in smtp_server.messages) == [
        "kredit@sw.example",
        "preise@sw.example",
    ]
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxEmail.Status.SENT}
