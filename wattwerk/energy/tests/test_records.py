"""The reference data through the generic record suite: pages, API, rights, history."""

from decimal import Decimal

from wattwerk.core.testing import RecordTypeSuite
from wattwerk.energy.models import LoadProfile, MarketArea, PriceModel

from .factories import (
    BalancingAreaFactory,
    CommodityFactory,
    EnergyServiceFactory,
    LoadProfileFactory,
    MarketAreaFactory,
    NetworkOperatorFactory,
    PriceModelFactory,
    ProductFactory,
    RateFactory,
    area_eic,
    commodity,
    gln,
    unique,
)


class TestCommodityRecords(RecordTypeSuite):
    slug = "commodities"
    factory = CommodityFactory
    api_path = "/api/v1/commodities/"
    change_field = "name"
    change_value = "Kälte"
    bad_field = ("code", "kein Kürzel!")

    def valid_form_data(self):
        n = unique("k").split()[1]
        return {"name": f"Dampf {n}", "code": f"dampf-{n}", "year_kind": "calendar"}

    def valid_api_data(self):
        return self.valid_form_data()


class TestEnergyServiceRecords(RecordTypeSuite):
    slug = "energy-services"
    factory = EnergyServiceFactory
    api_path = "/api/v1/energy-services/"
    change_field = "unit"
    change_value = "kWp"
    bad_field = ("name", "")

    def valid_form_data(self):
        return {"name": unique("Druckluft-Contracting"), "unit": "m³/h"}

    def valid_api_data(self):
        return self.valid_form_data()


class TestMarketAreaRecords(RecordTypeSuite):
    slug = "market-areas"
    factory = MarketAreaFactory
    api_path = "/api/v1/market-areas/"
    change_field = "operator"
    change_value = "Übertragungsnetzbetreiber Nord"
    bad_field = ("eic", "THE0BFH027950000")  # a THE market-area code, not an EIC
    related_permissions = ("energy.read_commodity",)

    def valid_form_data(self):
        return {
            "name": unique("Regelzone"),
            "kind": MarketArea.Kind.CONTROL_AREA,
            "eic": area_eic(900000 + int(unique("x").split()[1])),
            "commodity": commodity().pk,
        }

    def valid_api_data(self):
        return self.valid_form_data()


class TestBalancingAreaRecords(RecordTypeSuite):
    slug = "balancing-areas"
    factory = BalancingAreaFactory
    api_path = "/api/v1/balancing-areas/"
    change_field = "name"
    change_value = "Bilanzierungsgebiet Nord"
    bad_field = ("eic", "11XRWEWWE-8001H3")  # a party (type X), not an area
    related_permissions = ("energy.read_marketarea",)

    def valid_form_data(self):
        return {"name": unique("Gebiet"), "eic": area_eic(800000 + int(unique("x").split()[1]))}

    def valid_api_data(self):
        return self.valid_form_data()


class TestNetworkOperatorRecords(RecordTypeSuite):
    slug = "network-operators"
    factory = NetworkOperatorFactory
    api_path = "/api/v1/network-operators/"
    change_field = "name"
    change_value = "Stadtwerke Musterstadt Netz GmbH"
    bad_field = ("market_partner_id", "9904292000004")
    related_permissions = ("energy.read_commodity",)

    def valid_form_data(self):
        return {
            "name": unique("Netz"),
            "market_partner_id": gln(700000 + int(unique("x").split()[1])),
            "commodity": commodity().pk,
        }

    def valid_api_data(self):
        return self.valid_form_data()


class TestLoadProfileRecords(RecordTypeSuite):
    slug = "load-profiles"
    factory = LoadProfileFactory
    api_path = "/api/v1/load-profiles/"
    change_field = "name"
    change_value = "Gewerbe werktags"
    bad_field = ("method", "XYZ")
    related_permissions = ("energy.read_commodity",)

    def valid_form_data(self):
        return {
            "code": f"T{unique('x').split()[1]}",
            "name": "Testprofil",
            "commodity": commodity("gas").pk,
            "method": LoadProfile.Method.TLP,
        }

    def valid_api_data(self):
        return self.valid_form_data()


class TestPriceModelRecords(RecordTypeSuite):
    slug = "price-models"
    factory = PriceModelFactory
    api_path = "/api/v1/price-models/"
    change_field = "description"
    change_value = "Strukturierte Beschaffung"
    bad_field = ("name", "")

    def valid_form_data(self):
        return {"name": unique("Portfoliomodell")}

    def valid_api_data(self):
        return self.valid_form_data()


class TestProductRecords(RecordTypeSuite):
    slug = "products"
    factory = ProductFactory
    api_path = "/api/v1/products/"
    change_field = "description"
    change_value = "Für Kunden ab 100 MWh/a"
    bad_field = ("active_from", "kein Datum")
    related_permissions = ("energy.read_commodity", "energy.read_pricemodel")

    def valid_form_data(self):
        return {
            "name": unique("Strom Fix"),
            "commodity": commodity().pk,
            "price_model": PriceModel.objects.get(name="Festpreis").pk,
            "active_from": "2027-01-01",
        }

    def valid_api_data(self):
        return self.valid_form_data()


class TestRateRecords(RecordTypeSuite):
    slug = "rates"
    factory = RateFactory
    api_path = "/api/v1/rates/"
    change_field = "note"
    change_value = "geprüft"
    bad_field = ("value", "viel")
    related_permissions = ("energy.read_commodity",)

    def search_term(self, record):
        return record.name  # its display name ends in the date it is valid from

    def valid_form_data(self):
        return {
            "name": "Offshore-Netzumlage",
            "code": f"offshore-{unique('x').split()[1]}",
            "value": "0,816",
            "unit": "ct/kWh",
            "valid_from": "2026-01-01",
        }

    def valid_api_data(self):
        return {**self.valid_form_data(), "value": str(Decimal("0.816"))}
