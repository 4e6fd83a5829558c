"""Last and next activity of leads, opportunities and accounts: kept right in the same
transaction as every create, complete, cancel, reschedule, move and delete — checked step by step
and by random sequences against a fresh computation."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from wattwerk.access.tests.factories import UserFactory
from wattwerk.activities import chains, operations, queries
from wattwerk.activities.models import Activity, Chain, ChainTemplate
from wattwerk.core import operations as core_operations
from wattwerk.customers.tests.factories import AccountFactory
from wattwerk.sales.tests.factories import LeadFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=BERLIN)


def new_activity(regarding, *, days=0, kind="task", owner=None, start_days=None):
    due = MONDAY + timedelta(days=days)
    start = MONDAY + timedelta(days=start_days if start_days is not None else min(days, 0))
    return core_operations.create_record(
        instance=Activity(
            kind=kind,
            subject=f"Schritt {days}",
            regarding_type=ContentType.objects.get_for_model(type(regarding)),
            regarding_id=regarding.pk,
            start=min(start, due),
            due=due,
            owner=owner or regarding.owner,
        ),
        acting_user=None,
        now=MONDAY,
    )


def links(record):
    record.refresh_from_db()
    return record.last_activity, record.next_activity


def test_next_is_the_earliest_open_due_and_last_the_latest_completed():
    opportunity = OpportunityFactory()
    later = new_activity(opportunity, days=5)
    assert links(opportunity) == (None, later)
    sooner = new_activity(opportunity, days=2)
    assert links(opportunity) == (None, sooner)

    operations.complete_activity(activity=sooner, acting_user=None, now=MONDAY, outcome="ok")
    assert links(opportunity) == (sooner, later)
    operations.reschedule_activity(
        activity=later, start=MONDAY, due=MONDAY + timedelta(days=1), acting_user=None, now=MONDAY
    )
    third = new_activity(opportunity, days=3)
    assert links(opportunity) == (sooner, later)
    operations.cancel_activity(activity=later, acting_user=None, now=MONDAY)
    assert links(opportunity) == (sooner, third)
    core_operations.delete_record(instance=third, acting_user=None, now=MONDAY)
    assert links(opportunity) == (sooner, None)
    sooner.refresh_from_db()
    assert (sooner.status, sooner.outcome) == ("completed", "ok")


def test_moving_an_activity_updates_both_records():
    lead, account = LeadFactory(), AccountFactory()
    activity = new_activity(lead, days=1)
    assert links(lead) == (None, activity)
    activity.regarding_type = ContentType.objects.get_for_model(account)
    activity.regarding_id = account.pk
    core_operations.update_record(instance=activity, acting_user=None, now=MONDAY)
    assert links(lead) == (None, None)
    assert links(account) == (None, activity)


def test_a_closed_activity_does_not_change_again():
    lead = LeadFactory()
    activity = new_activity(lead, days=1)
    operations.complete_activity(activity=activity, acting_user=None, now=MONDAY)
    with pytest.raises(core_operations.ValidationError, match="bereits erledigt"):
        operations.cancel_activity(activity=activity, acting_user=None, now=MONDAY)
    with pytest.raises(core_operations.ValidationError, match="Nur offene"):
        operations.reschedule_activity(
            activity=activity, start=None, due=None, acting_user=None, now=MONDAY
        )


class Links(RuleBasedStateMachine):
    @initialize()
    def start(self):
        self.owner = owner = UserFactory()  # the data of this example only: filtered by owner
        self.records = [
            LeadFactory(owner=owner),
            OpportunityFactory(owner=owner),
            AccountFactory(owner=owner),
        ]
        self.clock = MONDAY

    def activities(self, **filters):
        return list(Activity.objects.filter(owner=self.owner, **filters).order_by("pk"))

    @rule(pick=st.integers(0, 2), days=st.integers(0, 20))
    def start_chain(self, pick, days):
        """Chains too: their steps are activities (waiting ones are never "next")."""
        template = ChainTemplate.objects.get(name="Angebotsnachverfolgung")
        chains.start_chain(
            template=template,
            regarding=self.records[pick],
            anchor_at=MONDAY + timedelta(days=days),
            acting_user=None,
            now=self.tick(),
            owner=self.owner,
        )

    @precondition(lambda self: Chain.objects.filter(owner=self.owner).exists())
    @rule(pick=st.integers(0, 100))
    def delete_chain(self, pick):
        every = list(Chain.objects.filter(owner=self.owner).order_by("pk"))
        core_operations.delete_record(
            instance=every[pick % len(every)], acting_user=None, now=self.tick()
        )

    def tick(self):
        self.clock += timedelta(minutes=1)  # completions in a known order
        return self.clock

    @rule(pick=st.integers(0, 2), days=st.integers(-3, 10), kind=st.sampled_from(["task", "call"]))
    def create(self, pick, days, kind):
        new_activity(self.records[pick], days=days, kind=kind)

    @precondition(lambda self: self.activities(status="open"))
    @rule(pick=st.integers(0, 100), cancel=st.booleans())
    def close(self, pick, cancel):
        open_ = self.activities(status="open")
        activity = open_[pick % len(open_)]
        close = operations.cancel_activity if cancel else operations.complete_activity
        close(activity=activity, acting_user=None, now=self.tick())

    @precondition(lambda self: self.activities(status="open"))
    @rule(pick=st.integers(0, 100), days=st.integers(-3, 10))
    def reschedule(self, pick, days):
        open_ = self.activities(status="open")
        due = MONDAY + timedelta(days=days)
        operations.reschedule_activity(
            activity=open_[pick % len(open_)],
            start=due - timedelta(hours=1),
            due=due,
            acting_user=None,
            now=self.tick(),
        )

    @precondition(lambda self: self.activities())
    @rule(pick=st.integers(0, 100), to=st.integers(0, 2))
    def move(self, pick, to):
        every = self.activities()
        activity = every[pick % len(every)]
        record = self.records[to]
        activity.regarding_type = ContentType.objects.get_for_model(type(record))
        activity.regarding_id = record.pk
        core_operations.update_record(instance=activity, acting_user=None, now=self.tick())

    @precondition(lambda self: self.activities())
    @rule(pick=st.integers(0, 100))
    def delete(self, pick):
        every = self.activities()
        core_operations.delete_record(
            instance=every[pick % len(every)], acting_user=None, now=self.tick()
        )

    @invariant()
    def every_link_equals_a_fresh_computation(self):
        assert queries.link_differences() == []


def test_links_stay_right_through_random_sequences():
    Links.TestCase.settings = settings(
        max_examples=15,
        stateful_step_count=12,
        # The same sequences on every run: a CI run once failed with FlakyStrategyDefinition
        # (a replay drew differently, the first failure unknown); see the notes of stop 17.
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    Links.TestCase().runTest()
