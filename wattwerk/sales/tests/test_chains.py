"""Activity chains on opportunities: planned on working days back from a deadline (exact dates
around Christmas), steps opening as their predecessors are done, re-planning when a step finishes
late, and one warning per person when the deadline is lost — through the operations and the API."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from wattwerk.access.models import Role
from wattwerk.access.tests.factories import DepartmentFactory, UserFactory
from wattwerk.activities import chains, operations
from wattwerk.activities.models import Activity, Chain, ChainTemplate, ChainTemplateStep
from wattwerk.core.models import OutboxEmail

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def four_steps():
    """A chain of 2, 3, 1 and 1 working days, one after the other, planned back from a deadline."""
    template = ChainTemplate.objects.create(name="Vier Schritte", anchor="backward")
    previous = None
    for position, days in enumerate((2, 3, 1, 1), start=1):
        step = ChainTemplateStep.objects.create(
            template=template,
            position=position,
            key=f"s{position}",
            subject=f"Schritt {position}",
            working_days=days,
        )
        if previous is not None:
            step.predecessors.add(previous)
        previous = step
    return template


def planned(chain) -> dict:
    return {
        activity.step.key: (activity.start, activity.due, activity.status)
        for activity in chain.activities.select_related("step")
    }


def test_backward_from_friday_18_december_skips_the_weekend(four_steps):
    opportunity = OpportunityFactory()
    chain = chains.start_chain(
        template=four_steps,
        regarding=opportunity,
        anchor_at=at(2026, 12, 18, 12),
        acting_user=None,
        now=at(2026, 12, 1, 9),
        owner=opportunity.owner,
    )
    assert planned(chain) == {
        "s1": (at(2026, 12, 10, 8), at(2026, 12, 11, 17), "open"),
        "s2": (at(2026, 12, 14, 8), at(2026, 12, 16, 17), "waiting"),
        "s3": (at(2026, 12, 17, 8), at(2026, 12, 17, 17), "waiting"),
        "s4": (at(2026, 12, 18, 8), at(2026, 12, 18, 12), "waiting"),
    }
    opportunity.refresh_from_db()
    assert opportunity.next_activity.step.key == "s1"  # waiting steps are not "next"


def test_backward_into_january_skips_the_holidays(four_steps):
    """24, 25, 26 and 31 December and 1 January are no working days (BDEW), nor the weekends."""
    opportunity = OpportunityFactory()
    chain = chains.start_chain(
        template=four_steps,
        regarding=opportunity,
        anchor_at=at(2027, 1, 5, 12),
        acting_user=None,
        now=at(2026, 12, 1, 9),
        owner=opportunity.owner,
    )
    assert {key: (start, due) for key, (start, due, _s) in planned(chain).items()} == {
        "s1": (at(2026, 12, 22, 8), at(2026, 12, 23, 17)),
        "s2": (at(2026, 12, 28, 8), at(2026, 12, 30, 17)),
        "s3": (at(2027, 1, 4, 8), at(2027, 1, 4, 17)),
        "s4": (at(2027, 1, 5, 8), at(2027, 1, 5, 12)),
    }


def test_a_late_step_replans_and_warns_owner_and_head_once(four_steps, smtp_server):
    head = UserFactory(email="leitung@stadtwerke.example")
    department = DepartmentFactory(head=head)
    owner = UserFactory(department=department, email="vertrieb@stadtwerke.example")
    opportunity = OpportunityFactory(owner=owner)
    chain = chains.start_chain(
        template=four_steps,
        regarding=opportunity,
        anchor_at=at(2026, 12, 18, 12),
        acting_user=None,
        now=at(2026, 12, 1, 9),
        owner=owner,
    )
    steps = {activity.step.key: activity for activity in chain.activities.select_related("step")}

    # Step 1 done on time, on Friday 11 December: step 2 opens as planned.
    operations.complete_activity(activity=steps["s1"], acting_user=None, now=at(2026, 12, 11, 15))
    assert planned(chain)["s2"] == (at(2026, 12, 14, 8), at(2026, 12, 16, 17), "open")
    assert not OutboxEmail.objects.exists()

    # Step 2 done a day late, Thursday 17 December: step 3 moves to Friday, step 4 cannot be done
    # by the deadline any more — one warning each, at once.
    operations.complete_activity(activity=steps["s2"], acting_user=None, now=at(2026, 12, 17, 16))
    after = planned(chain)
    assert after["s3"] == (at(2026, 12, 18, 8), at(2026, 12, 18, 12), "open")
    assert after["s4"] == (at(2026, 12, 21, 8), at(2026, 12, 21, 17), "waiting")
    warnings = list(OutboxEmail.objects.order_by("pk"))
    assert [email.recipients for email in warnings] == [
        ["vertrieb@stadtwerke.example"],
        ["leitung@stadtwerke.example"],
    ]
    assert all(email.subject.startswith("Frist gefährdet") for email in warnings)

    # Later steps, later still: no second warning.
    operations.complete_activity(activity=steps["s3"], acting_user=None, now=at(2026, 12, 22, 9))
    assert OutboxEmail.objects.count() == 2
    operations.complete_activity(activity=steps["s4"], acting_user=None, now=at(2026, 12, 22, 10))
    chain.refresh_from_db()
    assert chain.status == Chain.Status.COMPLETED
    assert mail.outbox == []  # everything goes through the outbox, nothing around it


def test_the_shipped_tender_chain_through_the_api(api_client, make_user):
    user = make_user(
        "activities.read_chain",
        "activities.create_chain",
        "activities.read_chaintemplate",
        "activities.read_activity",
        "activities.create_activity",
        "activities.write_activity",
        "sales.read_opportunity",
        "access.read_user",
    )
    api_client.force_authenticate(user)
    opportunity = OpportunityFactory(owner=user)
    tender = ChainTemplate.objects.get(name="Ausschreibung")
    answer = api_client.post(
        "/api/v1/chains/",
        {
            "template": tender.pk,
            "regarding_type": "opportunities",
            "regarding_id": opportunity.pk,
            "anchor_at": "2027-03-05T12:00:00+01:00",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    chain = answer.json()
    assert [step["key"] for step in chain["steps"]] == [
        "lastgang",
        "preiskalkulation",
        "bonitaet",
        "freigabe",
        "angebot",
    ]
    assert [step["status"] for step in chain["steps"]] == ["open"] + ["waiting"] * 4
    assert chain["steps"][-1]["due"] == "2027-03-05T12:00:00+01:00"

    first = chain["steps"][0]["activity"]
    done = api_client.post(f"/api/v1/activities/{first}/complete/", {}, format="json")
    assert done.status_code == 200, done.json()
    status = api_client.get(f"/api/v1/chains/{chain['id']}/").json()
    assert [step["status"] for step in status["steps"]][:2] == ["completed", "open"]
    opportunity.refresh_from_db()
    assert opportunity.next_activity_id == status["steps"][1]["activity"]

    refused = api_client.post(
        "/api/v1/chains/",
        {
            "template": tender.pk,
            "regarding_type": "opportunities",
            "regarding_id": 999999,
            "anchor_at": "2027-03-05T12:00:00+01:00",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert [error["field"] for error in refused.json()["errors"]] == ["regarding_id"]
    assert Activity.objects.filter(chain__isnull=False).count() == 5


def test_a_step_naming_a_role_goes_to_someone_holding_it(four_steps):
    """The approval step goes to a head of sales: preferably one of the chain's department."""
    sales = DepartmentFactory()
    owner = UserFactory(department=sales)
    elsewhere = UserFactory()
    nearby = UserFactory(department=sales)
    heads = Role.objects.create(name="Vertriebsleitung")
    elsewhere.roles.add(heads)
    nearby.roles.add(heads)
    ChainTemplateStep.objects.filter(template=four_steps, key="s3").update(role=heads)
    chain = chains.start_chain(
        template=four_steps,
        regarding=OpportunityFactory(owner=owner),
        anchor_at=at(2026, 12, 18, 12),
        acting_user=None,
        now=at(2026, 12, 1, 9),
        owner=owner,
    )
    owners = {activity.step.key: activity.owner for activity in chain.activities.all()}
    assert owners == {"s1": owner, "s2": owner, "s3": nearby, "s4": owner}
