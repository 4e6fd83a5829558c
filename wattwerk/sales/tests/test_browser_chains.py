"""Journey: start the tender chain (Ausschreibung) on an opportunity from its timeline, complete
the first step, see the next step open and the opportunity's next activity change in the list."""

import pytest
from playwright.sync_api import Page, expect

from wattwerk.access.tests.factories import UserFactory
from wattwerk.activities.models import Chain

from .factories import OpportunityFactory

pytestmark = pytest.mark.browser

PERMISSIONS = [
    *(f"sales.{action}_opportunity" for action in ("read", "create", "write")),
    *(f"activities.{action}_activity" for action in ("read", "create", "write")),
    *(f"activities.{action}_chain" for action in ("read", "create", "write")),
    "activities.read_chaintemplate",
    "customers.read_account",
    "access.read_user",
    "access.read_department",
]


def test_tender_chain_on_an_opportunity(page: Page, force_login, page_watch, reference_data):
    seller = UserFactory(permissions=PERMISSIONS)
    opportunity = OpportunityFactory(name="Stadt Musterstadt – Strom 2027", owner=seller)
    force_login(seller)
    page.goto(opportunity.get_absolute_url())
    page.locator("#tab-timeline").click()
    page.get_by_role("link", name="Aktivitätenkette starten").click()
    page.get_by_label("Vorlage").select_option(label="Ausschreibung")
    page.get_by_label("Beginn bzw. Frist").fill("2030-03-15T12:00")  # 8 March: a holiday (BE)
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#messages")).to_contain_text("angelegt")

    chain = Chain.objects.get()
    page.locator("#tab-steps").click()
    expect(page.locator("#step-lastgang")).to_contain_text("offen")
    expect(page.locator("#step-preiskalkulation")).to_contain_text("wartet")
    expect(page.locator("#step-angebot")).to_contain_text("15.03.2030 12:00")

    page.goto("/opportunities/")
    row = page.locator("tr", has_text="Stadt Musterstadt – Strom 2027")
    expect(row).to_contain_text("06.03.2030 · Aufgabe")  # Lastgang, before the pricing step

    page.goto(opportunity.get_absolute_url())
    page.locator("#tab-timeline").click()
    first = chain.activities.get(step__key="lastgang")
    page.locator(f"#activity-{first.pk}").get_by_role("button", name="Erledigt").click()
    expect(page.locator(f"#activity-{first.pk}")).to_contain_text("erledigt")

    page.goto(chain.get_absolute_url() + "steps/")
    expect(page.locator("#step-preiskalkulation")).to_contain_text("offen")
    page.goto("/opportunities/")
    expect(row).to_contain_text("12.03.2030 · Aufgabe")  # now the pricing step is next
