"""Journey: an account with a wrong VAT ID, corrected; a contact at it, with position and
department there; the credit data hidden from sales and shown to credit management."""

import pytest
from playwright.sync_api import Page, expect

from wattwerk.access.tests.factories import UserFactory
from wattwerk.customers.models import Account, Contact

pytestmark = pytest.mark.browser

SALES = [
    "customers.read_account",
    "customers.create_account",
    "customers.write_account",
    "customers.read_contact",
    "customers.create_contact",
    "customers.write_contact",
    "customers.read_customertype",
    "customers.read_industrycode",
    "customers.read_interest",
    "customers.read_channel",
    "access.read_user",
]


def test_create_an_account_fix_its_vat_id_and_add_a_contact(
    page: Page, force_login, page_watch, reference_data
):
    force_login(UserFactory(permissions=SALES))
    page.goto("/accounts/add/")
    page.locator("#id_name").fill("Kühlhaus Nord")
    page.get_by_label("Rechtsform").select_option("GmbH")
    page.get_by_label("Kundentyp").select_option(label="Gewerbe")
    page.get_by_label("USt-IdNr.").fill("DE 136 695 977")
    page.get_by_role("textbox", name="Telefon").fill("030 1234567")
    expect(page.get_by_label("Kreditlimit (EUR)")).to_have_count(0)  # secured, no profile
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("[data-field=vat_id]")).to_contain_text("Prüfziffer der USt-IdNr. falsch")
    page_watch.problems.clear()  # the browser logs the expected 422

    page.get_by_label("USt-IdNr.").fill("DE 136 695 976")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#messages")).to_contain_text("angelegt")
    account = Account.objects.get()
    assert (account.vat_id, account.phone) == ("DE136695976", "+49 30 1234567")
    expect(page.locator(".record-fields")).to_contain_text("DE136695976")

    page.goto("/contacts/add/")
    page.locator("#id_last_name").fill("Kühn")
    page.get_by_label("Mobil", exact=True).fill("0171 1234567")
    expect(page.locator("select#id_accounts")).to_have_count(0)  # no list of every account
    page.get_by_label("Firmen").press_sequentially("kühlhaus")
    suggestion = page.locator("#id_accounts-choices option")
    expect(suggestion).to_have_count(1)
    page.get_by_label("Firmen").fill(suggestion.get_attribute("value"))  # as choosing it does
    expect(page.locator("#id_accounts-picks .record-pick")).to_have_text(str(account))
    expect(page.get_by_label("Firmen")).to_have_value("")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#messages")).to_contain_text("angelegt")
    contact = Contact.objects.get()
    assert list(contact.accounts.all()) == [account]
    assert contact.mobile == "+49 171 1234567"

    page.get_by_role("link", name="Firmen und Funktionen").click()
    row = page.locator(f"#position-{account.pk}")
    expect(row).to_contain_text(str(account))
    row.get_by_role("link", name="Bearbeiten").click()
    expect(page.get_by_label("Firma")).to_be_disabled()
    page.get_by_label("Funktion").fill("Leiterin Energieeinkauf")
    page.get_by_label("Abteilung").fill("Einkauf")
    page.locator("#position-form").get_by_role("button", name="Speichern").click()
    expect(row).to_contain_text("Leiterin Energieeinkauf")
    expect(row).to_contain_text("Einkauf")
    link = contact.positions.get()
    assert (link.position, link.department) == ("Leiterin Energieeinkauf", "Einkauf")
