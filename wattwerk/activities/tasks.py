"""Background tasks of activities. Each is idempotent: a job that runs twice does no harm."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from wattwerk.core import schedule

from . import chains, reminders


@task()
def send_reminder_digests() -> int:
    """The day's digests of due and overdue activities, one per person and day."""
    return reminders.send_digests(now=timezone.now())


schedule.register(send_reminder_digests, every=timedelta(hours=1))


@task()
def check_running_chains() -> int:
    """Every running chain re-planned from now: overdue steps move their successors, a lost
    deadline is warned about at once (not on the day itself)."""
    return chains.check_running(now=timezone.now())


schedule.register(check_running_chains, every=timedelta(hours=1))
