"""Journey: from an opportunity, the seed's group of four quotes is created and sent; the volume
pipeline counts the group once; winning the combined quote loses the yearly ones, empties the
pipeline and moves the volume to won on the account opportunity."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from wattwerk.access.tests.factories import UserFactory
from wattwerk.quotes.models import Quote
from wattwerk.sales.models import AccountOpportunity

from .helpers import SALES, seed_opportunity, with_prices

pytestmark = pytest.mark.browser

READS = [
    "access.view_user",
    "sales.view_accountopportunity",
    "energy.view_balancingarea",
    "energy.view_pricemodel",
    "energy.view_product",
    "energy.view_energyservice",
    "energy.view_marketarea",
]


def new_quote(page: Page, name: str, binding: str, period=None, alternative_to=None) -> None:
    form = page.locator("#new-quote-form")
    form.get_by_label("Bezeichnung").fill(name)
    if period:
        form.get_by_label("Lieferbeginn").fill(period[0])
        form.get_by_label("Lieferende (ausschließlich)").fill(period[1])
    form.get_by_label("Bindefrist").fill(binding)
    if alternative_to:
        form.get_by_label("Alternative zu").select_option(label=alternative_to)
    form.get_by_role("button", name="Angebot anlegen").click()
    expect(page.locator("#messages")).to_contain_text("angelegt")


def test_the_seeds_group_created_sent_and_won_in_the_browser(
    page: Page, force_login, page_watch, reference_data
):
    seller = with_prices(UserFactory(permissions=[*SALES, *READS]))
    now = timezone.now()
    opportunity = seed_opportunity(seller, now, probability=50)
    force_login(seller)
    binding = timezone.localtime(now + timedelta(days=5)).strftime("%Y-%m-%dT12:00")

    page.goto(f"/opportunities/{opportunity.pk}/quotes/")
    new_quote(page, "Strom 2027", binding, ("2027-01-01", "2028-01-01"))
    first = Quote.objects.get()
    for year in (2028, 2029):
        period = (f"{year}-01-01", f"{year + 1}-01-01")
        new_quote(page, f"Strom {year}", binding, period, alternative_to=str(first))
    new_quote(page, "Strom 2027–2029", binding, alternative_to=str(first))
    expect(page.locator("#opportunity-quotes tbody tr")).to_have_count(4)
    expect(page.locator("#opportunity-quotes")).to_contain_text("Alternativen zu")

    for quote in Quote.objects.order_by("pk"):
        page.goto(f"/quotes/{quote.pk}/decide/")
        page.get_by_role("button", name="Abgeben").click()
        expect(page.locator("#quote-state")).to_contain_text("abgegeben")

    page.goto("/reports/")
    volume = page.locator("#report-volume")
    for year in ("2027", "2028", "2029"):
        expect(volume.locator("tbody tr", has_text=year)).to_contain_text("10.000,0")
    expect(volume.locator("tfoot")).to_contain_text("30.000,0")

    combined = Quote.objects.get(name="Strom 2027–2029")
    page.goto(f"/quotes/{combined.pk}/decide/")
    page.get_by_role("button", name="Gewonnen").click()
    expect(page.locator("#quote-state")).to_contain_text("gewonnen")

    page.goto(f"/opportunities/{opportunity.pk}/quotes/")
    expect(page.locator("#opportunity-quotes tr[data-status='lost']")).to_have_count(3)
    expect(page.locator("#opportunity-quotes tr[data-status='won']")).to_have_count(1)
    page.goto("/reports/")
    expect(page.locator("#report-volume")).to_contain_text("Keine Daten.")
    account_opportunity = AccountOpportunity.objects.get(account=opportunity.account)
    page.goto(f"/account-opportunities/{account_opportunity.pk}/totals/")
    expect(page.locator("#tab")).to_contain_text("gewonnen")
    expect(page.locator("#tab")).to_contain_text("10.000")
    page.goto("/reports/")
    expect(page.locator("#report-won tbody")).to_contain_text(opportunity.account.name)
    expect(page.locator("#report-won tbody tr").first).to_contain_text("10.000,0")
