"""Background tasks of activities. Each is idempotent: a job that runs twice does no harm."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from wattwerk.core import schedule

from . import reminders


@task()
def send_reminder_digests() -> int:
    """The day's digests of due and overdue activities, one per person and day."""
    return reminders.send_digests(now=timezone.now())


schedule.register(send_reminder_digests, every=timedelta(hours=1))
