"""The tab "Lastgang" and its API: upload (CSV and XLSX), result, take-over, rights."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token

from wattwerk.core.testing import history

from .factories import DeliveryPointFactory
from .test_loadcurves import QUARTER, local_rows, xlsx, year_start

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


def test_an_xlsx_upload_is_read_like_a_csv(client, make_user):
    point = DeliveryPointFactory()
    client.force_login(make_user(*WRITER))
    start = datetime(2026, 2, 2)
    workbook = xlsx([("Zeit", "kWh"), *((start + QUARTER * i, 2.5) for i in range(96))])
    upload = SimpleUploadedFile("lastgang.xlsx", workbook.getvalue())
    response = client.post(
        reverse("delivery-points_load_curve", args=[point.pk]), {"file": upload, "unit": "kWh"}
    )
    assert response.status_code == 200
    assert "240,0\N{NO-BREAK SPACE}kWh" in response.content.decode()  # 96 × 2.5 kWh


def test_a_broken_xlsx_is_refused_with_the_reason(client, make_user):
    point = DeliveryPointFactory()
    client.force_login(make_user(*WRITER))
    upload = SimpleUploadedFile("lastgang.xlsx", b"PK\x03\x04 abgeschnitten")
    response = client.post(
        reverse("delivery-points_load_curve", args=[point.pk]), {"file": upload, "unit": "kW"}
    )
    assert response.status_code == 422
    assert "keine lesbare Excel-Datei" in response.content.decode()


# --- API: POST /api/v1/delivery-points/<id>/load-curve/ ---------------------------------------


def api_login(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def load_curve_path(point):
    return f"/api/v1/delivery-points/{point.pk}/load-curve/"


def test_api_analyses_and_takes_over(api_client, make_user):
    point = DeliveryPointFactory()
    api_login(api_client, make_user(*WRITER))
    lines = a_year()
    del lines[1000:1004]  # an hour missing
    answer = api_client.post(
        load_curve_path(point),
        {"file": csv_file(lines), "unit": "kW", "take_over": "true"},
        format="multipart",
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["count"] == 35036
    assert body["interval_minutes"] == 15
    assert body["problem_counts"] == {"gap": 1}
    assert body["problems"][0]["kind"] == "gap"
    assert body["peak_kw"] == "120.000"
    assert body["metering"] == "RLM"
    assert body["taken_over"] is True
    point.refresh_from_db()
    assert point.annual_kwh == Decimal(body["annual_kwh"])
    assert point.metering == "RLM"
    assert "annual_kwh" in history(point)[-1].changes


def test_api_without_take_over_changes_nothing(api_client, make_user):
    point = DeliveryPointFactory(annual_kwh=None)
    api_login(api_client, make_user(*WRITER))
    answer = api_client.post(
        load_curve_path(point), {"file": csv_file(a_year()), "unit": "kW"}, format="multipart"
    )
    assert answer.status_code == 200
    assert answer.json()["annual_kwh"] == "1051200.000"
    point.refresh_from_db()
    assert point.annual_kwh is None


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({"unit": "kW"}, "file", "required"),
        ({"file": b"PK\x03\x04 kaputt", "unit": "kW"}, "file", "keine lesbare Excel-Datei"),
        ({"file": b"nur Text", "unit": "kW"}, "file", "keine lesbaren Werte"),
        ({"file": b"01.01.2026 00:00;1", "unit": "MW"}, "unit", "MW"),
    ],
)
def test_api_bad_uploads_name_the_field(api_client, make_user, data, field, reason):
    point = DeliveryPointFactory()
    api_login(api_client, make_user(*WRITER))
    if "file" in data:
        data = {**data, "file": SimpleUploadedFile("lastgang.csv", data["file"])}
    answer = api_client.post(load_curve_path(point), data, format="multipart")
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["field"] == field
    assert reason in (error["message"], error["code"]) or reason in error["message"]


def test_api_needs_write_and_hides_what_cannot_be_read(api_client, make_user):
    point = DeliveryPointFactory()
    api_login(api_client, make_user("energy.read_deliverypoint"))
    data = {"file": csv_file(a_year()), "unit": "kW", "take_over": "true"}
    assert api_client.post(load_curve_path(point), data, format="multipart").status_code == 403
    api_login(api_client, make_user())
    data = {"file": csv_file(a_year()), "unit": "kW"}
    assert api_client.post(load_curve_path(point), data, format="multipart").status_code == 404
    assert not history(point)
