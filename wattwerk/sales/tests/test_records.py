"""Leads, opportunities and account opportunities through the generic suite."""

import pytest
from django.core.exceptions import ValidationError

from wattwerk.core.testing import RecordTypeSuite
from wattwerk.customers.tests.factories import AccountFactory
from wattwerk.customers.tests.test_records import RELATED as CUSTOMER_RELATED

from .factories import AccountOpportunityFactory, LeadFactory, OpportunityFactory

RELATED = (*CUSTOMER_RELATED, "customers.read_account", "customers.read_contact")


class TestLeadRecords(RecordTypeSuite):
    slug = "leads"
    factory = LeadFactory
    api_path = "/api/v1/leads/"
    change_field = "city"
    change_value = "Beispielstadt"
    bad_field = ("postcode", "1234")
    related_permissions = RELATED

    def valid_form_data(self):
        return {"company_name": "Kühlhaus Nord", "last_name": "Kühn", "source": "fair"}

    def valid_api_data(self):
        return self.valid_form_data()

    def form_values_of(self, record):
        return {"company_name": record.company_name, "owner": record.owner_id}

    def search_term(self, record) -> str:
        return record.company_name


class TestOpportunityRecords(RecordTypeSuite):
    slug = "opportunities"
    factory = OpportunityFactory
    api_path = "/api/v1/opportunities/"
    change_field = "probability"
    change_value = 60
    bad_field = ("probability", 120)
    related_permissions = RELATED
    secured_values = {
        "required_securities": (
            [{"type": "kreditversicherung", "amount": "887766.00", "status": "requested"}],
            [{"type": "vorauszahlung", "amount": "55443.00", "status": "received"}],
        )
    }

    def valid_form_data(self):
        return {"name": "Strom 2027–2029", "account": AccountFactory().pk, "probability": "30"}

    def valid_api_data(self):
        return {**self.valid_form_data(), "probability": 30}

    def form_values_of(self, record):
        return {
            "name": record.name,
            "account": record.account_id,
            "probability": record.probability,
            "owner": record.owner_id,
        }


class TestAccountOpportunityRecords(RecordTypeSuite):
    slug = "account-opportunities"
    factory = AccountOpportunityFactory
    api_path = "/api/v1/account-opportunities/"
    change_field = "note"
    change_value = "Rahmenvertrag 2028 vorbereiten"
    bad_field = ("phase", "unbekannt")
    related_permissions = RELATED

    def valid_form_data(self):
        return {"account": AccountFactory().pk, "phase": "penetration"}

    def valid_api_data(self):
        return self.valid_form_data()

    def form_values_of(self, record):
        return {"account": record.account_id, "phase": record.phase, "owner": record.owner_id}

    def search_term(self, record) -> str:
        return record.account.name


@pytest.mark.django_db
def test_the_required_securities_of_an_opportunity_need_a_status():
    opportunity = OpportunityFactory(account=AccountFactory())
    opportunity.required_securities = [{"type": "Barkaution", "amount": "5000"}]
    with pytest.raises(ValidationError, match="Status fehlt"):
        opportunity.full_clean()
