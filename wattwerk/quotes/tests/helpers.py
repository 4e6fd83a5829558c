"""What the quotes tests share: the seed's example — an opportunity for 10 GWh of electricity a
year over 2027–2029 — and a salesperson who may work on it and its quotes."""

from datetime import date, timedelta
from decimal import Decimal

from wattwerk.access.tests.factories import UserFactory, profile_with
from wattwerk.core import operations as core_operations
from wattwerk.customers.tests.factories import AccountFactory
from wattwerk.quotes.models import QuoteLine
from wattwerk.sales import operations as sales_operations
from wattwerk.sales.models import Opportunity
from wattwerk.sales.tests.factories import energy

SALES = [
    f"{app}.{verb}_{model}"
    for app, model in (
        ("sales", "opportunity"),
        ("sales", "accountopportunity"),
        ("customers", "account"),
        ("customers", "contact"),
        ("quotes", "quote"),
        ("energy", "commodity"),
        ("energy", "deliverypoint"),
        ("activities", "activity"),
    )
    for verb in ("view", "add", "change")
]
TEN_GWH = Decimal("10000000")  # kWh


def salesperson(prices: str = "write"):
    """A user who may work on opportunities and quotes, and read and write ("write"), only read
    ("read") or not even see ("none") the prices of quote lines (field security)."""
    return with_prices(UserFactory(permissions=SALES), prices)


def with_prices(user, prices: str = "write"):
    if prices != "none":
        fields = QuoteLine.secured_fields
        profile_with(QuoteLine, *fields, write=prices == "write", users=[user])
    return user


def seed_opportunity(owner, now, probability=50):
    """10 GWh/a electricity 2027–2029 as potential and as total demand."""
    opportunity = core_operations.create_record(
        instance=Opportunity(
            name="Strom 2027–2029",
            account=AccountFactory(owner=owner),
            owner=owner,
            probability=probability,
        ),
        acting_user=None,
        now=now,
    )
    for line_set in ("potential", "demand"):
        sales_operations.add_line(
            parent=opportunity,
            values=energy(line_set, kwh=str(TEN_GWH), start=(2027, 1, 1), end=(2030, 1, 1)),
            acting_user=None,
            now=now,
        )
    opportunity.refresh_from_db()
    return opportunity


def later(now, hours=72):
    return now + timedelta(hours=hours)


YEARS = [(date(year, 1, 1), date(year + 1, 1, 1)) for year in (2027, 2028, 2029)]
