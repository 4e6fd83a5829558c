"""Leads, opportunities and account opportunities through the generic suite."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wattwerk.core.testing import RecordTypeSuite
from wattwerk.customers.tests.factories import AccountFactory
from wattwerk.customers.tests.test_records import RELATED as CUSTOMER_RELATED
from wattwerk.customers.tests.test_records import add_activities
from wattwerk.sales import operations

from .factories import AccountOpportunityFactory, LeadFactory, OpportunityFactory, energy, service

RELATED = (*CUSTOMER_RELATED, "customers.read_account", "customers.read_contact")


def add_lines(parent, n: int) -> None:
    """``n`` energy lines (potential and demand, one delivery year after another) and a
    service line per two."""
    start = 2027 + parent.lines.count()
    for i in range(n):
        line_set = ("potential", "demand")[i % 2]
        year = start + i
        values = energy(
            line_set, kwh=str(100000 * (i + 1)), start=(year, 1, 1), end=(year + 1, 1, 1)
        )
        if i % 3 == 2:
            values = service(line_set)
        operations.add_line(parent=parent, values=values, acting_user=None, now=timezone.now())


class LinesAndActivities:
    def grow_related(self, record, n):
        super().grow_related(record, n)
        add_activities(record, n)
        add_lines(record, n)


class TestLeadRecords(LinesAndActivities, RecordTypeSuite):
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


class TestOpportunityRecords(LinesAndActivities, RecordTypeSuite):
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

    def grow_related(self, record, n):
        super().grow_related(record, n)
        OpportunityFactory.create_batch(n, account=record.account, account_opportunity=record)

    def search_term(self, record) -> str:
        return record.account.name


@pytest.mark.django_db
def test_the_required_securities_of_an_opportunity_need_a_status():
    opportunity = OpportunityFactory(account=AccountFactory())
    opportunity.required_securities = [{"type": "Barkaution", "amount": "5000"}]
    with pytest.raises(ValidationError, match="Status fehlt"):
        opportunity.full_clean()
