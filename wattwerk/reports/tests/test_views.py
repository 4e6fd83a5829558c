"""The controlling page, its exports and API, and the start page — each a fixed number of
queries however much data."""

import io

import openpyxl
import pytest
from django.urls import reverse

from wattwerk.core.testing import count_queries
from wattwerk.quotes import operations
from wattwerk.quotes.tests.helpers import salesperson

from .test_queries import seed_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(client, api_client):
    user = salesperson()
    client.force_login(user)
    api_client.force_authenticate(user)
    return user


def test_the_page_shows_every_report_and_groups_the_pipeline(client, seller, now):
    seed_group(seller, now)
    page = client.get(reverse("reports")).content.decode()
    for key in ("pipeline", "volume", "indicative", "won", "hit-rate", "ending"):
        assert f'id="report-{key}"' in page
    assert "10.000,0" in page  # MWh per delivery year, the group once
    assert "Mengenpipeline (verbindliche Angebote)" in page
    by_owner = client.get(reverse("reports"), {"by": "owner"}).content.decode()
    assert "EUR-Pipeline nach Verantwortlich" in by_owner


def test_exports_as_csv_and_xlsx(client, seller, now):
    seed_group(seller, now)
    csv = b"".join(client.get(reverse("reports_export", args=["volume", "csv"])).streaming_content)
    lines = csv.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Lieferjahr;Sparte;")
    assert lines[1].startswith("2027;Strom;")
    assert "10000" in lines[1].replace(".", "")
    xlsx = client.get(reverse("reports_export", args=["pipeline", "xlsx"]), {"by": "owner"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "Verantwortlich"
    assert rows[-1][0] == "Summe"
    assert client.get(reverse("reports_export", args=["nothing", "csv"])).status_code == 404


def test_the_api_gives_the_same_figures(api_client, seller, now):
    seed_group(seller, now)
    keys = [item["key"] for item in api_client.get("/api/v1/reports/").json()]
    assert keys == ["pipeline", "volume", "indicative", "won", "hit-rate", "ending"]
    volume = api_client.get("/api/v1/reports/volume/").json()
    assert [row["year"] for row in volume["rows"]] == ["2027", "2028", "2029"]
    assert {row["mwh"] for row in volume["rows"]} == {"10000.000"}
    assert volume["totals"]["mwh"] == "30000.000"
    by_month = api_client.get("/api/v1/reports/pipeline/", {"by": "month"}).json()
    assert by_month["columns"][0]["label"] == "Monat des erwarteten Abschlusses"
    assert api_client.get("/api/v1/reports/nothing/").status_code == 404


def test_pages_and_api_run_a_fixed_number_of_queries(client, api_client, seller, now):
    seed_group(seller, now)
    urls = [
        reverse("reports"),
        reverse("home"),
        "/api/v1/reports/volume/",
        reverse("reports_export", args=["won", "xlsx"]),
    ]

    def counts():
        return [
            count_queries(lambda url=url: (api_client if "/api/" in url else client).get(url))
            for url in urls
        ]

    few = counts()
    for _ in range(3):
        _opportunity, _yearly, combined = seed_group(seller, now)
    operations.win_quote(quote=combined, acting_user=seller, now=now)
    assert counts() == few


def test_the_start_page_shows_my_work_and_pipelines(client, seller, now):
    from wattwerk.access.tests.factories import DepartmentFactory

    seller.department = DepartmentFactory(name="Geschäftskunden")
    seller.save()
    _opportunity, yearly, _combined = seed_group(seller, now, probability=50)
    page = client.get(reverse("home")).content.decode()
    assert 'id="my-activities"' in page
    assert 'id="my-pipeline"' in page
    assert yearly[0].number in page  # its Bindefrist ends within 7 days
    assert "Pipeline der Abteilung Geschäftskunden" in page
