"""The totals of leads, opportunities, accounts and account opportunities, computed from lines.

What each total counts (annual quantities in kWh/a; per delivery year the quantity delivered in
that year, split pro rata by hours — calendar years for electricity and heat, gas years for gas):

- a lead or an opportunity: its own lines — ``potential_kwh`` the energy lines of the potential,
  ``demand_kwh`` those of the total demand, ``services_eur`` the value of the potential's
  service lines;
- an account: the potential of its *open* opportunities, and the total demand of its
  opportunities that are not lost;
- its account opportunity: that total demand, the volume *won* (the potential lines of won
  opportunities — or, for an opportunity won by quote, the lines of its won quotes), and the
  remaining potential = demand − won, per commodity and delivery year (negative when more was
  won than the demand recorded).

The operations call the ``refresh_…`` functions in the transaction of every change to a line,
a status or a link; ``wattwerk recompute_totals --check`` compares every stored total with a
fresh computation.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from wattwerk.customers.models import Account

from .models import (
    AccountOpportunity,
    Lead,
    LineKind,
    LineSet,
    Opportunity,
    OpportunityLine,
    cents,
)

ZERO = Decimal(0)

# What a won opportunity actually sold, where an app above knows better than its potential
# lines (the quotes app: the lines of its won quotes): fn(account) → {opportunity id: [lines]}.
_won_line_sources: list[Callable] = []


def won_lines_from(function: Callable) -> Callable:
    """``@won_lines_from`` registers such a source."""
    if function not in _won_line_sources:
        _won_line_sources.append(function)
    return function


@dataclass
class Totals:
    annual: dict = field(default_factory=lambda: defaultdict(Decimal))  # (set, commodity) → kWh
    years: dict = field(default_factory=lambda: defaultdict(Decimal))  # (set, commodity, year)
    services: dict = field(default_factory=lambda: defaultdict(Decimal))  # set → EUR
    revenue: dict = field(default_factory=lambda: defaultdict(Decimal))  # set → EUR

    def add(self, line, line_set: str | None = None) -> None:
        line_set = line_set or line.line_set
        if line.kind == LineKind.SERVICE:
            self.services[line_set] += line.value_eur or ZERO
            self.revenue[line_set] += line.revenue_eur()
            return
        if line.annual_kwh is None or line.commodity is None:
            return
        code = line.commodity.code
        self.annual[line_set, code] += line.annual_kwh
        shares = line.year_shares()
        for share in shares:
            self.years[line_set, code, share.label] += share.quantity
        self.revenue[line_set] += line.revenue_eur(shares)

    def kwh(self, line_set: str) -> Decimal:
        return sum((kwh for (name, _code), kwh in self.annual.items() if name == line_set), ZERO)

    def breakdown(self) -> dict:
        """``{"potential": {"strom": {"annual_kwh": "…", "years": {"2027": "…"}}}, …,
        "services_eur": {"potential": "…", "demand": "…"}}`` — decimals as strings."""
        result: dict = {}
        for (line_set, code), kwh in sorted(self.annual.items()):
            entry = result.setdefault(line_set, {}).setdefault(code, {"years": {}})
            entry["annual_kwh"] = str(kwh)
        for (line_set, code, label), kwh in sorted(self.years.items()):
            result[line_set][code]["years"][label] = str(kwh)
        for key, amounts in (("services_eur", self.services), ("revenue_eur", self.revenue)):
            present = {name: str(eur) for name, eur in sorted(amounts.items()) if eur}
            if present:
                result[key] = present
        return result


def of_lines(lines: Iterable) -> Totals:
    totals = Totals()
    for line in lines:
        totals.add(line)
    return totals


def _lines(queryset):
    return queryset.select_related("commodity")


def stored_values(totals: Totals) -> dict:
    return {
        "potential_kwh": totals.kwh(LineSet.POTENTIAL),
        "demand_kwh": totals.kwh(LineSet.DEMAND),
        "services_eur": totals.services[LineSet.POTENTIAL],
        "revenue_eur": totals.revenue[LineSet.POTENTIAL],
        "totals": totals.breakdown(),
    }


def lead_values(lead: Lead) -> dict:
    return stored_values(of_lines(_lines(lead.lines.all())))


def opportunity_values(opportunity: Opportunity) -> dict:
    """Its totals, and the expected revenue: the potential's revenue weighted by probability."""
    values = stored_values(of_lines(_lines(opportunity.lines.all())))
    weighted = values["revenue_eur"] * opportunity.probability / 100
    values["expected_revenue_eur"] = cents(weighted)
    return values


