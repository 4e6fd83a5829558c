"""Background tasks of the core. Each is idempotent: a job that runs twice does no harm."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from . import bulk, outbox, schedule


@task(queue_name="email")
def deliver_email(email_id: int) -> str:
    return outbox.deliver(email_id, now=timezone.now())


@task(queue_name="email")
def deliver_due_emails() -> dict[str, int]:
    """The sweep: e-mails whose job was lost, whose worker died mid-send, or due for a retry."""
    return outbox.deliver_due(now=timezone.now())


schedule.register(deliver_due_emails, every=timedelta(minutes=1))


@task()
def refresh_statistics() -> str:
    """Fresh planner statistics once a day (see ``bulk.refresh_statistics``)."""
    bulk.refresh_statistics()
    return "ok"


schedule.register(refresh_statistics, every=timedelta(days=1))
