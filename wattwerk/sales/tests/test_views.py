"""The tabs "Zeilen", "Qualifizieren" and "Abschließen": main paths, errors, rights, and a
fixed number of queries however many lines there are."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from wattwerk.core.testing import count_queries, history
from wattwerk.customers.tests.factories import AccountFactory, ContactFactory
from wattwerk.energy.models import Commodity, EnergyService
from wattwerk.sales import operations
from wattwerk.sales.models import AccountOpportunity, Lead, Opportunity

from .factories import LeadFactory, OpportunityFactory, energy, service
from .test_qualification import SALES

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(client, make_user):
    user = make_user(*SALES, "energy.read_commodity", "energy.read_energyservice")
    client.force_login(user)
    return user


def form_data(**values):
    data = {
        "line_set": "potential",
        "kind": "energy",
        "commodity": Commodity.objects.get(code="strom").pk,
        "annual_kwh": "1.000.000",
        "active_from": "2027-01-01",
        "active_to": "2028-01-01",
    }
    return {**data, **values}


def test_add_change_and_remove_a_line(client, seller):
    lead = LeadFactory(owner=seller)
    url = reverse("leads_lines", args=[lead.pk])
    page = client.get(url).content.decode()
    assert 'id="line-form"' in page
    answer = client.post(url, form_data(), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab")
    assert answer.status_code == 200
    assert "1.000,0\N{NO-BREAK SPACE}MWh/a" in answer.content.decode()
    line = lead.lines.get()
    answer = client.post(url, form_data(line=line.pk, annual_kwh="2.500.000"))
    assert answer.status_code == 200
    lead.refresh_from_db()
    assert lead.potential_kwh == Decimal(2_500_000)
    remove = reverse("leads_line_remove", args=[lead.pk, line.pk])
    assert client.post(remove).status_code == 200
    lead.refresh_from_db()
    assert (lead.potential_kwh, lead.lines.count()) == (0, 0)


def test_a_bad_line_is_refused_with_the_field_named(client, seller):
    lead = LeadFactory(owner=seller)
    answer = client.post(
        reverse("leads_lines", args=[lead.pk]), form_data(annual_kwh="", active_to="2026-12-31")
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    assert 'data-field="annual_kwh"' in page
    assert 'data-field="active_to"' in page
    assert not lead.lines.exists()


def test_readers_see_the_lines_without_the_form(client, make_user):
    lead = LeadFactory()
    operations.add_line(parent=lead, values=energy(), acting_user=None, now=timezone.now())
    client.force_login(make_user("sales.read_lead", "access.read_user"))
    page = client.get(reverse("leads_lines", args=[lead.pk])).content.decode()
    assert "line-form" not in page
    assert f'id="line-{lead.lines.get().pk}"' in page
    assert client.post(reverse("leads_lines", args=[lead.pk]), form_data()).status_code == 403


def test_the_lines_tab_runs_a_fixed_number_of_queries(client, seller):
    lead = LeadFactory(owner=seller)
    url = reverse("leads_lines", args=[lead.pk])
    now = timezone.now()
    operations.add_line(parent=lead, values=energy(), acting_user=None, now=now)
    operations.add_line(parent=lead, values=service(), acting_user=None, now=now)
    few = count_queries(lambda: client.get(url))
    for _ in range(6):
        operations.add_line(parent=lead, values=energy("demand"), acting_user=None, now=now)
        operations.add_line(parent=lead, values=service("demand"), acting_user=None, now=now)
    assert count_queries(lambda: client.get(url)) == few


def test_qualify_suggests_duplicates_and_qualifies(client, seller):
    existing = AccountFactory(name="Kühlhaus Nord", postcode="12345", owner=seller)
    person = ContactFactory(first_name="Jana", last_name="Kühn", owner=seller)
    lead = LeadFactory(
        owner=seller, company_name="Kuehlhaus Nord", postcode="12345", last_name="Kuehn"
    )
    operations.add_line(parent=lead, values=energy(), acting_user=None, now=timezone.now())
    url = reverse("leads_qualify", args=[lead.pk])
    page = client.get(url).content.decode()
    assert f'data-account="{existing.pk}"' in page
    assert "ähnlicher Name, gleiche PLZ" in page
    assert f'data-contact="{person.pk}"' in page
    answer = client.post(url, {"account": existing.pk, "opportunity_name": "Strom 2027"})
    opportunity = Opportunity.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == opportunity.get_absolute_url()
    assert opportunity.account == existing
    lead.refresh_from_db()
    assert lead.status == Lead.Status.QUALIFIED
    again = client.get(url).content.decode()
    assert 'id="qualify-done"' in again


def test_close_as_lost_needs_a_reason(client, seller):
    opportunity = OpportunityFactory(owner=seller, account=AccountFactory(owner=seller))
    url = reverse("opportunities_close", args=[opportunity.pk])
    answer = client.post(url, {"outcome": "lost", "reason": ""})
    assert answer.status_code == 422
    assert "Verlustgrund" in answer.content.decode()
    answer = client.post(url, {"outcome": "lost", "reason": "Preis zu hoch"})
    assert answer.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.lost_reason) == ("lost", "Preis zu hoch")


def test_the_account_tabs_list_what_belongs_to_it_and_may_be_read(client, make_user):
    from wattwerk.customers.models import AccountContact
    from wattwerk.customers.tests.factories import ContactFactory
    from wattwerk.energy.tests.factories import DeliveryPointFactory

    reader = make_user(
        "customers.read_account",
        "customers.read_contact",
        "sales.read_opportunity",
        "energy.read_deliverypoint",
        "access.read_user",
    )
    account = AccountFactory()
    contact = ContactFactory(last_name="Kühn-Zugehörig")
    AccountContact.objects.create(account=account, contact=contact, position="Einkauf")
    ContactFactory(last_name="Fremd-Kontakt")
    opportunity = OpportunityFactory(account=account, name="Gas ab 2027")
    point = DeliveryPointFactory(account=account)
    client.force_login(reader)
    contacts = client.get(reverse("accounts_contacts", args=[account.pk])).content.decode()
    assert "Kühn-Zugehörig" in contacts
    assert "Fremd-Kontakt" not in contacts
    assert 'id="tab-opportunities"' in contacts
    opportunities = client.get(reverse("accounts_opportunities", args=[account.pk]))
    assert "Gas ab 2027" in opportunities.content.decode()
    points = client.get(reverse("accounts_delivery_points", args=[account.pk]))
    assert point.malo_id in points.content.decode()
    client.force_login(make_user("customers.read_account", "access.read_user"))
    hidden = client.get(reverse("accounts_opportunities", args=[account.pk])).content.decode()
    assert "Gas ab 2027" not in hidden
    assert opportunity.pk


def test_the_account_tabs_run_a_fixed_number_of_queries(client, make_user):
    from wattwerk.energy.tests.factories import DeliveryPointFactory

    client.force_login(
        make_user("customers.read_account", "energy.read_deliverypoint", "access.read_user")
    )
    account = AccountFactory()
    url = reverse("accounts_delivery_points", args=[account.pk])
    DeliveryPointFactory(account=account)
    few = count_queries(lambda: client.get(url))
    for _ in range(10):
        DeliveryPointFactory(account=account)
    assert count_queries(lambda: client.get(url)) == few


def test_disqualify_needs_a_reason(client, seller):
    lead = LeadFactory(owner=seller)
    url = reverse("leads_disqualify", args=[lead.pk])
    answer = client.post(url, {"reason": " "})
    assert answer.status_code == 302
    lead.refresh_from_db()
    assert lead.status == Lead.Status.OPEN
    client.post(url, {"reason": "kein Bedarf vor 2030"})
    lead.refresh_from_db()
    assert (lead.status, lead.disqualified_reason) == ("disqualified", "kein Bedarf vor 2030")
    page = client.get(reverse("leads_qualify", args=[lead.pk])).content.decode()
    assert 'id="qualify-done"' in page


def test_the_totals_tab_shows_each_commodity_and_delivery_year(client, seller, make_user):
    lead = LeadFactory(owner=seller)
    now = timezone.now()
    operations.add_line(
        parent=lead,
        values=energy(code="gas", start=(2026, 10, 1), end=(2027, 10, 1)),
        acting_user=None,
        now=now,
    )
    operations.add_line(parent=lead, values=service(eur="1234.5"), acting_user=None, now=now)
    page = client.get(reverse("leads_totals", args=[lead.pk])).content.decode()
    assert "GWJ 2026/27: 1.000,0\N{NO-BREAK SPACE}MWh" in page
    assert "1.234,50 EUR" in page
    opportunity = operations.qualify_lead(lead=lead, acting_user=None, now=now)
    operations.close_opportunity(opportunity=opportunity, won=True, acting_user=None, now=now)
    account_opportunity = opportunity.account_opportunity
    client.force_login(seller)
    seller_page = client.get(reverse("account-opportunities_totals", args=[account_opportunity.pk]))
    assert seller_page.status_code in (200, 404)  # the seller may lack read on it


def test_ids_in_pages_are_not_written_with_thousands_separators(client, seller):
    from wattwerk.sales.models import LeadLine

    lead = LeadFactory(owner=seller)
    line = operations.add_line(parent=lead, values=energy(), acting_user=None, now=timezone.now())
    LeadLine.objects.filter(pk=line.pk).update(id=123456)  # as in a database in use
    url = reverse("leads_lines", args=[lead.pk])
    page = client.get(url).content.decode()
    assert 'id="line-123456"' in page
    assert 'href="?edit=123456"' in page
    editing = client.get(url, {"edit": "123456"}).content.decode()
    assert 'name="line" value="123456"' in editing


def test_qualifying_three_potential_and_two_demand_lines_in_the_ui(client, seller):
    """The acceptance case through the pages: lines added in the tab, the lead qualified into a
    new account; the opportunity has the same lines, the account and its account opportunity
    count them, and the lead's history shows one "qualified" event."""
    lead = LeadFactory(owner=seller, company_name="Papierfabrik Weiß")
    url = reverse("leads_lines", args=[lead.pk])
    gas = Commodity.objects.get(code="gas").pk
    audit = EnergyService.objects.get(name="Energieaudit").pk
    posts = [
        form_data(annual_kwh="1.000.000"),
        form_data(commodity=gas, annual_kwh="2.000.000", active_to="2029-01-01"),
        {"line_set": "potential", "kind": "service", "service": audit, "value_eur": "12.000"},
        form_data(line_set="demand", annual_kwh="3.000.000"),
        form_data(line_set="demand", commodity=gas, annual_kwh="4.000.000"),
    ]
    for data in posts:
        answer = client.post(url, data, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tab")
        assert answer.status_code == 200, answer.content.decode()[:2000]
    assert lead.lines.count() == 5

    answer = client.post(reverse("leads_qualify", args=[lead.pk]), {})
    assert answer.status_code == 302
    opportunity = Opportunity.objects.get(lead=lead)

    def shape(lines):
        return sorted((line.line_set, line.kind, line.annual_kwh, line.value_eur) for line in lines)

    assert shape(opportunity.lines.all()) == shape(lead.lines.all())
    account = opportunity.account
    assert account.name == "Papierfabrik Weiß"
    assert (account.potential_kwh, account.demand_kwh) == (Decimal(3_000_000), Decimal(7_000_000))
    remaining = AccountOpportunity.objects.get(account=account)
    assert remaining.remaining_kwh == Decimal(7_000_000)
    assert remaining.totals["remaining_by_year"]["strom 2027"] == "3000000.000"
    lead.refresh_from_db()
    events = [entry.event for entry in history(lead) if entry.is_event]
    assert events.count("lead_qualified") == 1
    page = client.get(reverse("opportunities_totals", args=[opportunity.pk])).content.decode()
    assert "3.000,0\N{NO-BREAK SPACE}MWh" in page  # the demand of electricity
    assert 'id="expected-revenue"' in page
    account_page = client.get(account.get_absolute_url()).content.decode()
    assert reverse("accounts_totals", args=[account.pk]) in account_page
    page = client.get(reverse("accounts_totals", args=[account.pk])).content.decode()
    assert "4.000,0\N{NO-BREAK SPACE}MWh" in page  # the demand of gas
    assert 'id="expected-revenue"' not in page  # an account has no probability
    lines = client.get(reverse("leads_lines", args=[lead.pk])).content.decode()
    assert 'id="total-revenue"' in lines
    assert 'id="total-expected-revenue"' not in lines


def test_a_list_filtered_by_account_names_it_and_lists_no_accounts_to_choose(client, seller):
    """A large utility has 150,000 accounts: the opportunity list offers no select of them; the
    filter comes by link, shows as a chip with the account's name and a link that removes it."""
    chosen, other = AccountFactory(name="Stadtbad Nord"), AccountFactory(name="Zementwerk Süd")
    OpportunityFactory(owner=seller, account=chosen, name="Strom 2027 Stadtbad")
    OpportunityFactory(owner=seller, account=other, name="Gas 2027 Zementwerk")
    url = reverse("opportunities_list")
    page = client.get(url, {"account": chosen.pk, "q": "2027"}).content.decode()
    assert "Strom 2027 Stadtbad" in page
    assert "Gas 2027 Zementwerk" not in page
    assert '<select name="account"' not in page
    assert f'<input type="hidden" name="account" value="{chosen.pk}"' in page
    assert "Firma: Stadtbad Nord" in page
    assert 'href="?q=2027"' in page  # the chip's ✕: the same list without the account
    unfiltered = client.get(url).content.decode()
    assert "Zementwerk Süd" in unfiltered
    assert "Stadtbad Nord" in unfiltered
    assert "pinned-filter" not in unfiltered
    assert 'name="account"' not in unfiltered
    # On page 2, with another filter mistyped: the chip stays, its ✕ leads to page 1.
    mistyped = client.get(url, {"account": chosen.pk, "status": "vielleicht", "page": 2})
    assert "Firma: Stadtbad Nord" in mistyped.content.decode()
    assert 'href="?status=vielleicht"' in mistyped.content.decode()


def test_an_account_is_picked_by_typing_not_from_a_list_of_all(client, seller, make_user):
    """The opportunity form offers no select of every account: typing asks the server for the
    readable accounts whose name matches, the choice "Name · id" is what the form takes."""
    mine = AccountFactory(name="Stadtbad Nord", legal_form="")
    AccountFactory(name="Zementwerk Süd")
    page = client.get(reverse("opportunities_add")).content.decode()
    assert '<select name="account"' not in page
    assert "Stadtbad Nord" not in page
    assert f'hx-get="{reverse("accounts_choices")}"' in page
    offered = client.get(reverse("accounts_choices"), {"account": "stadtbad"}).content.decode()
    assert offered.strip() == f'<option value="Stadtbad Nord · {mine.pk}"></option>'
    data = {"name": "Strom 2028", "account": f"Stadtbad Nord · {mine.pk}", "probability": "10"}
    answer = client.post(reverse("opportunities_add"), data)
    assert answer.status_code == 302, answer.content.decode()
    opportunity = Opportunity.objects.get(name="Strom 2028")
    assert opportunity.account == mine
    edit = client.get(reverse("opportunities_edit", args=[opportunity.pk])).content.decode()
    assert f'value="Stadtbad Nord · {mine.pk}"' in edit
    client.force_login(make_user("sales.read_opportunity"))  # may not read accounts
    hidden = client.get(reverse("accounts_choices"), {"account": "stadtbad"}).content.decode()
    assert "Stadtbad" not in hidden


def test_a_suggestion_found_through_another_field_says_where(client, seller):
    """The browser shows only suggestions that hold the text typed: an opportunity found by its
    account's name carries that name (what the form takes is still the id at the end)."""
    account = AccountFactory(name="Stadtbad Nord", legal_form="")
    opportunity = OpportunityFactory(owner=seller, account=account, name="Strom 2027")
    url = reverse("opportunities_choices")

    def offered(text):
        return client.get(url, {"opportunity": text}).content.decode().strip()

    found = f"Strom 2027 (Stadtbad Nord) · {opportunity.pk}"
    assert offered("Stadtbad Strom") == f'<option value="{found}"></option>'
    assert offered("strom") == f'<option value="Strom 2027 · {opportunity.pk}"></option>'


def test_a_name_typed_but_not_picked_is_refused_at_the_field(client, seller):
    AccountFactory(name="Stadtbad Nord", owner=seller)
    data = {"name": "Strom 2028", "account": "Stadtbad", "probability": "10"}
    page = client.post(reverse("opportunities_add"), data).content.decode()
    assert 'data-field="account"' in page
    assert "einen der Vorschläge wählen" in page
    assert 'value="Stadtbad"' in page  # what was typed stays
    assert not Opportunity.objects.filter(name="Strom 2028").exists()
