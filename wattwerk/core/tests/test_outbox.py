"""The e-mail outbox: nothing leaves before commit, everything committed leaves exactly once."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings

from wattwerk.core import outbox
from wattwerk.core.models import OutboxEmail

from .smtp import kill_worker_mid_send, recover_after_the_claims_expire, run_worker


def queue(now, subject="Aufgabe: Bonitätsprüfung Stadtwerke Beispielstadt"):
    return outbox.queue_email(
        recipients=["kreditmanagement@example.org"],
        subject=subject,
        body="Bitte prüfen Sie die Bonität.",
        now=now,
    )


@pytest.mark.django_db
def test_email_queued_in_rolled_back_transaction_is_never_sent(
    now, smtp_server, django_capture_on_commit_callbacks
):
    def change_that_fails():
        with transaction.atomic():
            queue(now)
            raise RuntimeError("Änderung scheitert")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        change_that_fails()

    assert callbacks == []
    assert not OutboxEmail.objects.exists()
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_committed_email_reaches_smtp_server_once(
    now, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(now)

    [message] = smtp_server.messages
    assert message["Subject"] == "Aufgabe: Bonitätsprüfung Stadtwerke Beispielstadt"
    assert message["To"] == "kreditmanagement@example.org"
    assert message["Message-ID"] == email.message_id
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.SENT, 1)

    # The job runs again (a retry by the queue): nothing more is sent.
    assert outbox.deliver(email.pk, now=now) == OutboxEmail.Status.SENT
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_refused_email_is_retried_with_growing_delay(now, smtp_server, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    email = queue(now)
    smtp_server.reject(2)

    assert outbox.deliver(email.pk, now=now) == OutboxEmail.Status.PENDING
    email.refresh_from_db()
    assert email.next_attempt_at == now + timedelta(seconds=60)
    assert "451" in email.last_error

    # Not due yet: nothing happens.
    assert outbox.deliver(email.pk, now=now + timedelta(seconds=30)) == OutboxEmail.Status.PENDING
    assert OutboxEmail.objects.get(pk=email.pk).attempts == 1

    later = now + timedelta(seconds=60)
    assert outbox.deliver(email.pk, now=later) == OutboxEmail.Status.PENDING
    email.refresh_from_db()
    assert email.next_attempt_at == later + timedelta(seconds=120)

    assert outbox.deliver_due(now=later + timedelta(seconds=120)) == {OutboxEmail.Status.SENT: 1}
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_email_fails_for_good_after_max_attempts(now, smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    email = queue(now)
    smtp_server.reject(5)

    outbox.deliver(email.pk, now=now)
    assert outbox.deliver_due(now=now + timedelta(days=1)) == {OutboxEmail.Status.FAILED: 1}
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.FAILED
    assert email.attempts == 2
    assert "451" in email.last_error
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_email_claimed_by_a_worker_that_died_is_sent_after_the_claim_expires(now, smtp_server):
    email = queue(now)
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENDING, claimed_until=now + outbox.claim_duration(), attempts=1
    )

    assert outbox.deliver(email.pk, now=now) == OutboxEmail.Status.SENDING  # still claimed
    assert smtp_server.messages == []
    assert outbox.deliver_due(now=now + outbox.claim_duration() + timedelta(seconds=1)) == {
        OutboxEmail.Status.SENT: 1
    }
    assert len(smtp_server.messages) == 1


DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_real_worker_delivers_each_email_once_across_a_restart(now, smtp_server, tmp_path):
    with transaction.atomic():
        emails = [queue(now, subject=f"Aufgabe {n}") for n in range(3)]

    # The worker handles one job and stops, as if shut down mid-way; then a new one takes over.
    run_worker(smtp_server, tmp_path, "--max-tasks", "1")
    assert len(smtp_server.messages) == 1
    run_worker(smtp_server, tmp_path, "--batch")

    assert sorted(m["Subject"] for m in smtp_server.messages) == [
        "Aufgabe 0",
        "Aufgabe 1",
        "Aufgabe 2",
    ]
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxEmail.Status.SENT}

    # A job for an e-mail already sent (queued twice, or run again) sends nothing.
    from wattwerk.core.tasks import deliver_email

    deliver_email.enqueue(emails[0].pk)
    run_worker(smtp_server, tmp_path, "--batch")
    assert len(smtp_server.messages) == 3


@pytest.mark.django_db
def test_administrators_see_failed_emails_and_why(now, smtp_server, settings, admin_client):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    email = queue(now, subject="Aufgabe: Lastgang beschaffen")
    smtp_server.reject(1)
    outbox.deliver(email.pk, now=now)

    page = admin_client.get("/admin/core/outboxemail/", {"status__exact": "failed"})
    assert page.status_code == 200
    assert "Aufgabe: Lastgang beschaffen" in page.content.decode()
    detail = admin_client.get(f"/admin/core/outboxemail/{email.pk}/change/").content.decode()
    assert "451" in detail


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_email_of_a_worker_killed_mid_send_goes_out_once_through_the_scheduler(
    now, smtp_server, tmp_path
):
    queue(now, subject="Aufgabe: Freigabe Vertriebsleitung")
    kill_worker_mid_send(smtp_server, tmp_path)
    assert smtp_server.messages == []
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENDING

    recover_after_the_claims_expire(smtp_server, tmp_path)

    [message] = smtp_server.messages
    assert message["Subject"] == "Aufgabe: Freigabe Vertriebsleitung"
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT
