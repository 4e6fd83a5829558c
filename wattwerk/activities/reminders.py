"""The daily digest: each person gets one e-mail a day listing their open activities that are
overdue or due by the end of the next working day — never two on one day, whichever scheduler
runs it how often (a row per person and day, unique, is written with the e-mail)."""

from collections import defaultdict
from datetime import datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from wattwerk.core import outbox
from wattwerk.energy.calendars import add_working_days

from .models import Activity, ReminderDigest

SEND_FROM = time(7, 0)  # not at midnight: the digest is read at the start of the working day


def due_soon(now: datetime) -> dict:
    """{person: [their open activities overdue or due by the end of the next working day]}."""
    local = timezone.localtime(now)
    horizon = datetime.combine(add_working_days(local.date(), 1), time.max, tzinfo=local.tzinfo)
    activities = (
        Activity.objects.filter(status=Activity.Status.OPEN, due__lte=horizon)
        .select_related("owner", "owner_team")
        .prefetch_related("owner_team__members")
        .order_by("due", "pk")
    )
    people = defaultdict(list)
    for activity in activities:
        members = [activity.owner] if activity.owner_id else activity.owner_team.members.all()
        for person in members:
            if person.is_active and person.email:
                people[person].append(activity)
    return people


def send_digests(*, now: datetime) -> int:
    """Queue today's digest for everyone who has one due and did not get it yet; how many."""
    local = timezone.localtime(now)
    if local.time() < SEND_FROM:
        return 0
    sent = 0
    for person, activities in due_soon(now).items():
        try:
            with transaction.atomic():
                ReminderDigest.objects.create(
                    user=person, day=local.date(), sent_at=now, activities=len(activities)
                )
                _queue(person, activities, now=now)
        except IntegrityError:
            continue  # sent already today (perhaps by another scheduler just now)
        sent += 1
    return sent


def _queue(person, activities: list, *, now: datetime) -> None:
    site = settings.SITE_URL.rstrip("/")
    overdue = [activity for activity in activities if activity.due < now]
    soon = [activity for activity in activities if activity.due >= now]
    lines = [_("Guten Morgen %(name)s,") % {"name": person.get_full_name() or person}, ""]
    for title, group in ((_("Überfällig"), overdue), (_("Bald fällig"), soon)):
        if not group:
            continue
        lines.append(f"{title}:")
        for activity in group:
            due = formats.date_format(timezone.localtime(activity.due), "SHORT_DATETIME_FORMAT")
            lines.append(f"- {due} {activity.subject} ({site}{activity.get_absolute_url()})")
        lines.append("")
    outbox.queue_email(
        recipients=[person.email],
        subject=_("Ihre Aktivitäten: %(overdue)d überfällig, %(soon)d bald fällig")
        % {"overdue": len(overdue), "soon": len(soon)},
        body="\n".join(lines),
        now=now,
    )
