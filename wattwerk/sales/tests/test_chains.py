"""Activity chains on opportunities: planned on working days back from a deadline (exact dates
around Christmas), steps opening as their predecessors are done, re-planning when a step finishes
late, and one warning per person when the deadline is lost — through the operations and the API."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wattwerk.access.models import Depth, Role
from wattwerk.access.tests.factories import DepartmentFactory, UserFactory, role_with
from wattwerk.activities import chains, operations
from wattwerk.activities.models import Activity, Chain, ChainTemplate, ChainTemplateStep
from wattwerk.core import operations as core_operations
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


def start(template, record, deadline, *, now, by=None):
    """A chain on the record, owned by the record's owner, started by ``by`` (or the system)."""
    return chains.start_chain(
        template=template,
        regarding=record,
        anchor_at=deadline,
        acting_user=by,
        now=now,
        owner=record.owner,
    )


def planned(chain) -> dict:
    return {
        activity.step.key: (activity.start, activity.due, activity.status)
        for activity in chain.activities.select_related("step")
    }


def test_backward_from_friday_18_december_skips_the_weekend(four_steps):
    opportunity = OpportunityFactory()
    chain = start(four_steps, opportunity, at(2026, 12, 18, 12), now=at(2026, 12, 1, 9))
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
    chain = start(four_steps, opportunity, at(2027, 1, 5, 12), now=at(2026, 12, 1, 9))
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
    chain = start(four_steps, opportunity, at(2026, 12, 18, 12), now=at(2026, 12, 1, 9))
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
            "anchor_at": "2030-03-15T12:00:00+01:00",
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
    assert chain["steps"][-1]["due"] == "2030-03-15T12:00:00+01:00"

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
            "anchor_at": "2030-03-15T12:00:00+01:00",
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
    chain = start(
        four_steps, OpportunityFactory(owner=owner), at(2026, 12, 18, 12), now=at(2026, 12, 1, 9)
    )
    owners = {activity.step.key: activity.owner for activity in chain.activities.all()}
    assert owners == {"s1": owner, "s2": owner, "s3": nearby, "s4": owner}


@pytest.fixture
def organisation():
    """Sales and pricing as in the demo: each reads and writes its department's activities."""
    sales, pricing = DepartmentFactory(name="Vertrieb"), DepartmentFactory(name="Preisbildung")
    seller = UserFactory(department=sales, email="vertrieb@sw.example")
    pricer = UserFactory(department=pricing)
    department = Depth.DEPARTMENT
    for user in (seller, pricer):
        user.roles.add(
            role_with(
                ("activities.read_activity", department),
                ("activities.create_activity", Depth.OWN),
                ("activities.write_activity", department),
                ("activities.read_chain", Depth.ORGANISATION),
                ("activities.create_chain", department),
                ("activities.read_chaintemplate", Depth.ORGANISATION),
                ("sales.read_opportunity", Depth.ORGANISATION),
            )
        )
    return sales, pricing, seller, pricer


def test_each_department_completes_its_own_step(four_steps, organisation):
    """The seller starts the chain and does step 1; pricing does step 2 — though neither may
    write the other's steps, the next step opens each time (the chain's rule, as the system)."""
    sales, pricing, seller, pricer = organisation
    ChainTemplateStep.objects.filter(template=four_steps, key="s2").update(department=pricing)
    heads = Role.objects.create(name="Vertriebsleitung")
    UserFactory(department=sales).roles.add(heads)
    ChainTemplateStep.objects.filter(template=four_steps, key="s3").update(role=heads)
    opportunity = OpportunityFactory(owner=seller)
    chain = start(four_steps, opportunity, at(2030, 12, 18, 12), now=at(2030, 12, 1, 9), by=seller)
    steps = {activity.step.key: activity for activity in chain.activities.select_related("step")}
    operations.complete_activity(activity=steps["s1"], acting_user=seller, now=at(2030, 12, 5, 9))
    operations.complete_activity(activity=steps["s2"], acting_user=pricer, now=at(2030, 12, 9, 9))
    assert planned(chain)["s3"][2] == "open"
    with pytest.raises(PermissionDenied):  # not pricing's to do
        operations.complete_activity(
            activity=steps["s3"], acting_user=pricer, now=at(2030, 12, 9, 10)
        )


def test_a_parallel_step_keeps_its_dates():
    template = ChainTemplate.objects.create(name="Parallel", anchor="forward")
    first = ChainTemplateStep.objects.create(
        template=template, position=1, key="a", subject="A", working_days=1
    )
    second = ChainTemplateStep.objects.create(
        template=template, position=2, key="b", subject="B", working_days=3
    )
    last = ChainTemplateStep.objects.create(
        template=template, position=3, key="c", subject="C", working_days=1
    )
    last.predecessors.add(first, second)
    opportunity = OpportunityFactory()
    chain = start(template, opportunity, at(2030, 12, 2, 8), now=at(2030, 12, 1, 9))
    before = planned(chain)["b"]
    a = chain.activities.get(step__key="a")
    operations.complete_activity(activity=a, acting_user=None, now=at(2030, 12, 3, 12))
    assert planned(chain)["b"] == before  # under way: not pushed by its sibling's late finish
    assert planned(chain)["c"][2] == "waiting"


