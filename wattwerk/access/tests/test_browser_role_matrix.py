"""Journey through the role matrix in headless Chromium: set a privilege, see it in the history."""

import re

import pytest
from playwright.sync_api import Page, expect

from .factories import RoleFactory, UserFactory

pytestmark = pytest.mark.browser


def test_administrator_sets_a_privilege_and_sees_it_in_the_history(page: Page, force_login):
    role = RoleFactory(name="Kundenservice")
    force_login(UserFactory(permissions=["access.read_role", "access.write_role"]))

    page.goto(f"/roles/{role.pk}/")
    page.evaluate("window.wattwerkNoReload = true")  # gone after a full page load
    page.locator("#tab-privileges").click()
    expect(page).to_have_url(re.compile(rf"/roles/{role.pk}/privileges/$"))
    expect(page.locator("#tab-privileges")).to_have_class(re.compile(r"\bactive\b"))
    assert page.evaluate("window.wattwerkNoReload") is True  # the tab came by htmx

    cell = page.get_by_label("Abteilungen · Lesen", exact=True)
    expect(cell).to_have_value("0")
    cell.select_option(label="ganze Organisation")
    page.get_by_role("button", name="Speichern").click()

    expect(page).to_have_url(re.compile(rf"/roles/{role.pk}/privileges/$"))
    expect(page.locator("#messages")).to_contain_text(
        "Rechte der Rolle „Kundenservice“ wurden gespeichert."
    )
    expect(page.get_by_label("Abteilungen · Lesen", exact=True)).to_have_value("4")
    expect(page.get_by_label("Abteilungen · Schreiben", exact=True)).to_have_value("0")

    page.locator("#tab-history").click()
    expect(page).to_have_url(re.compile(rf"/roles/{role.pk}/history/$"))
    entry = page.locator("#tab[data-tab=history] .history-entry").first
    expect(entry.locator(".history-message")).to_have_text("1 Recht der Rolle geändert")
    row = entry.locator("tr", has_text="Abteilungen · Lesen")
    expect(row.locator(".history-value")).to_have_text("keine → ganze Organisation")
