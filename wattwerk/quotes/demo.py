"""Demo: quotes on the open opportunities of Stadtwerke Musterstadt — the seed's example (three
yearly quotes and one for 2027–2029, alternatives of one group), a quote whose Bindefrist ends
tomorrow, an indication, an expired quote, a revised one and a lost one. The prices of the
lines are field-secured: the Preisbildung writes them, the Vertrieb reads them."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from wattwerk.access.demo import grant, secure
from wattwerk.access.models import Depth, Privilege
from wattwerk.core import demo
from wattwerk.energy.periods import Period
from wattwerk.sales.models import Opportunity

from . import operations
from .models import Quote, QuoteLine

BERLIN = ZoneInfo("Europe/Berlin")


def _noon(now, days: int) -> datetime:
    return datetime.combine(timezone.localdate(now) + timedelta(days=days), time(12), BERLIN)


def _quote(opportunity, name, now, *, days=5, sent=True, **options) -> Quote:
    quote = operations.create_quote(
        quote=Quote(
            name=name,
            opportunity=opportunity,
            binding_until=_noon(now, days),
            payment_terms="14 Tage netto, Abschlag monatlich",
            indicative=options.pop("indicative", False),
            owner=opportunity.owner,
            owner_team=opportunity.owner_team,
        ),
        acting_user=None,
        now=now,
        **options,
    )
    for line in quote.lines.all():
        if line.kind == "energy":
            operations.change_line(
                line=line,
                values={"base_price_eur_month": Decimal("45.00")},
                acting_user=None,
                now=now,
            )
    if sent:
        operations.activate_quote(quote=quote, acting_user=None, now=now)
    return quote


@demo.register
def load_quotes(*, now) -> None:
    org = Depth.ORGANISATION
    grant("Mitarbeitende", Quote, read=org)
    grant("Vertrieb", Quote, create=Depth.DEPARTMENT, write=Depth.DEPARTMENT)
    grant("Vertrieb", Quote, assign=Depth.DEPARTMENT, share=Depth.OWN)
    grant("Vertriebsleitung", Quote, write=Depth.DEPARTMENT_TREE, delete=Depth.DEPARTMENT)
    grant("Preisbildung", Quote, write=org)
    grant("Administrator", Quote, **dict.fromkeys(Privilege.values, org))
    # The prices: the Preisbildung sets them, the Vertrieb reads them (field security).
    secure("Preisbildung", QuoteLine, *QuoteLine.secured_fields, write=True)
    secure("Vertrieb", QuoteLine, *QuoteLine.secured_fields)
    if Quote.objects.exists():
        return  # loaded before
    opportunities = [
        opportunity
        for opportunity in Opportunity.objects.filter(status="open").order_by("pk")
        if opportunity.lines.filter(kind="energy", line_set="potential").exists()
    ]
    if len(opportunities) < 5:
        return
    seed, soon, expired, revised, lost = opportunities[:5]

    # The seed's example: one quote per delivery year and one over all of them, alternatives
    # of one group.
    lines = seed.lines.filter(kind="energy", line_set="potential")
    start = min(line.active_from for line in lines).year
    years = range(start, max(line.active_to for line in lines).year)[:3]
    first = None
    for year in years:
        quote = _quote(
            seed,
            f"{seed.name} – Lieferjahr {year}",
            now,
            period=Period(*_year(year)),
            alternative_to=first,
        )
        first = first or quote
    _quote(seed, f"{seed.name} – {years[0]} bis {years[-1]}", now, alternative_to=first)

    _quote(soon, f"{soon.name} – Festpreis", now, days=1)
    _quote(soon, f"{soon.name} – Preisindikation Spotmodell", now, indicative=True, days=14)

    # Sent ten days ago, binding for eight: it reads as expired, whether a task ran or not.
    _quote(expired, f"{expired.name} – Festpreis", now - timedelta(days=10), days=8)

    draft = _quote(revised, f"{revised.name} – Festpreis", now - timedelta(days=3), days=4)
    second = operations.revise_quote(quote=draft, acting_user=None, now=now)
    for line in second.lines.filter(kind="energy"):
        cheaper = (line.price_ct_kwh or Decimal("20")) - Decimal("0.4")
        operations.change_line(
            line=line, values={"price_ct_kwh": cheaper}, acting_user=None, now=now
        )
    Quote.objects.filter(pk=second.pk).update(binding_until=_noon(now, 6))
    operations.activate_quote(quote=second, acting_user=None, now=now)

    gone = _quote(lost, f"{lost.name} – Festpreis", now - timedelta(days=20), days=30)
    operations.lose_quote(
        quote=gone, reason="Wettbewerber günstiger", acting_user=None, now=now - timedelta(days=5)
    )


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)
