"""Journeys through the real UI in headless Chromium: login, lists, htmx, language, history."""

import re

import pytest
from playwright.sync_api import Page, expect

from wattwerk.access.tests.factories import DepartmentFactory, UserFactory

from .browser import PageWatch, log_in

pytestmark = pytest.mark.browser


def test_login_navigate_search_and_switch_language(page: Page, live_server):
    user = UserFactory(username="erika", permissions=["access.view_department"])
    DepartmentFactory(name="Vertrieb Gewerbe", code="vertrieb")
    DepartmentFactory(name="Netzbetrieb", code="netz")
    DepartmentFactory(name="Kundenservice", code="service")

    log_in(page, user.username)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("#current-user")).to_contain_text(str(user))

    navbar = page.locator("#mainnav")
    navbar.get_by_role("button", name="Organisation").click()
    navbar.get_by_role("link", name="Abteilungen").click()
    expect(page).to_have_url(f"{live_server.url}/departments/")
    rows = page.locator("#results tbody tr")
    for name in ("Vertrieb Gewerbe", "Netzbetrieb", "Kundenservice", str(user.department)):
        expect(rows.filter(has_text=name)).to_have_count(1)

    # A full reload would drop this marker; htmx swaps #results and keeps it.
    page.evaluate("window.wattwerkNoReload = true")
    with page.expect_response(
        lambda response: "q=Netz" in response.url and response.request.headers.get("hx-request")
    ):
        page.locator("#filters [name=q]").press_sequentially("Netz", delay=50)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Netzbetrieb")
    expect(page.locator("#result-count")).to_contain_text("1 Datensatz")
    expect(page).to_have_url(re.compile(r"/departments/\?(.*&)?q=Netz(&|$)"))
    assert page.evaluate("window.wattwerkNoReload") is True

    switch = page.locator("#language-switch")
    switch.locator('button[data-language="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(switch.locator('button[data-language="en"]')).to_have_class(re.compile(r"\bbtn-light\b"))
    expect(switch.locator('button[data-language="de"]')).to_have_class(
        re.compile(r"\bbtn-outline-light\b")
    )

    switch.locator('button[data-language="de"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(switch.locator('button[data-language="de"]')).to_have_class(re.compile(r"\bbtn-light\b"))
    expect(page.locator("h1")).to_contain_text("Abteilungen")


def test_wrong_password_stays_on_login_page(page: Page, live_server):
    user = UserFactory(username="erika")

    log_in(page, user.username, password="falsch")

    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.locator("#id_username")).to_have_value("erika")
    expect(page.locator("#id_password")).to_have_value("")
    expect(page.locator("#current-user")).to_have_count(0)


def test_edit_department_and_see_change_in_history(page: Page, force_login):
    department = DepartmentFactory(name="Vertrieb", code="vertrieb")
    force_login(UserFactory(permissions=["access.view_department", "access.change_department"]))

    page.goto(f"/departments/{department.pk}/")
    page.get_by_role("link", name="Bearbeiten").click()
    expect(page).to_have_url(re.compile(rf"/departments/{department.pk}/edit/$"))
    page.locator("#id_name").fill("Großkundenvertrieb")
    page.get_by_role("button", name="Speichern").click()

    expect(page).to_have_url(re.compile(rf"/departments/{department.pk}/$"))
    expect(page.locator("#messages")).to_contain_text("gespeichert")
    expect(page.locator("#record-title")).to_have_text("Großkundenvertrieb")

    page.locator("#tab-history").click()
    expect(page).to_have_url(re.compile(rf"/departments/{department.pk}/history/$"))
    expect(page.locator("#tab-history")).to_have_class(re.compile(r"\bactive\b"))
    entry = page.locator("#tab[data-tab=history] .history-entry").first
    expect(entry.locator(".history-old")).to_have_text("Vertrieb")
    expect(entry.locator(".history-new")).to_have_text("Großkundenvertrieb")


def test_api_docs_load_from_our_own_server_only(
    page: Page, force_login, page_watch: PageWatch, live_server
):
    force_login(UserFactory())

    page.goto("/api/v1/docs/")

    # The schema is generated on request: seconds on a busy machine.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=30_000)
    # Swagger UI renders only the operations in view (a virtual list): look at the first ones.
    expect(page.locator(".opblock-summary-path").first).to_contain_text("/api/v1/")
    assert any(url.startswith(f"{live_server.url}/api/v1/schema/") for url in page_watch.requests)
    page_watch.assert_clean()
