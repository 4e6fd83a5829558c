"""Journey: my work list — complete one activity and move another in place — then the week in
the calendar and a feed address issued for a calendar program."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from wattwerk.access.tests.factories import UserFactory
from wattwerk.activities.models import Activity, CalendarFeed

pytestmark = pytest.mark.browser

BERLIN = ZoneInfo("Europe/Berlin")


def test_work_list_and_calendar(page: Page, force_login, page_watch):
    worker = UserFactory(
        permissions=["activities.read_activity", "activities.write_activity", "access.read_user"]
    )
    soon = timezone.localtime(timezone.now()).replace(second=0, microsecond=0) + timedelta(days=1)
    call = Activity.objects.create(
        kind="call", subject="Kunde zurückrufen", start=soon, due=soon, owner=worker
    )
    task = Activity.objects.create(
        kind="task", subject="Preisblatt prüfen", start=soon, due=soon, owner=worker
    )
    force_login(worker)
    page.goto("/")
    page.locator("#nav-worklist").click()
    expect(page.locator(f"#row-{call.pk}")).to_contain_text("Kunde zurückrufen")
    page.locator(f"#row-{call.pk}").get_by_role("button", name="Erledigt").click()
    expect(page.locator(f"#row-{call.pk}")).to_contain_text("erledigt")

    row = page.locator(f"#row-{task.pk}")
    row.get_by_label("neu fällig am").fill("2027-01-15T10:00")
    row.get_by_role("button", name="Verschieben").click()
    expect(page.locator(f"#row-{task.pk}")).to_contain_text("15.01.2027 10:00")
    task.refresh_from_db()
    assert timezone.localtime(task.due) == datetime(2027, 1, 15, 10, 0, tzinfo=BERLIN)

    page.locator("#nav-calendar").click()
    page.goto("/calendar/?week=2027-01-15")
    expect(page.locator('[data-day="2027-01-15"]')).to_contain_text("Preisblatt prüfen")
    page.locator("#week-next").click()
    expect(page.locator("#week")).to_have_attribute("data-week", "2027-01-18")
    page.get_by_role("button", name="Abonnement-Adresse ausstellen").click()
    secret = CalendarFeed.objects.get(user=worker).secret
    expect(page.locator("#feed-url")).to_have_value(re.compile(rf"/calendar/{secret}\.ics$"))