def test_moving_a_step_moves_its_successors_and_warns(four_steps, organisation):
    _sales, _pricing, seller, _pricer = organisation
    chain = start(
        four_steps, OpportunityFactory(owner=seller), at(2030, 12, 18, 12), now=at(2030, 12, 1, 9)
    )
    first = chain.activities.get(step__key="s1")
    operations.reschedule_activity(
        activity=first,
        start=at(2030, 12, 16, 8),
        due=at(2030, 12, 17, 17),
        acting_user=seller,
        now=at(2030, 12, 2, 9),
    )
    after = planned(chain)
    assert after["s2"][:2] == (at(2030, 12, 18, 8), at(2030, 12, 20, 17))
    chain.refresh_from_db()
    assert chain.late_warned_at == at(2030, 12, 2, 9)
    assert OutboxEmail.objects.filter(recipients=["vertrieb@sw.example"]).count() == 1


def test_an_overdue_step_warns_at_once(four_steps, organisation):
    """Nobody completes step 1: the hourly check finds, days before the deadline, that the
    chain can no longer make it — and warns then, once."""
    _sales, _pricing, seller, _pricer = organisation
    chain = start(
        four_steps, OpportunityFactory(owner=seller), at(2030, 12, 18, 12), now=at(2030, 12, 1, 9)
    )
    assert chains.check_running(now=at(2030, 12, 11, 10)) == 0  # step 1 due today: still fine
    assert chains.check_running(now=at(2030, 12, 13, 9)) == 1  # two days overdue: too late
    assert chains.check_running(now=at(2030, 12, 13, 10)) == 1
    chain.refresh_from_db()
    assert chain.late_warned_at == at(2030, 12, 13, 9)
    assert OutboxEmail.objects.count() == 1


def test_a_chain_is_cancelled_kept_or_deleted_cleanly(four_steps):
    opportunity = OpportunityFactory()
    chain = start(four_steps, opportunity, at(2030, 12, 18, 12), now=at(2030, 12, 1, 9))
    chain.anchor_at = at(2030, 12, 23, 12)
    with pytest.raises(ValidationError, match="gestarteten Kette"):
        core_operations.update_record(instance=chain, acting_user=None, now=at(2030, 12, 1, 10))

    # a step's activity deleted: the chain goes on without it
    core_operations.delete_record(
        instance=chain.activities.get(step__key="s2"), acting_user=None, now=at(2030, 12, 1, 10)
    )
    first = chain.activities.get(step__key="s1")
    operations.complete_activity(activity=first, acting_user=None, now=at(2030, 12, 2, 9))
    assert planned(chain)["s3"][2] == "open"

    chains.cancel_chain(chain=chain, acting_user=None, now=at(2030, 12, 3, 9))
    assert {status for _start, _due, status in planned(chain).values()} == {
        "completed",
        "cancelled",
    }
    opportunity.refresh_from_db()
    assert opportunity.next_activity is None

    other = start(four_steps, opportunity, at(2030, 12, 18, 12), now=at(2030, 12, 1, 9))
    opportunity.refresh_from_db()
    assert opportunity.next_activity.chain == other
    core_operations.delete_record(instance=other, acting_user=None, now=at(2030, 12, 1, 10))
    opportunity.refresh_from_db()
    assert opportunity.next_activity is None


def test_cancelling_a_chain_on_its_page(client, four_steps, organisation):
    _sales, _pricing, seller, pricer = organisation
    seller.roles.add(role_with(("activities.write_chain", Depth.DEPARTMENT)))
    chain = start(
        four_steps,
        OpportunityFactory(owner=seller),
        at(2030, 12, 18, 12),
        now=at(2030, 12, 1, 9),
        by=seller,
    )
    client.force_login(pricer)
    steps = client.get(reverse("chains_steps", args=[chain.pk])).content.decode()
    assert 'id="chain-cancel"' not in steps  # pricing may read the chain, not stop it
    assert client.post(reverse("chains_cancel", args=[chain.pk])).status_code == 403
    client.force_login(seller)
    answer = client.post(reverse("chains_cancel", args=[chain.pk]))
    assert answer.status_code == 302
    chain.refresh_from_db()
    assert chain.status == Chain.Status.CANCELLED
    assert set(chain.activities.values_list("status", flat=True)) == {"cancelled"}


def test_a_deleted_record_takes_its_open_work_along(four_steps):
    """Its running chains and open activities are cancelled, so no work list keeps them."""
    opportunity = OpportunityFactory()
    chain = start(four_steps, opportunity, at(2030, 12, 18, 12), now=at(2030, 12, 1, 9))
    first = chain.activities.get(step__key="s1")
    operations.complete_activity(activity=first, acting_user=None, now=at(2030, 12, 2, 9))
    core_operations.delete_record(instance=opportunity, acting_user=None, now=at(2030, 12, 3, 9))
    chain.refresh_from_db()
    assert chain.status == Chain.Status.CANCELLED
    assert sorted(chain.activities.values_list("status", flat=True)) == [
        "cancelled",
        "cancelled",
        "cancelled",
        "completed",
    ]
    assert not Activity.objects.filter(status__in=["open", "waiting"]).exists()
