"""The e-mail outbox: e-mails are rows first, written with the change that causes them.

:func:`queue_email` is called inside the caller's transaction; delivery is scheduled only after
commit, so a rolled-back change never sends anything. :func:`deliver` claims a row before sending,
so two workers (or one job run twice) send it once; a failure is retried with exponential backoff
until ``OUTBOX_MAX_ATTEMPTS``, then the row is marked failed for administrators to see.

The one window left is a worker killed after the SMTP server accepted the message but before the
row was marked sent: the claim then expires and the message is sent again, with the same
``Message-ID``, so a receiving system can drop the copy.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q

from .models import OutboxAttachment, OutboxEmail


def claim_duration() -> timedelta:
    """How long a worker holds an e-mail it is sending; after that, another may take it."""
    return timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)


def queue_email(
    *,
    recipients: list[str],
    subject: str,
    body: str,
    now: datetime,
    html_body: str = "",
    attachments: list[tuple[str, bytes, str]] = (),
) -> OutboxEmail:
    """Put an e-mail into the outbox; it leaves once the surrounding transaction commits.
    ``attachments``: (file name, content, MIME type) each."""
    from .tasks import deliver_email

    email = OutboxEmail.objects.create(
        created_at=now,
        recipients=list(recipients),
        subject=subject[:255],
        body=body,
        html_body=html_body,
        next_attempt_at=now,
    )
    OutboxAttachment.objects.bulk_create(
        OutboxAttachment(email=email, filename=name, content=content, mimetype=mimetype)
        for name, content, mimetype in attachments
    )
    transaction.on_commit(lambda: deliver_email.enqueue(email.pk))
    return email


def retry_delay(attempts: int) -> timedelta:
    """1×, 2×, 4×, … the base delay, capped at one day."""
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 24 * 60 * 60))


def _deliverable(now: datetime):
    return OutboxEmail.objects.filter(
        Q(status=OutboxEmail.Status.PENDING)
        | Q(status=OutboxEmail.Status.SENDING, claimed_until__lt=now),
        next_attempt_at__lte=now,
    )


def _claim(email_id: int, now: datetime) -> bool:
    with transaction.atomic():
        claimed = (
            _deliverable(now)
            .filter(pk=email_id)
            .update(
                status=OutboxEmail.Status.SENDING,
                claimed_until=now + claim_duration(),
                attempts=F("attempts") + 1,
            )
        )
    return claimed == 1


def deliver(email_id: int, *, now: datetime, connection=None) -> str:
    """Send one outbox e-mail if it is due and nobody else has it; returns its status after."""
    if not _claim(email_id, now):
        status = OutboxEmail.objects.filter(pk=email_id).values_list("status", flat=True).first()
        return status or "missing"
    email = OutboxEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.recipients,
        headers={"Message-ID": email.message_id},
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for attachment in email.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    try:
        message.send()
    except Exception as error:
        return _record_failure(email, error, now)
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENT, sent_at=now, claimed_until=None, last_error=""
    )
    return OutboxEmail.Status.SENT


def _record_failure(email: OutboxEmail, error: Exception, now: datetime) -> str:
    from .tasks import deliver_email

    reason = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        OutboxEmail.objects.filter(pk=email.pk).update(
            status=OutboxEmail.Status.FAILED, claimed_until=None, last_error=reason
        )
        return OutboxEmail.Status.FAILED
    next_attempt_at = now + retry_delay(email.attempts)
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.PENDING,
        claimed_until=None,
        next_attempt_at=next_attempt_at,
        last_error=reason,
    )
    if deliver_email.get_backend().supports_defer:
        deliver_email.using(run_after=next_attempt_at).enqueue(email.pk)
    return OutboxEmail.Status.PENDING


def deliver_due(*, now: datetime) -> dict[str, int]:
    """Deliver every e-mail that is due: the sweep after an outage or a lost job."""
    counts: dict[str, int] = {}
    for email_id in _deliverable(now).order_by("next_attempt_at").values_list("pk", flat=True):
        status = deliver(email_id, now=now)
        counts[status] = counts.get(status, 0) + 1
    return counts
