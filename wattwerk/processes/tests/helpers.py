"""What the processes tests share: active templates, an industrial customer's opportunity, and a
salesperson who may work on it."""

from datetime import date

from wattwerk.access.tests.factories import UserFactory
from wattwerk.customers.models import CustomerType
from wattwerk.customers.tests.factories import AccountFactory, ContactFactory
from wattwerk.energy.calendars import is_working_day
from wattwerk.processes import operations
from wattwerk.processes.models import ProcessTemplate
from wattwerk.sales.tests.factories import OpportunityFactory

SALES = [
    f"{app}.{verb}_{model}"
    for app, model in (
        ("sales", "opportunity"),
        ("sales", "lead"),
        ("customers", "account"),
        ("customers", "contact"),
        ("activities", "activity"),
        ("energy", "commodity"),
        ("energy", "deliverypoint"),
        ("access", "user"),
    )
    for verb in ("view", "add", "change")
]


def activate(*keys: str) -> list[ProcessTemplate]:
    found = []
    for key in keys:
        template = ProcessTemplate.objects.filter(key=key).order_by("-version").first()
        operations.activate_template(template=template, acting_user=None, now=template.imported_at)
        found.append(template)
    return found


def industrial_opportunity(owner=None, **fields):
    """An opportunity with an industrial customer, created as a user would (so its process
    starts)."""
    from wattwerk.core import operations as core_operations
    from wattwerk.sales.models import Opportunity

    owner = owner or UserFactory(permissions=SALES)
    now = fields.pop("now", None)
    account = AccountFactory(customer_type=CustomerType.objects.get(name="Industrie"), owner=owner)
    return core_operations.create_record(
        instance=Opportunity(name="Strom ab 2027", account=account, owner=owner, **fields),
        acting_user=owner,
        now=now or account.created_at,
    )


def place_at(record, stage: str, now):
    """Test setup: the record's process moved straight to a stage (as if its earlier gates had
    been passed), with the stage's tasks."""
    from wattwerk.processes.models import StageVisit

    instance = operations.instance_of(record)
    operations._leave(instance, acting_user=None, now=now, advanced=True)
    instance.stage = stage
    instance.save(update_fields=["stage"])
    operations._enter(
        instance,
        instance.template.stage(stage),
        record,
        how=StageVisit.How.ADVANCE,
        acting_user=None,
        now=now,
    )
    return instance


def new_lead(owner=None, customer_type: str = "Industrie", **fields):
    """A lead created as a user would (so its process starts)."""
    from django.utils import timezone

    from wattwerk.core import operations as core_operations
    from wattwerk.sales.models import Lead

    owner = owner or UserFactory(permissions=SALES)
    now = fields.pop("now", None) or timezone.now()
    fields.setdefault("company_name", "Gießerei Nord")
    return core_operations.create_record(
        instance=Lead(
            customer_type=CustomerType.objects.get(name=customer_type), owner=owner, **fields
        ),
        acting_user=owner,
        now=now,
    )


def contact_for(opportunity):
    return ContactFactory(owner=opportunity.owner)


def on_working_days(*moments) -> bool:
    return all(is_working_day(moment.date()) for moment in moments)


def day(moment) -> date:
    return moment.date()


__all__ = ["OpportunityFactory"]
