"""Stateful property test: random sequences of line edits, qualifications, status changes and
deletions; after every step each stored total equals a fresh computation."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from wattwerk.access.tests.factories import UserFactory
from wattwerk.core import operations as core_operations
from wattwerk.customers.tests.factories import AccountFactory
from wattwerk.energy.models import Commodity, EnergyService
from wattwerk.sales import operations, totals
from wattwerk.sales.models import Lead, Opportunity

from .factories import LeadFactory

line_values = st.one_of(
    st.fixed_dictionaries(
        {
            "line_set": st.sampled_from(["potential", "demand"]),
            "kind": st.just("energy"),
            "commodity": st.sampled_from(["strom", "gas", "waerme"]),
            "annual_kwh": st.decimals(min_value=0, max_value=10**9, places=3),
            "start": st.dates(min_value=date(2026, 1, 1), max_value=date(2029, 12, 1)),
            "days": st.integers(min_value=1, max_value=1200),
            "price": st.none() | st.decimals(min_value=0, max_value=100, places=4),
        }
    ),
    st.fixed_dictionaries(
        {
            "line_set": st.sampled_from(["potential", "demand"]),
            "kind": st.just("service"),
            "value_eur": st.decimals(min_value=0, max_value=10**7, places=2),
        }
    ),
)


def as_values(drawn: dict) -> dict:
    if drawn["kind"] == "service":
        return {
            "line_set": drawn["line_set"],
            "kind": "service",
            "service": EnergyService.objects.get(name="Energieaudit"),
            "value_eur": drawn["value_eur"],
        }
    start = drawn["start"]
    return {
        "line_set": drawn["line_set"],
        "kind": "energy",
        "commodity": Commodity.objects.get(code=drawn["commodity"]),
        "annual_kwh": drawn["annual_kwh"],
        "active_from": start,
        "active_to": date.fromordinal(start.toordinal() + drawn["days"]),
        "price_ct_kwh": drawn["price"],
    }


class Totals(RuleBasedStateMachine):
    @initialize()
    def start(self):
        self.owner = UserFactory()
        self.accounts = [AccountFactory(owner=self.owner) for _ in range(2)]
        self.now = timezone.now()

    def parents(self):
        leads = list(Lead.objects.filter(owner=self.owner, status=Lead.Status.OPEN))
        open_ = Opportunity.Status.OPEN
        return leads + list(Opportunity.objects.filter(owner=self.owner, status=open_))

    @rule()
    def new_lead(self):
        LeadFactory(owner=self.owner)

    @rule(pick=st.integers(0, 1))
    def new_opportunity(self, pick):
        core_operations.create_record(
            instance=Opportunity(name="Chance", account=self.accounts[pick], owner=self.owner),
            acting_user=None,
            now=self.now,
        )

    @precondition(lambda self: self.parents())
    @rule(pick=st.integers(0, 100), drawn=line_values)
    def add_line(self, pick, drawn):
        parents = self.parents()
        parent = parents[pick % len(parents)]
        operations.add_line(parent=parent, values=as_values(drawn), acting_user=None, now=self.now)

    def lines(self):
        found = []
        for parent in self.parents():
            found += list(parent.lines.all())
        return found

    @precondition(lambda self: self.lines())
    @rule(pick=st.integers(0, 100), kwh=st.decimals(min_value=0, max_value=10**8, places=3))
    def change_line(self, pick, kwh):
        lines = self.lines()
        line = lines[pick % len(lines)]
        if line.kind == "energy":
            values = {"annual_kwh": kwh}
        else:
            values = {"value_eur": kwh.quantize(Decimal("0.01"))}
        operations.change_line(line=line, values=values, acting_user=None, now=self.now)

    @precondition(lambda self: self.lines())
    @rule(pick=st.integers(0, 100))
    def remove_line(self, pick):
        lines = self.lines()
        operations.remove_line(line=lines[pick % len(lines)], acting_user=None, now=self.now)

    @precondition(lambda self: Lead.objects.filter(owner=self.owner, status="open").exists())
    @rule(pick=st.integers(0, 100), existing=st.booleans())
    def qualify(self, pick, existing):
        leads = list(Lead.objects.filter(owner=self.owner, status="open"))
        lead = leads[pick % len(leads)]
        account = self.accounts[pick % 2] if existing else None
        operations.qualify_lead(lead=lead, account=account, acting_user=None, now=self.now)

    @precondition(lambda self: Opportunity.objects.filter(owner=self.owner, status="open").exists())
    @rule(pick=st.integers(0, 100), won=st.booleans())
    def close(self, pick, won):
        open_ = list(Opportunity.objects.filter(owner=self.owner, status="open"))
        operations.close_opportunity(
            opportunity=open_[pick % len(open_)],
            won=won,
            reason="zu teuer",
            acting_user=None,
            now=self.now,
        )

    @precondition(lambda self: Opportunity.objects.filter(owner=self.owner, lead=None).exists())
    @rule(pick=st.integers(0, 100))
    def delete_opportunity(self, pick):
        candidates = list(Opportunity.objects.filter(owner=self.owner, lead=None))
        core_operations.delete_record(
            instance=candidates[pick % len(candidates)], acting_user=None, now=self.now
        )

    @precondition(lambda self: Opportunity.objects.filter(owner=self.owner, status="open").exists())
    @rule(pick=st.integers(0, 100))
    def move_opportunity(self, pick):
        open_ = list(Opportunity.objects.filter(owner=self.owner, status="open"))
        opportunity = open_[pick % len(open_)]
        opportunity.account = next(a for a in self.accounts if a.pk != opportunity.account_id)
        core_operations.update_record(instance=opportunity, acting_user=None, now=self.now)

    @precondition(lambda self: Opportunity.objects.filter(owner=self.owner).exists())
    @rule(pick=st.integers(0, 100), probability=st.integers(0, 100))
    def change_probability(self, pick, probability):
        opportunities = list(Opportunity.objects.filter(owner=self.owner))
        opportunity = opportunities[pick % len(opportunities)]
        opportunity.probability = probability
        core_operations.update_record(instance=opportunity, acting_user=None, now=self.now)

    @invariant()
    def every_total_equals_a_fresh_computation(self):
        assert totals.differences() == []


@pytest.mark.django_db
def test_totals_stay_right_through_random_sequences():
    Totals.TestCase.settings = settings(
        max_examples=15,
        stateful_step_count=10,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    Totals.TestCase().runTest()
