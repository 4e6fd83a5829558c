"""Quotes through the generic suite: lists, record pages, forms, API, rights, search."""

from wattwerk.core.testing import RecordTypeSuite
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
