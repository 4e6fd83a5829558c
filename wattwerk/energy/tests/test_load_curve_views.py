"""The tab "Lastgang": upload, result, take-over, rights."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wattwerk.core.testing import history

from .factories import DeliveryPointFactory
from .test_loadcurves import local_rows, year_start

pytestmark = pytest.mark.django_db

WRITER = ("energy.read_deliverypoint", "energy.write_deliverypoint")


def csv_file(lines) -> SimpleUploadedFile:
    return SimpleUploadedFile("lastgang.csv", "\n".join(lines).encode(), "text/csv")


def a_year(value="120,0"):
    return ["Zeit;kW", *local_rows(year_start(2026), year_start(2027), lambda m: value)]


def test_upload_shows_the_figures_and_take_over_writes_them(client, make_user):
    point = DeliveryPointFactory()
    client.force_login(make_user(*WRITER))
    url = reverse("delivery-points_load_curve", args=[point.pk])
    response = client.post(url, {"file": csv_file(a_year()), "unit": "kW"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1.051.200,0\N{NO-BREAK SPACE}kWh" in page  # 120 kW × 8,760 h
    assert 'id="metering">RLM' in page
    assert "<polyline" in page

    take_over = reverse("delivery-points_take_over", args=[point.pk])
    answer = client.post(
        take_over, {"annual_kwh": "1051200.000", "peak_kw": "120.0", "metering": "RLM"}
    )
    assert answer.status_code == 302
    point.refresh_from_db()
    assert (point.annual_kwh, point.peak_kw, point.metering) == (
        Decimal("1051200.000"),
        Decimal("120.0"),
        "RLM",
    )
    assert "annual_kwh" in history(point)[-1].changes


def test_problems_are_listed(client, make_user):
    point = DeliveryPointFactory()
    client.force_login(make_user(*WRITER))
    lines = a_year()
    del lines[100:196]
    response = client.post(
        reverse("delivery-points_load_curve", args=[point.pk]),
        {"file": csv_file(lines), "unit": "kW"},
    )
    assert 'data-kind="gap"' in response.content.decode()


def test_a_file_without_values_is_refused(client, make_user):
    point = DeliveryPointFactory()
    client.force_login(make_user(*WRITER))
    response = client.post(
        reverse("delivery-points_load_curve", args=[point.pk]),
        {"file": csv_file(["nur Text"]), "unit": "kW"},
    )
    assert response.status_code == 422
    assert "keine lesbaren Werte" in response.content.decode()


def test_readers_see_the_tab_but_cannot_upload(client, make_user):
    point = DeliveryPointFactory()
    client.force_login(make_user("energy.read_deliverypoint"))
    url = reverse("delivery-points_load_curve", args=[point.pk])
    page = client.get(url).content.decode()
    assert 'id="load-curve-read-only"' in page
    assert client.post(url, {"file": csv_file(a_year()), "unit": "kW"}).status_code == 403
    take_over = reverse("delivery-points_take_over", args=[point.pk])
    assert client.post(take_over, {"annual_kwh": "1", "peak_kw": "1"}).status_code == 403
    client.force_login(make_user())
    assert client.get(url).status_code == 404
