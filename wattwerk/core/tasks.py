"""Background tasks of the core. Each is idempotent: a job that runs twice does no harm."""

from django.tasks import task
from django.utils import timezone

from . import outbox


@task(queue_name="email")
def deliver_email(email_id: int) -> str:
    return outbox.deliver(email_id, now=timezone.now())


@task(queue_name="email")
def deliver_due_emails() -> dict[str, int]:
    return outbox.deliver_due(now=timezone.now())
