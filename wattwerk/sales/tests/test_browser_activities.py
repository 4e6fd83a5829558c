"""Journey: on a lead's timeline, plan a task ("Neue Aktivität"), see it as the lead's next
activity in the list, complete it from the timeline and see it become the last one."""

import pytest
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import Page, expect

from wattwerk.access.tests.factories import UserFactory
from wattwerk.activities.models import Activity
from wattwerk.sales.models import Lead

from .factories import LeadFactory

pytestmark = pytest.mark.browser

PERMISSIONS = [
    *(f"sales.{action}_lead" for action in ("read", "create", "write")),
    *(f"activities.{action}_activity" for action in ("read", "create", "write")),
    "access.read_user",
    "access.read_department",
]


def test_plan_and_complete_a_task_on_the_timeline(page: Page, force_login, page_watch):
    seller = UserFactory(permissions=PERMISSIONS)
    lead = LeadFactory(company_name="Gärtnerei Grün", owner=seller)
    force_login(seller)
    page.goto(lead.get_absolute_url())
    page.locator("#tab-timeline").click()
    page.get_by_role("link", name="Neue Aktivität").click()
    lead_type = ContentType.objects.get_for_model(Lead)
    expect(page.get_by_label("Bezug (Art)")).to_have_value(str(lead_type.pk))
    page.get_by_label("Betreff").fill("Lastgang beim Netzbetreiber anfordern")
    page.get_by_label("Beginn").fill("2026-12-14T09:00")
    page.get_by_label("Fällig am").fill("2026-12-16T17:00")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#messages")).to_contain_text("angelegt")
    task = Activity.objects.get()
    assert Lead.objects.get(pk=lead.pk).next_activity == task

    page.goto("/leads/")
    row = page.locator("tr", has_text="Gärtnerei Grün")
    expect(row).to_contain_text("16.12.2026 · Aufgabe")

    page.goto(lead.get_absolute_url())
    page.locator("#tab-timeline").click()
    card = page.locator(f"#activity-{task.pk}")
    expect(card).to_contain_text("offen")
    card.get_by_role("button", name="Erledigt").click()
    expect(page.locator(f"#activity-{task.pk}")).to_contain_text("erledigt")
    lead.refresh_from_db()
    assert (lead.last_activity, lead.next_activity) == (task, None)
