"""Periodic work of quotes. The Bindefrist acts when a quote is read; these only persist the
status, write the history and warn the owners (once each)."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from wattwerk.core import schedule

from . import operations


@task()
def expire_quotes() -> int:
    return operations.expire_due(now=timezone.now())


schedule.register(expire_quotes, every=timedelta(minutes=15))


@task()
def warn_expiring_quotes() -> int:
    return operations.warn_expiring(now=timezone.now())


schedule.register(warn_expiring_quotes, every=timedelta(minutes=15))
