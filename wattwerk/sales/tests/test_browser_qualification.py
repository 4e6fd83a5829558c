"""Journey: a lead with two potential lines, qualified into a new account; the opportunity shows
the totals; the account is found through the global search by a MaLo-ID."""

import pytest
from playwright.sync_api import Page, expect

from wattwerk.access.tests.factories import UserFactory
from wattwerk.sales.models import Lead, Opportunity

pytestmark = pytest.mark.browser

PERMISSIONS = [
    f"{app}.{action}_{model}"
    for app, model in (
        ("sales", "lead"),
        ("sales", "opportunity"),
        ("sales", "accountopportunity"),
        ("customers", "account"),
        ("customers", "contact"),
        ("energy", "deliverypoint"),
    )
    for action in ("read", "create", "write")
] + [
    "access.read_user",
    "customers.read_customertype",
    "customers.read_industrycode",
    "customers.read_interest",
    "customers.read_channel",
    "energy.read_commodity",
    "energy.read_pricemodel",
    "energy.read_product",
    "energy.read_energyservice",
    "energy.read_marketarea",
    "energy.read_balancingarea",
]


def add_line(page: Page, commodity: str, malo_id: str, kwh: str) -> None:
    form = page.locator("#line-form")
    form.locator("#id_line_set").select_option("potential")
    form.locator("#id_kind").select_option("energy")
    form.get_by_label("Sparte").select_option(label=commodity)
    form.get_by_label("MaLo-ID").fill(malo_id)
    form.get_by_label("Lieferbeginn").fill("2027-01-01")
    form.get_by_label("Lieferende (ausschließlich)").fill("2029-01-01")
    form.get_by_label("Jahresmenge (kWh/a)").fill(kwh)
    form.get_by_role("button", name="Zeile speichern").click()


def test_lead_with_two_lines_qualified_and_found_by_malo_id(
    page: Page, force_login, page_watch, reference_data
):
    force_login(UserFactory(permissions=PERMISSIONS))
    page.goto("/leads/add/")
    page.locator("#id_company_name").fill("Kühlhaus Süd")
    page.locator("#id_last_name").fill("Kühn")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#messages")).to_contain_text("angelegt")
    lead = Lead.objects.get()

    page.locator("#tab-lines").click()
    add_line(page, "Strom", "41373559241", "1.200.000")
    expect(page.locator("#total-potential")).to_contain_text("1.200,0")
    add_line(page, "Gas", "51238696781", "800.000")
    expect(page.locator("#total-potential")).to_contain_text("2.000,0")
    expect(page.locator("[data-set='1'] tbody tr")).to_have_count(2)

    page.locator("#tab-qualify").click()
    page.locator("#qualify-form button[type=submit]").click()
    expect(page.locator("#messages")).to_contain_text("qualifiziert")
    opportunity = Opportunity.objects.get(lead=lead)
    assert page.url.endswith(opportunity.get_absolute_url())
    page.locator("#tab-lines").click()
    expect(page.locator("#total-potential")).to_contain_text("2.000,0")
    expect(page.locator("[data-set='1'] tbody tr")).to_have_count(2)

    page.locator("#global-search input").fill("51238696781")
    page.locator("#global-search input").press("Enter")
    accounts = page.locator("section[data-type='accounts']")
    expect(accounts).to_contain_text("Kühlhaus Süd")
    accounts.get_by_role("link", name="Kühlhaus Süd").click()
    expect(page.locator("h1")).to_contain_text("Kühlhaus Süd")
