"""Lines of leads, qualification into account, contact and opportunity, and the totals that
follow — through the API, as an integrator or the UI's htmx calls use them."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from wattwerk.core.testing import history
from wattwerk.customers.models import Account, AccountContact, Channel, Interest
from wattwerk.customers.tests.factories import AccountFactory, ContactFactory
from wattwerk.energy.models import Commodity, EnergyService
from wattwerk.sales import operations
from wattwerk.sales.models import AccountOpportunity, Lead, Opportunity, OpportunityLine

from .factories import LeadFactory, energy, service

pytestmark = pytest.mark.django_db

SALES = [
    f"{app}.{action}_{model}"
    for app, model in (
        ("sales", "lead"),
        ("sales", "opportunity"),
        ("customers", "account"),
        ("customers", "contact"),
    )
    for action in ("read", "create", "write")
] + [
    "access.read_user",
    "customers.read_customertype",
    "customers.read_industrycode",
    "energy.read_commodity",
    "energy.read_energyservice",
    "energy.read_pricemodel",
    "energy.read_product",
]


@pytest.fixture
def sales_api(api_client, make_user):
    user = make_user(*SALES)
    api_client.force_authenticate(user)
    api_client.user = user
    return api_client


def api_line(values: dict) -> dict:
    """Line values as JSON: related records by id, the rest as text."""
    return {
        name: value.pk if hasattr(value, "pk") else str(value) for name, value in values.items()
    }


def test_qualifying_a_lead_with_three_potential_and_two_demand_lines(sales_api):
    lead = LeadFactory(owner=sales_api.user, first_name="Karla", position="Energieeinkauf")
    lines = [
        energy(kwh="1000000", start=(2027, 1, 1), end=(2028, 1, 1)),
        energy(code="gas", kwh="3000000", start=(2027, 1, 1), end=(2029, 1, 1)),
        service(eur="180000"),
        energy("demand", kwh="2500000", start=(2027, 1, 1), end=(2030, 1, 1)),
        service("demand", name="Ladeinfrastruktur", scope="20", eur="90000"),
    ]
    for values in lines:
        answer = sales_api.post(f"/api/v1/leads/{lead.pk}/lines/", api_line(values), format="json")
        assert answer.status_code == 201, answer.json()
    lead.refresh_from_db()
    assert lead.potential_kwh == Decimal(4_000_000)
    assert lead.demand_kwh == Decimal(2_500_000)
    assert lead.services_eur == Decimal(180_000)
    gas_years = lead.totals["potential"]["gas"]["years"]
    assert list(gas_years) == ["GWJ 2026/27", "GWJ 2027/28", "GWJ 2028/29"]
    assert sum(Decimal(kwh) for kwh in gas_years.values()) == Decimal(6_000_000)

    answer = sales_api.post(f"/api/v1/leads/{lead.pk}/qualify/", {}, format="json")
    assert answer.status_code == 201, answer.json()
    opportunity = Opportunity.objects.get(pk=answer.json()["id"])
    assert opportunity.lead == lead
    copied = sorted(
        (line.line_set, line.kind, line.annual_kwh, line.value_eur)
        for line in opportunity.lines.all()
    )
    original = sorted(
        (line.line_set, line.kind, line.annual_kwh, line.value_eur) for line in lead.lines.all()
    )
    assert copied == original
    assert len(copied) == 5
    assert opportunity.totals == lead.totals

    lead.refresh_from_db()
    account = lead.account
    assert lead.status == Lead.Status.QUALIFIED
    assert (account.name, account.owner) == (lead.company_name, sales_api.user)
    assert lead.contact.last_name == "Mustermann"
    assert account.contacts.get() == lead.contact
    assert account.potential_kwh == Decimal(4_000_000)
    assert account.demand_kwh == Decimal(2_500_000)
    account_opportunity = AccountOpportunity.objects.get(account=account)
    assert opportunity.account_opportunity == account_opportunity
    assert account_opportunity.demand_kwh == Decimal(2_500_000)
    assert account_opportunity.remaining_kwh == Decimal(2_500_000)  # nothing won yet
    events = [entry.event for entry in history(lead) if entry.is_event]
    assert events.count("lead_qualified") == 1

    again = sales_api.post(f"/api/v1/leads/{lead.pk}/qualify/", {}, format="json")
    assert again.status_code == 400
    assert "bereits qualifiziert" in again.json()["detail"]
    assert Opportunity.objects.count() == 1


def test_qualifying_into_an_existing_account_and_winning(sales_api):
    account = AccountFactory(owner=sales_api.user)
    lead = LeadFactory(owner=sales_api.user, last_name="")
    now = timezone.now()
    operations.add_line(parent=lead, values=energy(), acting_user=sales_api.user, now=now)
    operations.add_line(
        parent=lead,
        values=energy("demand", kwh="3000000"),
        acting_user=sales_api.user,
        now=now,
    )
    answer = sales_api.post(
        f"/api/v1/leads/{lead.pk}/qualify/",
        {"account": account.pk, "opportunity_name": "Strom 2027"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert Account.objects.count() == 1
    opportunity = Opportunity.objects.get(name="Strom 2027")
    assert opportunity.contact is None

    closed = sales_api.post(
        f"/api/v1/opportunities/{opportunity.pk}/close/", {"won": True}, format="json"
    )
    assert closed.status_code == 200, closed.json()
    account.refresh_from_db()
    account_opportunity = account.account_opportunity
    assert account.potential_kwh == 0  # nothing open any more
    assert account_opportunity.won_kwh == Decimal(1_000_000)
    assert account_opportunity.remaining_kwh == Decimal(2_000_000)
    assert account_opportunity.totals["remaining_by_year"] == {"strom 2027": "2000000.000"}


def test_line_errors_name_the_field_and_change_nothing(sales_api):
    lead = LeadFactory(owner=sales_api.user)
    bad = {**api_line(energy()), "annual_kwh": "", "active_to": "2026-01-01"}
    bad.pop("annual_kwh")
    answer = sales_api.post(f"/api/v1/leads/{lead.pk}/lines/", bad, format="json")
    assert answer.status_code == 400
    fields = {error["field"] for error in answer.json()["errors"]}
    assert fields == {"annual_kwh", "active_to"}
    mixed = {**api_line(service()), "commodity": Commodity.objects.get(code="strom").pk}
    answer = sales_api.post(f"/api/v1/leads/{lead.pk}/lines/", mixed, format="json")
    assert [error["field"] for error in answer.json()["errors"]] == ["commodity"]
    assert not lead.lines.exists()
    assert not [entry for entry in history(lead) if entry.is_event]


def test_changing_and_removing_lines_keep_the_totals(sales_api):
    lead = LeadFactory(owner=sales_api.user)
    created = sales_api.post(
        f"/api/v1/leads/{lead.pk}/lines/", api_line(energy()), format="json"
    ).json()
    path = f"/api/v1/leads/{lead.pk}/lines/{created['id']}/"
    assert created["years"] == {"2027": "1000000.000"}
    changed = sales_api.patch(path, {"annual_kwh": "1500000"}, format="json")
    assert changed.status_code == 200, changed.json()
    lead.refresh_from_db()
    assert lead.potential_kwh == Decimal(1_500_000)
    assert sales_api.delete(path).status_code == 204
    lead.refresh_from_db()
    assert lead.potential_kwh == 0
    assert [entry.event for entry in history(lead) if entry.is_event] == [
        "line_added",
        "line_changed",
        "line_removed",
    ]


def test_lines_need_write_on_the_lead(api_client, make_user):
    lead = LeadFactory()
    reader = make_user("sales.read_lead", "access.read_user")
    api_client.force_authenticate(reader)
    assert api_client.get(f"/api/v1/leads/{lead.pk}/lines/").status_code == 200
    answer = api_client.post(f"/api/v1/leads/{lead.pk}/lines/", api_line(energy()), format="json")
    assert answer.status_code == 403
    assert (
        api_client.post(f"/api/v1/leads/{lead.pk}/qualify/", {}, format="json").status_code == 403
    )
    assert not lead.lines.exists()
    api_client.force_authenticate(make_user())
    assert api_client.get(f"/api/v1/leads/{lead.pk}/lines/").status_code == 404


def test_moving_or_deleting_an_opportunity_moves_its_totals(sales_api):
    first, second = AccountFactory(owner=sales_api.user), AccountFactory(owner=sales_api.user)
    created = sales_api.post(
        "/api/v1/opportunities/", {"name": "Gas", "account": first.pk}, format="json"
    ).json()
    opportunity = Opportunity.objects.get(pk=created["id"])
    operations.add_line(
        parent=opportunity,
        values=energy(code="gas"),
        acting_user=sales_api.user,
        now=timezone.now(),
    )
    first.refresh_from_db()
    assert first.potential_kwh == Decimal(1_000_000)
    moved = sales_api.patch(
        f"/api/v1/opportunities/{opportunity.pk}/", {"account": second.pk}, format="json"
    )
    assert moved.status_code == 200, moved.json()
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.potential_kwh, second.potential_kwh) == (0, Decimal(1_000_000))
    assert Opportunity.objects.get().account_opportunity.account == second


def test_recompute_totals_finds_a_tampered_total(sales_api, capsys):
    lead = LeadFactory(owner=sales_api.user)
    operations.add_line(
        parent=lead,
        values=service(name="Energieaudit", scope="1", eur="4500"),
        acting_user=sales_api.user,
        now=timezone.now(),
    )
    call_command("recompute_totals", "--check")
    Lead.objects.filter(pk=lead.pk).update(services_eur=Decimal(1))
    with pytest.raises(Exception, match="1 Summen weichen ab"):
        call_command("recompute_totals", "--check")
    assert "services_eur" in capsys.readouterr().out
    call_command("recompute_totals")
    assert Lead.objects.get(pk=lead.pk).services_eur == Decimal(4500)
    assert EnergyService.objects.filter(name="Energieaudit").exists()


def test_a_malo_id_on_a_lead_becomes_a_delivery_point_of_the_account(sales_api, make_user):
    from wattwerk.energy.models import DeliveryPoint

    user = make_user(*SALES, "energy.read_deliverypoint", "energy.create_deliverypoint")
    sales_api.force_authenticate(user)
    lead = LeadFactory(owner=user, city="Lindenau")
    values = {**energy(), "malo_id": "41373559241", "address": "Werkstraße 4"}
    operations.add_line(parent=lead, values=values, acting_user=user, now=timezone.now())
    answer = sales_api.post(f"/api/v1/leads/{lead.pk}/qualify/", {}, format="json")
    assert answer.status_code == 201, answer.json()
    point = DeliveryPoint.objects.get(malo_id="41373559241")
    opportunity = Opportunity.objects.get()
    assert (point.account, point.street, point.city) == (
        opportunity.account,
        "Werkstraße 4",
        "Lindenau",
    )
    assert opportunity.lines.get().delivery_point == point
    assert lead.lines.get().delivery_point == point


def test_a_line_cannot_name_a_delivery_point_out_of_reach(sales_api):
    from wattwerk.energy.tests.factories import DeliveryPointFactory

    hidden = DeliveryPointFactory()  # sales_api's user has no read on delivery points
    lead = LeadFactory(owner=sales_api.user)
    values = {**api_line(energy()), "delivery_point": hidden.pk}
    answer = sales_api.post(f"/api/v1/leads/{lead.pk}/lines/", values, format="json")
    assert answer.status_code == 400
    assert [error["field"] for error in answer.json()["errors"]] == ["delivery_point"]
    assert not lead.lines.exists()


def test_expected_revenue_follows_prices_lines_and_probability(sales_api):
    """Revenue over the delivery period: quantity × price for energy, the value of services;
    the expected revenue weights it by the probability — through the API."""
    account = AccountFactory(owner=sales_api.user)
    created = sales_api.post(
        "/api/v1/opportunities/",
        {"name": "Strom 2027–2028", "account": account.pk, "probability": 40},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    two_years = {
        **energy(kwh="1000000", start=(2027, 1, 1), end=(2029, 1, 1)),
        "price_ct_kwh": "18.5",
    }
    for values in (two_years, service(eur="12000"), energy("demand", kwh="9000000")):
        answer = sales_api.post(
            f"/api/v1/opportunities/{pk}/lines/", api_line(values), format="json"
        )
        assert answer.status_code == 201, answer.json()
    lines = sales_api.get(f"/api/v1/opportunities/{pk}/lines/").json()
    assert (lines[0]["period_kwh"], lines[0]["revenue_eur"]) == ("2000000.000", "370000.00")
    shown = sales_api.get(f"/api/v1/opportunities/{pk}/").json()
    # 2,000,000 kWh × 0.185 EUR = 370,000 EUR, plus the service; the demand line has no price
    assert Decimal(shown["revenue_eur"]) == Decimal("382000.00")
    assert Decimal(shown["expected_revenue_eur"]) == Decimal("152800.00")
    assert shown["totals"]["revenue_eur"] == {"potential": "382000.00"}

    changed = sales_api.patch(f"/api/v1/opportunities/{pk}/", {"probability": 75}, format="json")
    assert changed.status_code == 200, changed.json()
    assert Decimal(changed.json()["expected_revenue_eur"]) == Decimal("286500.00")
    assert Account.objects.get(pk=account.pk).revenue_eur == Decimal("382000.00")

    refused = sales_api.post(
        f"/api/v1/opportunities/{pk}/lines/",
        api_line({**service(), "price_ct_kwh": "3"}),
        format="json",
    )
    assert refused.status_code == 400
    assert [error["field"] for error in refused.json()["errors"]] == ["price_ct_kwh"]

    won = sales_api.post(f"/api/v1/opportunities/{pk}/close/", {"won": True}, format="json")
    assert won.status_code == 200, won.json()
    assert Opportunity.objects.get(pk=pk).expected_revenue_eur == Decimal("382000.00")
    assert Account.objects.get(pk=account.pk).revenue_eur == 0  # no open opportunity left


def test_existing_account_and_contact_take_over_what_the_lead_knows(sales_api):
    """Empty fields are filled from the lead, the address only as a whole, interests and
    channels added; nothing the account or contact has is overwritten, and the history shows
    what was taken over and where the contact now works."""
    account = AccountFactory(owner=sales_api.user, city="", vat_id="", segment="B")
    contact = ContactFactory(last_name="Berger", email="", owner=sales_api.user)
    solar = Interest.objects.get_or_create(name="Photovoltaik")[0]
    email = Channel.objects.get_or_create(name="E-Mail")[0]
    account.interests.add(Interest.objects.get_or_create(name="Ökostrom")[0])
    lead = LeadFactory(
        owner=sales_api.user,
        street="Hafenstraße 4",
        postcode="12345",
        city="Neustadt",
        vat_id="DE136695976",
        email="berger@example.org",
        position="Energieeinkauf",
        segment="A",
        consent=True,
        consent_date=timezone.localdate(),
        consent_source="Messe",
    )
    lead.interests.add(solar)
    lead.channels.add(email)

    answer = sales_api.post(
        f"/api/v1/leads/{lead.pk}/qualify/",
        {"account": account.pk, "contact": contact.pk},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    account.refresh_from_db()
    contact.refresh_from_db()
    address = (account.street, account.postcode, account.city, account.vat_id)
    assert address == ("Hafenstraße 4", "12345", "Neustadt", "DE136695976")
    assert (account.segment, account.consent, account.consent_source) == ("B", True, "Messe")
    assert {interest.name for interest in account.interests.all()} == {"Ökostrom", "Photovoltaik"}
    assert list(account.channels.all()) == [email]
    person = (contact.last_name, contact.email, contact.consent)
    assert person == ("Berger", "berger@example.org", True)
    assert AccountContact.objects.get(account=account, contact=contact).position == "Energieeinkauf"
    changed = {name for entry in history(account) for name in (entry.changes or {})}
    assert {"street", "vat_id", "interests"} <= changed
    assert "account_linked" in [entry.event for entry in history(contact) if entry.is_event]


def test_an_account_with_part_of_an_address_keeps_it(sales_api):
    account = AccountFactory(owner=sales_api.user, city="Altstadt")
    lead = LeadFactory(owner=sales_api.user, street="Hafenstraße 4", city="Neustadt")
    operations.qualify_lead(
        lead=lead, account=account, acting_user=sales_api.user, now=timezone.now()
    )
    account.refresh_from_db()
    assert (account.street, account.city) == ("", "Altstadt")


def test_without_write_on_them_existing_records_stay_as_they_are(api_client, make_user):
    """Reading an account and a contact is enough to qualify into them; taking data over and
    linking the contact need the right to write them."""
    reader = [name for name in SALES if not name.startswith("customers.write")]
    seller = make_user(*reader)
    api_client.force_authenticate(seller)
    account = AccountFactory(street="")
    contact = ContactFactory(email="")
    lead = LeadFactory(owner=seller, street="Hafenstraße 4", email="a@example.org")
    answer = api_client.post(
        f"/api/v1/leads/{lead.pk}/qualify/",
        {"account": account.pk, "contact": contact.pk},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    account.refresh_from_db()
    contact.refresh_from_db()
    assert (account.street, contact.email) == ("", "")
    assert not AccountContact.objects.filter(contact=contact).exists()
    assert Opportunity.objects.get(lead=lead).contact == contact


def test_revenue_is_rounded_to_the_cent_half_up():
    line = OpportunityLine(**energy(kwh="1"), price_ct_kwh=Decimal("0.5"))  # 0,005 €
    assert line.revenue_eur() == Decimal("0.01")


def test_a_price_in_the_wrong_unit_is_refused_with_a_hint(sales_api):
    lead = LeadFactory(owner=sales_api.user)
    answer = sales_api.post(
        f"/api/v1/leads/{lead.pk}/lines/",
        api_line({**energy(), "price_ct_kwh": "185"}),
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    answer = sales_api.post(
        f"/api/v1/leads/{lead.pk}/lines/",
        api_line({**energy(), "price_ct_kwh": "250"}),  # EUR/MWh by mistake
        format="json",
    )
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["field"] == "price_ct_kwh"
    assert "EUR/MWh" in error["message"]
