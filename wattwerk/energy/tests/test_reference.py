"""Shipped reference data, time-sliced rates, and the identifier vectors through the API."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from wattwerk.energy.models import MarketArea, NetworkOperator, Rate

from .factories import commodity

pytestmark = pytest.mark.django_db


def test_the_migration_ships_the_market_structure():
    areas = dict(MarketArea.objects.values_list("eic", "kind"))
    assert {eic for eic, kind in areas.items() if kind == "control_area"} == {
        "10YDE-VE-------2",
        "10YDE-RWENET---I",
        "10YDE-EON------1",
        "10YDE-ENBW-----N",
    }
    assert areas["37Y005053MH0000R"] == "gas_market_area"


def test_a_real_network_operator_is_shipped_with_its_scheme():
    operator = NetworkOperator.objects.get(market_partner_id="9900080000007")
    assert (operator.name, operator.scheme, operator.commodity.code) == (
        "Stromnetz Berlin GmbH",
        "BDEW",
        "strom",
    )


def test_rates_are_read_for_a_day():
    assert Rate.objects.valid_on(date(2026, 3, 1)).get(code="stromsteuer").value == Decimal("2.05")
    co2 = Rate.objects.filter(code="co2-preis")
    assert co2.valid_on(date(2024, 12, 31)).get().value == Decimal("45")
    assert co2.valid_on(date(2025, 1, 1)).get().value == Decimal("55")
    assert not Rate.objects.valid_on(date(2026, 1, 1)).filter(code="gasspeicherumlage").exists()


def test_the_shipped_slices_of_a_rate_do_not_overlap():
    for rate in Rate.objects.all():
        rate.full_clean()  # refuses a slice that overlaps another of its code


def test_konzessionsabgabe_and_vat_are_sliced_by_validity():
    on = Rate.objects.valid_on
    assert on(date(2026, 6, 1)).get(code="ka-strom-sondervertrag").value == Decimal("0.11")
    assert on(date(2026, 6, 1)).get(code="ka-gas-tarif-ueber-500000").value == Decimal("0.40")
    vat = Rate.objects.filter(code="umsatzsteuer")
    assert vat.valid_on(date(2020, 12, 31)).get().value == Decimal(16)
    assert vat.valid_on(date(2021, 1, 1)).get().value == Decimal(19)
    assert vat.valid_on(date(2020, 6, 30)).get().value == Decimal(19)


@pytest.fixture
def admin_api(api_client, make_user):
    user = make_user(
        *(
            f"energy.{action}_{model}"
            for action in ("read", "create")
            for model in ("rate", "networkoperator", "balancingarea", "commodity", "marketarea")
        )
    )
    api_client.force_authenticate(user)
    return api_client


def fields_named(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def test_an_overlapping_rate_is_refused(admin_api):
    response = admin_api.post(
        "/api/v1/rates/",
        {
            "name": "Stromsteuer",
            "code": "stromsteuer",
            "value": "1.50",
            "unit": "ct/kWh",
            "valid_from": "2030-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert fields_named(response) == ["valid_from"]
    assert "gilt in diesem Zeitraum schon" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("value", "scheme"),
    [
        ("9904292000003", "BDEW"),
        ("9800298000007", "DVGW"),
        ("4033872000058", "GS1"),
        ("9900000000011", "BDEW"),
        ("990429200000", None),
        ("9904292000004", None),
    ],
)
def test_market_partner_ids_through_the_api(admin_api, value, scheme):
    response = admin_api.post(
        "/api/v1/network-operators/",
        {"name": "Netz", "market_partner_id": value, "commodity": commodity().pk},
        format="json",
    )
    if scheme is None:
        assert response.status_code == 400
        assert fields_named(response) == ["market_partner_id"]
        assert not NetworkOperator.objects.filter(name="Netz").exists()
    else:
        assert response.status_code == 201, response.json()
        assert response.json()["scheme"] == scheme


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("11YN10000762-01E", True),
        ("11yw-albstadt--6", False),  # wrong check character
        ("11XRWEWWE-8001H3", False),  # a party, not an area
        ("THE0BFH027950000", False),  # a market-area code, not an EIC
        ("23X--130302DLGW-", False),
    ],
)
def test_eics_through_the_api(admin_api, value, accepted):
    response = admin_api.post(
        "/api/v1/balancing-areas/", {"name": "Gebiet", "eic": value}, format="json"
    )
    assert (response.status_code == 201) == accepted, response.json()
    if not accepted:
        assert fields_named(response) == ["eic"]


def test_the_command_adds_only_what_is_missing():
    MarketArea.objects.filter(eic="10YDE-VE-------2").delete()
    Rate.objects.filter(code="stromsteuer").update(note="geprüft 2026")
    before = Rate.objects.count()
    call_command("load_reference_data", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    assert MarketArea.objects.filter(eic="10YDE-VE-------2").count() == 1
    assert Rate.objects.count() == before
    assert Rate.objects.get(code="stromsteuer").note == "geprüft 2026"
