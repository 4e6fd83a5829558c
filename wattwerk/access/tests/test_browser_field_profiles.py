"""Journey through a field security profile in headless Chromium: let it write a secured field,
see the change in the history."""

import re

import pytest
from playwright.sync_api import Page, expect

from .factories import FieldSecurityProfileFactory, UserFactory

pytestmark = pytest.mark.browser


def test_administrator_lets_a_profile_write_a_field_and_sees_it_in_the_history(
    page: Page, force_login
):
    profile = FieldSecurityProfileFactory(name="Kreditmanagement")
    force_login(
        UserFactory(
            permissions=["access.read_fieldsecurityprofile", "access.write_fieldsecurityprofile"]
        )
    )

    page.goto(f"/field-profiles/{profile.pk}/")
    page.evaluate("window.wattwerkNoReload = true")  # gone after a full page load
    page.locator("#tab-fields").click()
    expect(page).to_have_url(re.compile(rf"/field-profiles/{profile.pk}/fields/$"))
    expect(page.locator("#tab-fields")).to_have_class(re.compile(r"\bactive\b"))
    assert page.evaluate("window.wattwerkNoReload") is True  # the tab came by htmx

    row = page.get_by_label("Notizen · Bonitätsnote", exact=True)
    expect(row).to_have_value("none")
    row.select_option(label="lesen und schreiben")
    page.get_by_role("button", name="Speichern").click()

    expect(page).to_have_url(re.compile(rf"/field-profiles/{profile.pk}/fields/$"))
    expect(page.locator("#messages")).to_contain_text(
        "Die Feldrechte des Profils „Kreditmanagement“ wurden gespeichert."
    )
    expect(page.get_by_label("Notizen · Bonitätsnote", exact=True)).to_have_value("write")

    page.locator("#tab-history").click()
    expect(page).to_have_url(re.compile(rf"/field-profiles/{profile.pk}/history/$"))
    entry = page.locator("#tab[data-tab=history] .history-entry").first
    expect(entry.locator(".history-message")).to_have_text("1 Feldrecht des Profils geändert")
    change = entry.locator("tr", has_text="Notizen · Bonitätsnote")
    expect(change.locator(".history-value")).to_have_text("kein Zugriff → lesen und schreiben")
