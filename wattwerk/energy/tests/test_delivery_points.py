"""Delivery points: the generic suite, and the identifier vectors of DOMAIN.md §3 through the
API (accepted or refused as the table says, the field named)."""

import itertools
import re
from decimal import Decimal

import pytest

from wattwerk.core.testing import RecordTypeSuite, query_plan
from wattwerk.energy.identifiers import with_check_digit
from wattwerk.energy.models import DeliveryPoint, LoadProfile

from .factories import DeliveryPointFactory, commodity

_numbers = itertools.count(1)
RELATED = (
    "energy.read_commodity",
    "energy.read_networkoperator",
    "energy.read_marketarea",
    "energy.read_balancingarea",
    "energy.read_loadprofile",
    "access.read_user",
    "access.read_department",
)


class TestDeliveryPointRecords(RecordTypeSuite):
    slug = "delivery-points"
    factory = DeliveryPointFactory
    api_path = "/api/v1/delivery-points/"
    change_field = "city"
    change_value = "Beispielstadt"
    bad_field = ("malo_id", "12345678918")
    related_permissions = RELATED

    def valid_form_data(self):
        return {
            "malo_id": "41373559241",
            "commodity": commodity().pk,
            "name": "Hauptwerk",
            "melo_ids": "DE0123456789012345678901234567890",
            "metering": "RLM",
            "annual_kwh": "1.250.000",
            "peak_kw": "480",
        }

    def valid_api_data(self):
        return {
            **self.valid_form_data(),
            "melo_ids": ["DE0123456789012345678901234567890"],
            "annual_kwh": "1250000",
        }

    def new_record_data(self, position, user, *, api):
        data = super().new_record_data(position, user, api=api)
        return {**data, "malo_id": with_check_digit(f"6{next(_numbers):09d}")}

    def form_values_of(self, record):
        return {
            "malo_id": record.malo_id,
            "commodity": record.commodity_id,
            "metering": record.metering,
            "owner": record.owner_id,
        }


@pytest.fixture
def api(api_client, make_user):
    user = make_user("energy.read_deliverypoint", "energy.create_deliverypoint", *RELATED)
    api_client.force_authenticate(user)
    return api_client


def post(api, **fields):
    data = {"malo_id": "41373559241", "commodity": commodity().pk, **fields}
    return api.post("/api/v1/delivery-points/", data, format="json")


def named(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("malo", "accepted", "says"),
    [
        ("41373559241", True, ""),
        ("51238696781", True, ""),
        ("12345678918", False, "Prüfziffer falsch: erwartet 3"),
        ("41373559214", False, "Prüfziffer falsch: erwartet 7"),
        ("51238696788", False, "Prüfziffer falsch: erwartet 1"),
        ("1234567891", False, "11 Ziffern"),
        ("1234XXX8901", False, "nur aus Ziffern"),
    ],
)
def test_malo_vectors_through_the_api(api, malo, accepted, says):
    response = post(api, malo_id=malo)
    assert (response.status_code == 201) == accepted, response.json()
    if not accepted:
        assert named(response) == ["malo_id"]
        assert says in response.json()["errors"][0]["message"]
        assert not DeliveryPoint.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("melo", "stored"),
    [
        ("DE0123456789012345678901234567890", "DE0123456789012345678901234567890"),
        ("DE 000562 66802 AO6G56M11SN51G21M24S", "DE00056266802AO6G56M11SN51G21M24S"),
        ("de0123456789012345678901234567890", "DE0123456789012345678901234567890"),
        ("DE.012345.08010.ABCDEFGH1234567890", None),
        ("DE012345678901234567890123456789", None),
    ],
)
def test_melo_vectors_through_the_api(api, melo, stored):
    response = post(api, melo_ids=[melo])
    if stored is None:
        assert response.status_code == 400
        assert named(response) == ["melo_ids"]
        assert "MeLo-ID Nr. 1" in response.json()["errors"][0]["message"]
    else:
        assert response.status_code == 201, response.json()
        assert DeliveryPoint.objects.get().melo_ids == [stored]


@pytest.mark.django_db
def test_a_malo_id_is_unique_per_commodity(api):
    assert post(api).status_code == 201
    again = post(api)
    assert again.status_code == 400
    assert "gibt es in dieser Sparte schon" in again.content.decode()
    assert post(api, commodity=commodity("gas").pk).status_code == 201


@pytest.mark.django_db
def test_full_load_hours_and_the_load_profile_commodity(api):
    response = post(api, annual_kwh="25000000", peak_kw="5000")
    assert response.json()["full_load_hours"] == "5000"
    gas_profile = LoadProfile.objects.get(commodity__code="gas", code="HEF")
    refused = post(api, malo_id="51238696781", load_profile=gas_profile.pk)
    assert named(refused) == ["load_profile"]
    assert DeliveryPoint.objects.get().annual_kwh == Decimal("25000000")


@pytest.mark.django_db
def test_a_malo_id_alone_is_looked_up_through_an_index():
    """The unique pair (commodity, MaLo-ID) leads with the commodity; the search by a MaLo-ID
    must not read the table (on PostgreSQL it did, 350,000 rows in the bench's M)."""
    DeliveryPointFactory.create_batch(3)
    malo = DeliveryPoint.objects.values_list("malo_id", flat=True).first()
    plan = query_plan(DeliveryPoint.objects.filter(malo_id=malo).values("pk"))
    assert re.search(r"\bdelivery_point_malo\b", plan), plan
