"""Journey: a delivery point with a wrong MaLo-ID, corrected, a load curve taken over."""

import pytest
from playwright.sync_api import Page, expect

from wattwerk.access.tests.factories import UserFactory
from wattwerk.energy.models import DeliveryPoint

from .test_loadcurves import local_rows, year_start

pytestmark = pytest.mark.browser


def test_create_with_a_wrong_malo_fix_it_upload_a_load_curve_and_take_it_over(
    page: Page, force_login, page_watch, reference_data
):
    user = UserFactory(
        permissions=[
            "energy.read_deliverypoint",
            "energy.create_deliverypoint",
            "energy.write_deliverypoint",
            "energy.read_commodity",
            "access.read_user",
        ]
    )
    force_login(user)
    page.goto("/delivery-points/add/")
    page.get_by_label("MaLo-ID").fill("12345678918")
    page.get_by_label("Sparte").select_option(label="Strom")
    page.get_by_label("Bezeichnung").fill("Kühlhaus Nord")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("[data-field=malo_id]")).to_contain_text(
        "Prüfziffer falsch: erwartet 3, angegeben 8."
    )
    page_watch.problems.clear()  # the browser logs the expected 422

    page.get_by_label("MaLo-ID").fill("12345678913")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#messages")).to_contain_text("angelegt")
    point = DeliveryPoint.objects.get()

    page.locator("#tab-load_curve").click()
    lines = ["Zeit;kW", *local_rows(year_start(2026), year_start(2027), lambda m: "50,0")]
    page.locator("#id_file").set_input_files(
        {"name": "lastgang.csv", "mimeType": "text/csv", "buffer": "\n".join(lines).encode()}
    )
    page.get_by_role("button", name="Auswerten").click()
    expect(page.locator("#annual-kwh")).to_contain_text("438.000,0")  # 50 kW × 8,760 h
    page.get_by_role("button", name="In die Lieferstelle übernehmen").click()
    expect(page.locator("#messages")).to_contain_text("übernommen")
    expect(page.locator(".record-fields")).to_contain_text("438.000")
    point.refresh_from_db()
    assert point.annual_kwh == 438000
    assert point.metering == "RLM"
