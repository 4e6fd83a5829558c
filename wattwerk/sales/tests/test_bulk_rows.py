"""``core.bulk``: rows written by ``COPY`` (PostgreSQL) or one prepared ``INSERT`` (SQLite) read
back exactly as the ones ``save()`` writes — texts, decimals, dates, moments, JSON, references —
and the table's ids go on from them."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils.translation import gettext_lazy

from wattwerk.access.tests.factories import UserFactory
from wattwerk.core import bulk
from wattwerk.core.tasks import refresh_statistics
from wattwerk.customers.tests.factories import AccountFactory
from wattwerk.sales.models import AccountOpportunity, Lead, LeadLine

from .factories import energy

pytestmark = pytest.mark.django_db

# What the database sets itself, or what differs between two records by design.
OWN = {"id", "created_at", "updated_at", "lead", "account"}


def lead_with_line(owner, name: str) -> tuple[Lead, LeadLine]:
    lead = Lead(
        company_name=name,
        last_name="Müller",
        city="Neustadt",
        status=Lead.Status.DISQUALIFIED,
        disqualified_reason=gettext_lazy("kein Bedarf"),
        owner=owner,
        owning_department=owner.department,
    )
    line = LeadLine(lead=lead, price_ct_kwh=Decimal("12.3456"), **energy(kwh="1234567.891"))
    return lead, line


def stored(model, pk) -> dict:
    row = model.objects.filter(pk=pk).values().get()
    return {name: value for name, value in row.items() if name.removesuffix("_id") not in OWN}


def test_inserted_rows_read_back_as_saved_ones():
    owner = UserFactory()
    saved_lead, saved_line = lead_with_line(owner, "Gießerei Köhler")
    saved_lead.save()
    saved_line.lead = saved_lead
    saved_line.save()

    lead, line = lead_with_line(owner, "Gießerei Köhler")
    bulk.insert(Lead, [lead])
    bulk.insert(LeadLine, [line])  # its lead was assigned before the lead had an id

    assert lead.pk is not None
    assert line.lead_id == lead.pk
    assert line.lead is lead  # still the same object, not read again
    assert stored(Lead, lead.pk) == stored(Lead, saved_lead.pk)
    assert stored(LeadLine, line.pk) == stored(LeadLine, saved_line.pk)
    row = LeadLine.objects.get(pk=line.pk)
    assert row.annual_kwh == Decimal("1234567.891")
    assert row.active_from == date(2027, 1, 1)
    assert Lead.objects.get(pk=lead.pk).disqualified_reason == "kein Bedarf"
    assert Lead.objects.get(pk=lead.pk).created_at is not None


def test_ids_are_new_and_the_table_goes_on_after_them():
    owner = UserFactory()
    before = LeadLine.objects.count()
    pairs = [lead_with_line(owner, f"Firma {number}") for number in range(7)]
    leads = bulk.insert(Lead, [lead for lead, _ in pairs], batch=3)
    bulk.insert(LeadLine, [line for _, line in pairs], batch=3)

    ids = [lead.pk for lead in leads]
    assert len(set(ids)) == 7
    assert ids == sorted(ids)
    assert LeadLine.objects.count() == before + 7
    later, _ = lead_with_line(owner, "danach")
    later.save()
    assert later.pk > max(ids)


def test_json_and_decimals_in_an_update_and_only_the_named_fields():
    owner = UserFactory()
    holders = [
        AccountOpportunity(account=AccountFactory(), owner=owner, note="alt") for _ in range(3)
    ]
    bulk.insert(AccountOpportunity, holders)
    for number, holder in enumerate(holders):
        holder.demand_kwh = Decimal(f"{number}000.500")
        holder.totals = {"strom": {"2027": str(number)}, "leer": []}
        holder.note = "neu"  # not named: stays

    bulk.update(AccountOpportunity, holders, ["demand_kwh", "totals"])

    stored_rows = list(
        AccountOpportunity.objects.filter(pk__in=[h.pk for h in holders])
        .order_by("pk")
        .values_list("demand_kwh", "totals", "note")
    )
    assert stored_rows == [
        (Decimal(f"{number}000.500"), {"strom": {"2027": str(number)}, "leer": []}, "alt")
        for number in range(3)
    ]


@pytest.mark.django_db(transaction=True)  # no test transaction around: insert's own counts
def test_an_unknown_field_or_an_unsaved_reference_writes_nothing(reference_data):
    owner = UserFactory()
    holder = AccountOpportunity(account=AccountFactory(), owner=owner)
    bulk.insert(AccountOpportunity, [holder])
    with pytest.raises(ValueError, match="gibt_es_nicht"):
        bulk.update(AccountOpportunity, [holder], ["gibt_es_nicht"])

    saved, first = lead_with_line(owner, "gespeichert")
    saved.save()
    _, second = lead_with_line(owner, "nie gespeichert")
    before = LeadLine.objects.count()
    with pytest.raises(ValueError, match=r"LeadLine\.lead"):
        bulk.insert(LeadLine, [first, second], batch=1)  # the first batch is written first
    assert LeadLine.objects.count() == before
    assert first.pk is None  # the id it was given is taken back with the rows
    assert second.pk is None


def test_one_to_one_references_normalised_texts_and_moments_as_save_writes_them():
    owner = UserFactory()
    moment = datetime(2026, 3, 29, 2, 30, tzinfo=UTC)  # the night the clocks go forward
    account = AccountFactory.build(owner=owner, vat_id="de 123 456 788", phone="0221 1234567")
    holder = AccountOpportunity(account=account, owner=owner)  # the account has no id yet
    bulk.insert(type(account), [account])
    bulk.insert(AccountOpportunity, [holder])
    lead, _line = lead_with_line(owner, "Qualifiziert")
    lead.qualified_at = moment.astimezone(ZoneInfo("Europe/Berlin"))
    bulk.insert(Lead, [lead])

    compared = AccountFactory(owner=owner, vat_id="de 123 456 788", phone="0221 1234567")
    assert AccountOpportunity.objects.get(pk=holder.pk).account_id == account.pk
    stored_account = type(account).objects.values("vat_id", "phone").get(pk=account.pk)
    assert stored_account == type(account).objects.values("vat_id", "phone").get(pk=compared.pk)
    assert stored_account["vat_id"] == "DE123456788"
    assert Lead.objects.get(pk=lead.pk).qualified_at == moment


def test_an_update_keeps_the_creation_moment_and_sets_the_change_moment():
    owner = UserFactory()
    holder = AccountOpportunity(account=AccountFactory(), owner=owner)
    bulk.insert(AccountOpportunity, [holder])
    created = AccountOpportunity.objects.get(pk=holder.pk).created_at
    holder.created_at = created
    holder.note = "geändert"

    bulk.update(AccountOpportunity, [holder], ["note", "created_at", "updated_at"])

    stored = AccountOpportunity.objects.get(pk=holder.pk)
    assert stored.note == "geändert"
    assert stored.created_at == created
    assert stored.updated_at >= created


def test_statistics_refresh_tells_the_planner_about_the_tables():
    """The daily task: SQLite writes its sample statistics (sqlite_stat1), PostgreSQL analyses;
    either way the planner knows the account table and its name index afterwards."""
    AccountFactory.create_batch(3)
    refresh_statistics.call()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'customers_account'")
            assert "account_name" in {row[0] for row in cursor.fetchall()}
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'customers_account'")
            assert cursor.fetchone()[0] == 3
