"""Journey: an industrial customer's opportunity walked from Bedarfsanalyse to "won" on its
page — the gate checklist, tasks appearing with each stage and closing by themselves as the data
is entered (by the seller on the page, by credit and pricing in their own work)."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from wattwerk.activities.models import Activity
from wattwerk.core import operations as core_operations
from wattwerk.customers.tests.factories import ContactFactory
from wattwerk.sales import operations as sales_operations
from wattwerk.sales.tests.factories import energy

from .helpers import activate, industrial_opportunity

pytestmark = pytest.mark.browser


def advance(page: Page, to: str) -> None:
    page.locator("#stage-advance").click()
    expect(page.locator('#stage-bar [aria-current="step"]')).to_contain_text(to)


def test_walk_an_industrial_opportunity_to_won(page: Page, force_login, page_watch, reference_data):
    activate("verkaufschance-industrie")
    opportunity = industrial_opportunity()
    seller = opportunity.owner
    ContactFactory(first_name="Petra", last_name="Pohl", owner=seller)
    force_login(seller)
    page.goto(opportunity.get_absolute_url())

    bar = page.locator("#stage-bar")
    expect(bar.locator('[aria-current="step"]')).to_contain_text("Bedarfsanalyse")
    expect(bar.locator(".gate-check.unmet")).to_have_count(3)
    expect(page.locator("#stage-advance")).to_be_disabled()
    expect(page.locator("#advance-reasons")).to_contain_text("„Ansprechpartner“ ist anzugeben.")
    expect(bar.locator(".stage-task")).to_have_count(2)

    # The seller names the contact and the expected close on the edit page …
    page.get_by_role("link", name="Bearbeiten").click()
    page.get_by_label("Ansprechpartner").press_sequentially("pohl")  # typed, then picked
    suggestion = page.locator("#id_contact-choices option")
    expect(suggestion).to_have_count(1)
    page.get_by_label("Ansprechpartner").fill(suggestion.get_attribute("value"))
    page.get_by_label("erwarteter Abschluss").fill("2027-03-31")
    page.get_by_role("button", name="Speichern").click()
    page.goto(opportunity.get_absolute_url())
    named = bar.locator(".stage-task", has_text="Ansprechpartner benennen")
    expect(named).to_have_attribute("data-status", "completed")
    expect(named).to_contain_text("automatisch erledigt: Ansprechpartner eingegeben von")
    expect(bar.locator(".gate-check.unmet")).to_have_count(1)

    # … and a delivery point with its annual quantity (here through the operation).
    now = timezone.now()
    sales_operations.add_line(
        parent=opportunity,
        values=energy() | {"malo_id": "50000000005"},
        acting_user=seller,
        now=now,
    )
    page.reload()
    expect(page.locator("#stage-advance")).to_be_enabled()
    advance(page, "Lastgang/Verbrauchsdaten")
    # The line already has its quantity: the new stage's task closed as it was created.
    expect(bar.locator(".stage-task").first).to_have_attribute("data-status", "completed")
    advance(page, "Bonitätsprüfung und Sicherheiten")
    credit_task = bar.locator(".stage-task", has_text="Bonität prüfen")
    expect(credit_task).to_have_attribute("data-status", "open")
    expect(page.locator("#stage-advance")).to_be_disabled()

    # Credit management enters the rating date on the account.
    account = opportunity.account
    account.rating_date = date(2026, 11, 20)
    account.credit_score = Decimal("2.1")
    core_operations.update_record(instance=account, acting_user=None, now=timezone.now())
    page.reload()
    expect(credit_task).to_have_attribute("data-status", "completed")
    advance(page, "Preiskalkulation")

    # Pricing enters the working price on the line.
    line = opportunity.lines.get()
    sales_operations.change_line(
        line=line, values={"price_ct_kwh": Decimal("18.4")}, acting_user=None, now=timezone.now()
    )
    page.reload()
    expect(bar.locator(".stage-task", has_text="Preis kalkulieren")).to_have_attribute(
        "data-status", "completed"
    )
    advance(page, "Angebot abgegeben")
    expect(page.locator("#stage-advance")).to_be_disabled()

    # The seller sends the quote: done from the timeline.
    sent = Activity.objects.get(subject="Angebot versenden")
    page.locator("#tab-timeline").click()
    page.locator(f"#activity-{sent.pk}").get_by_role("button", name="Erledigt").click()
    expect(page.locator(f"#activity-{sent.pk}")).to_contain_text("erledigt")
    page.goto(opportunity.get_absolute_url())
    advance(page, "Verhandlung")
    advance(page, "Abschluss")
    contract = Activity.objects.get(subject="Vertrag unterschrieben zurückerhalten")
    page.locator("#tab-timeline").click()
    page.locator(f"#activity-{contract.pk}").get_by_role("button", name="Erledigt").click()
    expect(page.locator(f"#activity-{contract.pk}")).to_contain_text("erledigt")
    page.goto(opportunity.get_absolute_url())
    expect(page.locator("#stage-advance")).to_contain_text("Abschließen: gewonnen")
    page.locator("#stage-advance").click()
    expect(page.locator("#process-outcome")).to_have_text("gewonnen")
    opportunity.refresh_from_db()
    assert opportunity.status == "won"
    page.locator("#stage-history summary").click()
    expect(page.locator("#stage-history tbody tr")).to_have_count(7)
    page_watch.assert_clean()
