"""The common lists of leads and opportunities are read from an index range in their order,
not by sorting every match (on the bench's M: 200,000 leads, most of them open; 100,000
opportunities, one owner's about 1 in 120)."""

import pytest

from wattwerk.access.tests.factories import UserFactory
from wattwerk.core.testing import sqlite_query_plan
from wattwerk.sales.models import Lead, Opportunity

from .factories import LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


def test_the_open_opportunities_of_an_owner_by_expected_close():
    owner, other = UserFactory(), UserFactory()
    for user in (owner, other, other):
        OpportunityFactory(owner=user)
    query = (
        Opportunity.objects.filter(owner=owner, status=Opportunity.Status.OPEN)
        .order_by("expected_close")
        .values("pk")[:25]
    )
    plan = sqlite_query_plan(query)
    assert "opportunity_owner" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # SQLite: no sort of the matches


def test_the_open_leads_by_company():
    LeadFactory.create_batch(3)
    query = Lead.objects.filter(status=Lead.Status.OPEN).order_by("company_name").values("pk")[:25]
    plan = sqlite_query_plan(query)
    assert "lead_status" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # SQLite: no sort of the matches
