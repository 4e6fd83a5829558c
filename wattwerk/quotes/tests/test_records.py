"""Quotes through the generic suite: lists, record pages, forms, API, rights, search."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from wattwerk.core.testing import RecordTypeSuite
from wattwerk.customers.tests.test_records import add_activities
from wattwerk.energy.models import Commodity, EnergyService
from wattwerk.quotes import operations
from wattwerk.sales.tests.factories import OpportunityFactory
from wattwerk.sales.tests.test_records import RELATED as SALES_RELATED

from .factories import QuoteFactory

RELATED = (*SALES_RELATED, "sales.read_opportunity")


class TestQuoteRecords(RecordTypeSuite):
    slug = "quotes"
    factory = QuoteFactory
    api_path = "/api/v1/quotes/"
    change_field = "payment_terms"
    change_value = "14 Tage netto"
    bad_field = ("binding_until", "morgen früh")
    related_permissions = RELATED

    def valid_form_data(self):
        return {"name": "Strom 2027", "opportunity": OpportunityFactory().pk}

    def valid_api_data(self):
        return self.valid_form_data()

    def form_values_of(self, record):
        return {
            "name": record.name,
            "opportunity": record.opportunity_id,
            "owner": record.owner_id,
        }

    def search_term(self, record) -> str:
        return record.number

    def grow_related(self, record, n):
        super().grow_related(record, n)
        add_activities(record, n)
        strom = Commodity.objects.get(code="strom")
        start = 2027 + record.lines.count()
        for i in range(n):
            year = start + i
            values = {
                "kind": "energy",
                "commodity": strom,
                "annual_kwh": Decimal(100000 * (i + 1)),
                "active_from": date(year, 1, 1),
                "active_to": date(year + 1, 1, 1),
                "price_ct_kwh": Decimal("11.85"),
                "base_price_eur_month": Decimal("35"),
            }
            if i % 3 == 2:
                values = {
                    "kind": "service",
                    "service": EnergyService.objects.first(),
                    "scope": Decimal("1"),
                    "value_eur": Decimal("4800"),
                }
            operations.add_line(parent=record, values=values, acting_user=None, now=timezone.now())
