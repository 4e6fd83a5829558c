"""Journeys about rights with the demo users: a credit field and a shared record.

The demo organisation, users, roles and field security profiles come from ``load_demo``. The
record type is the test-only note with its secured field "Bonitätsnote"; the credit fields of
the accounts take its place once accounts exist.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from wattwerk.access.demo import grant, secure
from wattwerk.access.models import Depth, User
from wattwerk.core.demo import DEMO_PASSWORD
from wattwerk.core.tests.sample.models import Note

from .browser import log_in

pytestmark = pytest.mark.browser

RATING = "B+ (Index 245)"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", verbosity=0)
    grant("Vertrieb", Note, read=Depth.DEPARTMENT_TREE, write=Depth.DEPARTMENT)
    everything = dict.fromkeys(["read", "write", "share"], Depth.ORGANISATION)
    grant("Kreditmanagement", Note, **everything)
    secure("Kreditmanagement", Note, "rating", write=True)
    vertrieb, kredit = User.objects.get(username="vertrieb"), User.objects.get(username="kredit")
    customer = Note.objects.create(title="Stadtwerke Beispielstadt: Bonität", owner=vertrieb)
    surety = Note.objects.create(title="Bürgschaft Brauerei Hopfen GmbH", owner=kredit)
    return customer, surety


def test_kreditmanagement_edits_a_credit_field_vertrieb_cannot_see_and_shares_a_record(
    page: Page, demo
):
    customer, surety = demo

    log_in(page, "kredit", DEMO_PASSWORD)
    page.goto(customer.get_absolute_url())
    page.get_by_role("link", name="Bearbeiten").click()
    page.get_by_label("Bonitätsnote").fill(RATING)
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#messages")).to_contain_text("gespeichert")
    expect(page.locator(".record-fields")).to_contain_text(RATING)

    page.goto(surety.get_absolute_url())
    page.locator("#tab-shares").click()
    page.get_by_label("Benutzer").select_option(label="Vera Vogt")
    page.get_by_role("button", name="Freigeben").click()
    expect(page.locator("#messages")).to_contain_text("freigegeben für Vera Vogt")
    expect(page.locator("#shares")).to_contain_text("Vera Vogt")

    page.context.clear_cookies()
    log_in(page, "vertrieb", DEMO_PASSWORD)
    page.goto(customer.get_absolute_url())
    expect(page.locator(".secured-field")).to_contain_text("verborgen")
    page.locator("#tab-history").click()
    expect(page.locator("#tab[data-tab=history]")).to_contain_text("Bonitätsnote")
    assert RATING not in page.content()
    page.goto(f"{customer.get_absolute_url()}edit/")
    expect(page.get_by_label("Bonitätsnote")).to_have_count(0)
    assert RATING not in page.content()

    page.goto(surety.get_absolute_url())
    page.locator("#tab-access").click()
    share = page.locator(".access-reason[data-source=share]").first
    expect(share).to_contain_text("Freigabe an Sie (Lesen)")
