"""The rules of quotes: what may change when, what closes what, amounts and numbers."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from wattwerk.core import operations as core_operations
from wattwerk.core.changelog import history_for
from wattwerk.energy.models import Commodity, EnergyService
from wattwerk.energy.periods import Period
from wattwerk.quotes import operations, queries
from wattwerk.quotes.models import Quote, QuoteLineYear, months_in, next_number
from wattwerk.sales import operations as sales_operations
from wattwerk.sales.models import AccountOpportunity

from .helpers import later, salesperson, seed_opportunity

pytestmark = pytest.mark.django_db


def new_quote(
    owner, now, opportunity=None, take_lines=True, period=None, alternative_to=None, **fields
):
    opportunity = opportunity or seed_opportunity(owner, now)
    fields.setdefault("binding_until", later(now))
    return operations.create_quote(
        quote=Quote(name="Strom", opportunity=opportunity, **fields),
        take_lines=take_lines,
        period=period,
        alternative_to=alternative_to,
        acting_user=owner,
        now=now,
    )


def test_numbers_run_per_year_and_revisions_keep_them(now):
    assert next_number(date(2026, 3, 1)) == "AN-2026-00001"
    assert next_number(date(2026, 3, 1)) == "AN-2026-00002"
    assert next_number(date(2027, 1, 2)) == "AN-2027-00001"
    owner = salesperson()
    quote = new_quote(owner, now)
    operations.activate_quote(quote=quote, acting_user=owner, now=now)
    revision = operations.revise_quote(quote=quote, acting_user=owner, now=now)
    assert (revision.number, revision.revision) == (quote.number, 2)
    assert revision.reference == f"{quote.number}-R2"
    with pytest.raises(ValidationError, match="überarbeitet"):
        operations.revise_quote(quote=quote, acting_user=owner, now=now)


def test_months_count_whole_months_and_the_rest_by_days():
    assert months_in(Period(date(2027, 1, 1), date(2030, 1, 1))) == 36
    assert months_in(Period(date(2027, 1, 1), date(2027, 4, 1))) == 3
    assert months_in(Period(date(2027, 1, 1), date(2027, 1, 16))) == Decimal(15) / Decimal(31)
    assert months_in(Period(date(2027, 1, 31), date(2027, 2, 28))) == 1


def test_line_amount_adds_working_base_and_capacity_price(now):
    owner = salesperson()
    quote = new_quote(owner, now, take_lines=False)
    line = operations.add_line(
        parent=quote,
        values={
            "kind": "energy",
            "commodity": Commodity.objects.get(code="strom"),
            "annual_kwh": Decimal("2000000"),
            "active_from": date(2027, 1, 1),
            "active_to": date(2029, 1, 1),
            "price_ct_kwh": Decimal("12.5"),
            "base_price_eur_month": Decimal("50"),
            "capacity_kw": Decimal("400"),
            "capacity_price_eur_kw_year": Decimal("80"),
        },
        acting_user=owner,
        now=now,
    )
    # 4 GWh × 12,5 ct + 24 months × 50 EUR + 400 kW × 80 EUR × 2 years
    assert line.amount_eur == Decimal("500000") + Decimal("1200") + Decimal("64000")
    assert line.period_kwh == Decimal("4000000")
    assert sorted(QuoteLineYear.objects.values_list("year", "kwh")) == [
        ("2027", Decimal("2000000.000")),
        ("2028", Decimal("2000000.000")),
    ]
    quote.refresh_from_db()
    assert quote.total_eur == line.amount_eur
    operations.add_line(
        parent=quote,
        values={
            "kind": "service",
            "service": EnergyService.objects.first(),
            "scope": Decimal("1"),
            "value_eur": Decimal("9500"),
        },
        acting_user=owner,
        now=now,
    )
    quote.refresh_from_db()
    assert quote.total_eur == Decimal("565200") + Decimal("9500")


def test_a_capacity_price_needs_its_capacity(now):
    owner = salesperson()
    quote = new_quote(owner, now, take_lines=False)
    with pytest.raises(ValidationError) as refused:
        operations.add_line(
            parent=quote,
            values={
                "kind": "energy",
                "commodity": Commodity.objects.get(code="strom"),
                "annual_kwh": Decimal("1000"),
                "active_from": date(2027, 1, 1),
                "active_to": date(2028, 1, 1),
                "capacity_price_eur_kw_year": Decimal("80"),
            },
            acting_user=owner,
            now=now,
        )
    assert "capacity_kw" in refused.value.message_dict
    assert quote.lines.count() == 0


def test_lines_are_taken_over_cut_to_the_period(now):
    owner = salesperson()
    opportunity = seed_opportunity(owner, now)
    quote = new_quote(owner, now, opportunity, period=Period(date(2028, 1, 1), date(2028, 7, 1)))
    (line,) = quote.lines.all()
    assert (line.active_from, line.active_to) == (date(2028, 1, 1), date(2028, 7, 1))
    assert line.annual_kwh == Decimal("10000000")
    assert quote.total_kwh == line.period_kwh < Decimal("5000001")
    outside = new_quote(owner, now, opportunity, period=Period(date(2031, 1, 1), date(2032, 1, 1)))
    assert outside.lines.count() == 0


def test_activation_needs_lines_and_a_future_bindefrist_unless_indicative(now):
    owner = salesperson()
    empty = new_quote(owner, now, take_lines=False, binding_until=None)
    with pytest.raises(ValidationError) as refused:
        operations.activate_quote(quote=empty, acting_user=owner, now=now)
    assert set(refused.value.message_dict) == {"lines", "binding_until"}
    past = new_quote(owner, now, binding_until=now - timedelta(hours=1))
    with pytest.raises(ValidationError, match="Vergangenheit"):
        operations.activate_quote(quote=past, acting_user=owner, now=now)
    indication = new_quote(owner, now, binding_until=None, indicative=True)
    assert operations.activate_quote(quote=indication, acting_user=owner, now=now).status == (
        "active"
    )


def test_a_sent_quote_changes_only_by_revision(api_client, now):
    owner = salesperson()
    quote = new_quote(owner, now)
    operations.activate_quote(quote=quote, acting_user=owner, now=now)
    api_client.force_authenticate(owner)

    refused = api_client.patch(f"/api/v1/quotes/{quote.pk}/", {"name": "billiger"}, format="json")
    assert refused.status_code == 400
    assert "Revision" in str(refused.json())
    line = quote.lines.get()
    refused = api_client.patch(
        f"/api/v1/quotes/{quote.pk}/lines/{line.pk}/", {"price_ct_kwh": "1.0"}, format="json"
    )
    assert refused.status_code == 400
    assert "nur Entwürfe" in str(refused.json())
    noted = api_client.patch(f"/api/v1/quotes/{quote.pk}/", {"note": "Rückruf Fr."}, format="json")
    assert noted.status_code == 200


def test_revising_copies_lines_and_the_comparison_shows_the_new_price(now):
    owner = salesperson()
    quote = new_quote(owner, now)
    line = quote.lines.get()
    operations.change_line(
        line=line, values={"price_ct_kwh": Decimal("14")}, acting_user=owner, now=now
    )
    operations.activate_quote(quote=quote, acting_user=owner, now=now)
    revision = operations.revise_quote(quote=quote, acting_user=owner, now=now)
    operations.change_line(
        line=revision.lines.get(),
        values={"price_ct_kwh": Decimal("13.2")},
        acting_user=owner,
        now=now,
    )
    revision.refresh_from_db()

    comparison = queries.compare(Quote.objects.get(pk=quote.pk), revision)

    (change,) = comparison.lines
    assert change.kind == "changed"
    assert ("Arbeitspreis (ct/kWh)", "14,0000", "13,2000") in change.fields
    assert comparison.total_eur == (Decimal("4200000.00"), Decimal("3960000.00"))
    assert history_for(quote).filter(event="quote_revised").count() == 1


def test_losing_needs_a_reason(now):
    owner = salesperson()
    quote = new_quote(owner, now)
    operations.activate_quote(quote=quote, acting_user=owner, now=now)
    with pytest.raises(ValidationError) as refused:
        operations.lose_quote(quote=quote, reason=" ", acting_user=owner, now=now)
    assert "reason" in refused.value.message_dict
    lost = operations.lose_quote(quote=quote, reason="Preis zu hoch", acting_user=owner, now=now)
    assert (lost.status, lost.lost_reason) == ("lost", "Preis zu hoch")


def test_losing_the_opportunity_loses_its_sent_quotes_and_cancels_drafts(now):
    owner = salesperson()
    quote = new_quote(owner, now)
    draft = new_quote(owner, now, quote.opportunity)
    operations.activate_quote(quote=quote, acting_user=owner, now=now)

    sales_operations.close_opportunity(
        opportunity=quote.opportunity, won=False, reason="Wettbewerber", acting_user=owner, now=now
    )

    lost = Quote.objects.get(pk=quote.pk)
    assert (lost.status, lost.lost_reason) == ("lost", "Verkaufschance verloren")
    assert Quote.objects.get(pk=draft.pk).status == "cancelled"  # never sent, so never lost


def test_winning_the_opportunity_directly_asks_which_quote_was_accepted(now):
    owner = salesperson()
    quote = new_quote(owner, now)
    operations.activate_quote(quote=quote, acting_user=owner, now=now)

    with pytest.raises(ValidationError, match=quote.number):
        sales_operations.close_opportunity(
            opportunity=quote.opportunity, won=True, acting_user=owner, now=now
        )
    assert quote.opportunity.__class__.objects.get(pk=quote.opportunity_id).status == "open"


def test_winning_one_of_two_independent_quotes_keeps_the_opportunity_open(now):
    """Electricity and gas quoted separately (no group): winning the first leaves the second
    open and the opportunity with it; winning the second closes it."""
    owner = salesperson()
    first = new_quote(owner, now)
    second = new_quote(owner, now, first.opportunity)
    for quote in (first, second):
        operations.activate_quote(quote=quote, acting_user=owner, now=now)

    operations.win_quote(quote=first, acting_user=owner, now=now)
    opportunity = first.opportunity.__class__.objects.get(pk=first.opportunity_id)
    assert (opportunity.status, Quote.objects.get(pk=second.pk).status) == ("open", "active")

    operations.win_quote(quote=second, acting_user=owner, now=now)
    opportunity.refresh_from_db()
    assert opportunity.status == "won"
    account_opportunity = AccountOpportunity.objects.get(account=opportunity.account)
    assert account_opportunity.won_kwh == Decimal("20000000")  # both quotes' lines


def test_a_quote_needs_an_open_opportunity_and_a_contact_of_its_account(now):
    owner = salesperson()
    quote = new_quote(owner, now)
    sales_operations.close_opportunity(
        opportunity=quote.opportunity, won=False, reason="x", acting_user=owner, now=now
    )
    with pytest.raises(ValidationError, match="abgeschlossen"):
        new_quote(owner, now, quote.opportunity)
    from wattwerk.customers.tests.factories import ContactFactory

    other = seed_opportunity(owner, now)
    with pytest.raises(ValidationError) as refused:
        core_operations.create_record(
            instance=Quote(name="x", opportunity=other, contact=ContactFactory(owner=owner)),
            acting_user=owner,
            now=now,
        )
    assert "contact" in refused.value.message_dict


def test_a_group_is_won_once_and_its_losers_stay_lost(now):
    owner = salesperson()
    first = new_quote(owner, now)
    second = new_quote(owner, now, first.opportunity, alternative_to=first)
    unsent = new_quote(owner, now, first.opportunity, alternative_to=first)
    apart = new_quote(owner, now, first.opportunity)  # keeps the opportunity open
    for quote in (first, second, apart):
        operations.activate_quote(quote=quote, acting_user=owner, now=now)
    operations.win_quote(quote=first, acting_user=owner, now=now)

    assert Quote.objects.get(pk=unsent.pk).status == "cancelled"  # never offered, never lost

    loser = Quote.objects.get(pk=second.pk)
    assert loser.lost_reason == operations.REPLACED_BY_ALTERNATIVE
    with pytest.raises(ValidationError, match="schon"):
        operations.revise_quote(quote=loser, acting_user=owner, now=now)
    with pytest.raises(ValidationError) as refused:
        new_quote(owner, now, first.opportunity, alternative_to=Quote.objects.get(pk=first.pk))
    assert "alternative_to" in refused.value.message_dict
    won = Quote.objects.get(pk=first.pk)
    won.group = None
    with pytest.raises(ValidationError, match="Revision"):
        core_operations.update_record(instance=won, acting_user=owner, now=now)


def test_only_drafts_are_deleted(now):
    owner = salesperson()
    draft = new_quote(owner, now)
    sent = operations.activate_quote(
        quote=new_quote(owner, now, draft.opportunity), acting_user=owner, now=now
    )
    sent_pk = sent.pk
    with pytest.raises(core_operations.UnableToDeleteRecord, match="Nur Entwürfe"):
        core_operations.delete_record(instance=sent, acting_user=None, now=now)
    assert Quote.objects.filter(pk=sent_pk).exists()
    core_operations.delete_record(instance=draft, acting_user=None, now=now)
    assert not Quote.objects.filter(pk=draft.pk).exists()


def test_an_open_indication_does_not_keep_the_won_volume_back(now):
    owner = salesperson()
    indication = new_quote(owner, now, binding_until=None, indicative=True)
    operations.activate_quote(quote=indication, acting_user=owner, now=now)
    binding = new_quote(owner, now, indication.opportunity)
    operations.activate_quote(quote=binding, acting_user=owner, now=now)

    operations.win_quote(quote=binding, acting_user=owner, now=now)

    opportunity = binding.opportunity.__class__.objects.get(pk=binding.opportunity_id)
    assert opportunity.status == "won"
    assert Quote.objects.get(pk=indication.pk).lost_reason == operations.WON_WITH_ANOTHER
    won = AccountOpportunity.objects.get(account=opportunity.account).won_kwh
    assert won == Decimal("10000000")


def test_a_moved_opportunity_takes_its_quotes_to_the_new_account(now):
    from wattwerk.customers.tests.factories import AccountFactory

    owner = salesperson()
    quote = new_quote(owner, now)
    opportunity = quote.opportunity.__class__.objects.get(pk=quote.opportunity_id)
    opportunity.account = AccountFactory(owner=owner)
    core_operations.update_record(instance=opportunity, acting_user=owner, now=now)
    assert Quote.objects.get(pk=quote.pk).account_id == opportunity.account_id


def test_expiry_and_the_warning_reach_a_team_that_owns_the_quote(now):
    from wattwerk.access.tests.factories import TeamFactory
    from wattwerk.core.models import OutboxEmail

    owner = salesperson()
    owner.email = "team@stadtwerke.example"
    owner.save()
    team = TeamFactory()
    team.members.add(owner)
    quote = new_quote(owner, now, binding_until=later(now, 24))
    Quote.objects.filter(pk=quote.pk).update(owner=None, owner_team=team)
    operations.activate_quote(quote=quote, acting_user=None, now=now)

    assert operations.warn_expiring(now=now) == 1
    assert operations.expire_due(now=now + timedelta(hours=25)) == 1

    subjects = list(OutboxEmail.objects.order_by("pk").values_list("subject", flat=True))
    assert subjects[0].startswith("Bindefrist endet bald")
    assert subjects[1].startswith("Bindefrist abgelaufen")
    assert OutboxEmail.objects.filter(recipients=["team@stadtwerke.example"]).count() == 2


def test_gas_is_split_into_gas_years(now):
    owner = salesperson()
    quote = new_quote(owner, now, take_lines=False)
    operations.add_line(
        parent=quote,
        values={
            "kind": "energy",
            "commodity": Commodity.objects.get(code="gas"),
            "annual_kwh": Decimal("8760000"),
            "active_from": date(2026, 10, 1),
            "active_to": date(2028, 10, 1),
        },
        acting_user=owner,
        now=now,
    )
    years = dict(QuoteLineYear.objects.values_list("year", "kwh"))
    assert years == {"GWJ 2026/27": Decimal("8760000.000"), "GWJ 2027/28": Decimal("8760000.000")}
