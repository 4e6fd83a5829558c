"""Journey: an opportunity for an account picked by typing part of its name — the browser
suggests the readable accounts the server finds, no select lists them all."""

import pytest
from playwright.sync_api import Page, expect

from wattwerk.access.tests.factories import UserFactory
from wattwerk.customers.tests.factories import AccountFactory
from wattwerk.sales.models import Opportunity

from .test_browser_qualification import PERMISSIONS

pytestmark = pytest.mark.browser


def test_pick_the_account_of_a_new_opportunity_by_typing(
    page: Page, force_login, page_watch, reference_data
):
    seller = UserFactory(permissions=PERMISSIONS)
    wanted = AccountFactory(name="Kühlhaus Nord", legal_form="")
    AccountFactory(name="Kühlhaus Süd", legal_form="")
    AccountFactory(name="Zementwerk West", legal_form="")
    force_login(seller)
    page.goto("/opportunities/add/")
    page.get_by_label("Bezeichnung").fill("Strom 2028")
    field = page.get_by_label("Firma")
    expect(page.locator("select#id_account")).to_have_count(0)
    field.press_sequentially("kühlhaus")
    suggestions = page.locator("#id_account-choices option")
    expect(suggestions).to_have_count(2)
    expect(suggestions.first).to_have_attribute("value", f"Kühlhaus Nord · {wanted.pk}")
    field.fill("kühlhaus n")  # narrower: the list follows
    expect(suggestions).to_have_count(1)
    field.fill(suggestions.first.get_attribute("value"))  # as choosing the suggestion does
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#messages")).to_contain_text("angelegt")
    opportunity = Opportunity.objects.get(name="Strom 2028")
    assert opportunity.account == wanted
    assert not page_watch.problems