def account_values(account: Account) -> tuple[dict, dict]:
    """(the account's totals, its account opportunity's) from its opportunities' lines."""
    lines = _lines(OpportunityLine.objects.filter(opportunity__account=account)).select_related(
        "opportunity"
    )
    sold = {}
    for source in _won_line_sources:
        sold.update(source(account))
    return account_values_of(lines, sold)


def account_values_of(lines: Iterable, sold: dict) -> tuple[dict, dict]:
    """:func:`account_values` from the lines of an account's opportunities (each with its
    ``opportunity``) and what its opportunities sold by quote (opportunity id → lines)."""
    account_totals, won = Totals(), Totals()
    for line in lines:
        status = line.opportunity.status
        if status == Opportunity.Status.OPEN and line.line_set == LineSet.POTENTIAL:
            account_totals.add(line)
        if status != Opportunity.Status.LOST and line.line_set == LineSet.DEMAND:
            account_totals.add(line)
        won_potential = status == Opportunity.Status.WON and line.line_set == LineSet.POTENTIAL
        if won_potential and line.opportunity_id not in sold:
            won.add(line, "won")
    for sold_lines in sold.values():
        for line in sold_lines:
            won.add(line, "won")
    demand = {key[1:]: kwh for key, kwh in account_totals.years.items() if key[0] == "demand"}
    won_years = {key[1:]: kwh for key, kwh in won.years.items()}
    remaining = {
        f"{code} {label}": str(demand.get((code, label), ZERO) - won_years.get((code, label), ZERO))
        for code, label in sorted(set(demand) | set(won_years))
    }
    demand_kwh, won_kwh = account_totals.kwh(LineSet.DEMAND), won.kwh("won")
    breakdown = {**account_totals.breakdown(), **won.breakdown()}
    opportunity_values = {
        "demand_kwh": demand_kwh,
        "won_kwh": won_kwh,
        "remaining_kwh": demand_kwh - won_kwh,
        "totals": {
            "demand": breakdown.get("demand", {}),
            "won": breakdown.get("won", {}),
            "remaining_by_year": remaining,
        },
    }
    return stored_values(account_totals), opportunity_values


def _store(instance, values: dict) -> None:
    type(instance).objects.filter(pk=instance.pk).update(**values)
    for name, value in values.items():
        setattr(instance, name, value)


def refresh_lead(lead: Lead) -> None:
    _store(lead, lead_values(lead))


def refresh_account(account: Account) -> None:
    """Recompute an account's totals, its row locked first: two writers changing different
    opportunities of one account must not each store a sum without the other's change."""
    Account.objects.select_for_update().filter(pk=account.pk).first()
    account_totals, opportunity_totals = account_values(account)
    _store(account, account_totals)
    account_opportunity = AccountOpportunity.objects.filter(account=account).first()
    if account_opportunity is not None:
        _store(account_opportunity, opportunity_totals)


def refresh_opportunity(opportunity: Opportunity, *, with_account: bool = True) -> None:
    _store(opportunity, opportunity_values(opportunity))
    if with_account:
        refresh_account(opportunity.account)


def differences() -> list[str]:
    """Every stored total that differs from a fresh computation, described in German."""
    found = []

    def compare(instance, fresh: dict) -> None:
        for name, value in fresh.items():
            stored = getattr(instance, name)
            if stored != value:
                found.append(
                    f"{instance._meta.verbose_name} {instance.pk} ({instance}): {name} "
                    f"gespeichert {stored!r}, neu berechnet {value!r}"
                )

    for lead in Lead.objects.all().iterator():
        compare(lead, lead_values(lead))
    for opportunity in Opportunity.objects.all().iterator():
        compare(opportunity, opportunity_values(opportunity))
    for account in Account.objects.all().iterator():
        account_totals, opportunity_totals = account_values(account)
        compare(account, account_totals)
        account_opportunity = AccountOpportunity.objects.filter(account=account).first()
        if account_opportunity is not None:
            compare(account_opportunity, opportunity_totals)
    return found


def recompute_all() -> None:
    """Store fresh totals everywhere (after ``differences`` found some)."""
    for lead in Lead.objects.all().iterator():
        refresh_lead(lead)
    for opportunity in Opportunity.objects.all().iterator():
        _store(opportunity, opportunity_values(opportunity))
    for account in Account.objects.all().iterator():
        refresh_account(account)
