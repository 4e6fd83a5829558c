"""The user's activities as a calendar: a week view and a personal iCalendar feed."""

import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from . import queries
from .models import Activity, CalendarFeed

DEFAULT_LENGTH = timedelta(hours=1)  # an activity with one moment only


def week_of(day: date) -> tuple[date, list[date]]:
    monday = day - timedelta(days=day.weekday())
    return monday, [monday + timedelta(days=offset) for offset in range(7)]


def week(user, monday: date) -> dict[date, list[Activity]]:
    """{day: the user's open dated activities that day} for the week starting ``monday``."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(monday, time.min, tzinfo=zone)
    days = {monday + timedelta(days=offset): [] for offset in range(7)}
    for activity in queries.calendar_entries(user, start=start, end=start + timedelta(days=7)):
        moment = activity.start or activity.due
        days.setdefault(timezone.localtime(moment).date(), []).append(activity)
    return days


def issue_feed(user) -> CalendarFeed:
    """A new secret for the user's feed; the old address stops working."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"secret": secrets.token_urlsafe(32)}
    )
    return feed


def revoke_feed(user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def ics(user) -> bytes:
    """The feed: the user's open dated activities they may read, as iCalendar events."""
    calendar = Calendar()
    calendar.add("prodid", "-//Wattwerk//Aktivitäten//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Wattwerk – {user.get_full_name() or user}")
    site = settings.SITE_URL.rstrip("/")
    for activity in queries.calendar_entries(user):
        begin = activity.start or activity.due
        end = activity.due if activity.start and activity.due else begin + DEFAULT_LENGTH
        event = Event()
        event.add("uid", f"activity-{activity.pk}@wattwerk")
        event.add("summary", f"{activity.get_kind_display()}: {activity.subject}")
        event.add("dtstart", begin)
        event.add("dtend", max(end, begin))
        event.add("dtstamp", activity.updated_at)
        event.add("url", site + activity.get_absolute_url())
        if activity.description:
            event.add("description", activity.description)
        calendar.add_component(event)
    return calendar.to_ical()
