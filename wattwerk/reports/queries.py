"""Sales controlling (R1): pipeline and volume figures computed in the database, each a fixed
number of queries whatever the amount of data, each over the records the user may read.

- **EUR pipeline**: open opportunities' revenue potential and, weighted by probability, their
  expected revenue — by process stage, owner, department or month of the expected close.
- **Volume pipeline**: the MWh of *sent* quotes within their Bindefrist, per delivery year ×
  commodity × balancing area, weighted by the opportunity's probability. **A quote group counts
  once**: per delivery year, commodity and balancing area, the largest quantity any of its open
  alternatives offers (the seed's three yearly quotes and the combined one for 2027–2029 give
  10 GWh in each year, not 20). Indicative quotes (price indications) are counted in a figure of
  their own, the same way, and in no binding figure.
- **Won volume against demand** per account (the account opportunity's totals).
- **Hit rate**: decided quotes won among won, lost and expired ones (revisions and cancelled
  quotes are not decisions), by owner, in number and in EUR.
- **Quotes ending soon**: sent quotes whose Bindefrist ends within the next days.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wattwerk.core.querysets import Action
from wattwerk.processes.models import ProcessInstance, ProcessTemplate
from wattwerk.quotes.models import Quote, QuoteLineYear
from wattwerk.quotes.operations import AUTOMATIC_LOSSES
from wattwerk.sales.models import AccountOpportunity, Opportunity

KWH_PER_MWH = Decimal(1000)
THREE = Decimal("0.001")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | count | eur | mwh | percent | moment


@dataclass
class Table:
    """One report: its columns, rows (dicts by column key) and the total row."""

    key: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    totals: dict | None = None
    note: str = ""

    def as_values(self):
        """The header, then the rows, then the totals (for CSV and XLSX)."""
        yield [str(column.label) for column in self.columns]
        for row in [*self.rows, *([self.totals] if self.totals else [])]:
            yield [row.get(column.key) for column in self.columns]

    def chart(self, value_key: str, label) -> list[tuple[str, Decimal, int]]:
        """(label, value, width in percent of the largest) per row, for a bar chart;
        ``label(row)`` names the bar."""
        values = [(str(label(row) or "–"), row.get(value_key) or 0) for row in self.rows]
        largest = max((value for _label, value in values), default=0) or 1
        return [(label, value, round(100 * value / largest)) for label, value in values]


def _mwh(kwh) -> Decimal:
    return (Decimal(kwh or 0) / KWH_PER_MWH).quantize(THREE)


def _eur(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


PIPELINE_GROUPS = {
    "stage": gettext_lazy("Stufe"),
    "owner": gettext_lazy("Verantwortlich"),
    "department": gettext_lazy("Abteilung"),
    "month": gettext_lazy("Monat des erwarteten Abschlusses"),
}


def open_opportunities(user):
    return Opportunity.objects.restrict(user, Action.READ).filter(status=Opportunity.Status.OPEN)


def _stage_names() -> dict[str, str]:
    names: dict[str, str] = {}
    templates = ProcessTemplate.objects.filter(record_kind="opportunity").order_by("version")
    for template in templates:
        names |= {stage["key"]: stage["name"] for stage in template.stages}
    return names


def pipeline(user, by: str = "stage", opportunities=None) -> Table:
    """The EUR pipeline of open opportunities, grouped ``by`` stage, owner, department or month
    (two queries; three by stage, for the stages' names)."""
    queryset = opportunities if opportunities is not None else open_opportunities(user)
    if by == "stage":
        stage = ProcessInstance.objects.filter(
            record_type=ContentType.objects.get_for_model(Opportunity), record_id=OuterRef("pk")
        ).values("stage")[:1]
        queryset = queryset.annotate(group=Coalesce(Subquery(stage), Value("")))
    elif by == "owner":  # by person or team, not by name: two Müllers stay two rows
        queryset = queryset.annotate(
            key=Coalesce("owner_id", -F("owner_team_id"), output_field=IntegerField()),
            group=Coalesce("owner__last_name", "owner_team__name"),
            first=Coalesce("owner__first_name", Value("")),
        )
    elif by == "department":
        queryset = queryset.annotate(
            key=F("owning_department_id"), group=F("owning_department__name")
        )
    elif by == "month":
        queryset = queryset.annotate(group=TruncMonth("expected_close"))
    else:
        raise ValueError(by)
    keys = {"owner": ["group", "first", "key"], "department": ["group", "key"]}.get(by, ["group"])
    rows = list(
        queryset.order_by()
        .values(*keys)
        .annotate(
            count=Count("pk"),
            revenue=Sum("revenue_eur"),
            weighted=Sum("expected_revenue_eur"),
            potential=Sum("potential_kwh"),
        )
        .order_by(*keys)
    )
    names = _stage_names() if by == "stage" else {}
    table = Table(
        key="pipeline",
        title=_("EUR-Pipeline nach %(group)s") % {"group": PIPELINE_GROUPS[by]},
        columns=[
            Column("group", PIPELINE_GROUPS[by]),
            Column("count", _("Verkaufschancen"), "count"),
            Column("potential_mwh", _("Energiepotenzial (MWh/a)"), "mwh"),
            Column("revenue_eur", _("Umsatzpotenzial (EUR)"), "eur"),
            Column("weighted_eur", _("gewichtet (EUR)"), "eur"),
        ],
    )
    for row in rows:
        label = row["group"]
        if by == "stage":
            label = names.get(label, label) or _("ohne Prozess")
        elif by == "owner":
            label = " ".join(part for part in (row["first"], row["group"]) if part) or "–"
        elif by == "month":
            label = formats.date_format(label, "F Y") if label else _("ohne Datum")
        table.rows.append(
            {
                "group": label or "–",
                "count": row["count"],
                "potential_mwh": _mwh(row["potential"]),
                "revenue_eur": _eur(row["revenue"]),
                "weighted_eur": _eur(row["weighted"]),
            }
        )
    table.totals = _sum_rows(table, label=_("Summe"))
    return table


def percent(part, whole) -> Decimal | None:
    """``part`` of ``whole`` in percent, to one decimal; None without a whole."""
    if not whole:
        return None
    return (Decimal(100) * Decimal(part or 0) / Decimal(whole)).quantize(Decimal("0.1"))


def _sum_rows(table: Table, label: str) -> dict:
    totals = {table.columns[0].key: label}
    for column in table.columns[1:]:
        if column.kind in ("count", "eur", "mwh"):
            totals[column.key] = sum((row[column.key] for row in table.rows), 0)
    return totals


def catalogue(user, now: datetime, by: str = "stage") -> dict:
    """Every report by its key (page, export and API alike), built when called; the pipeline
    grouped ``by`` one of ``PIPELINE_GROUPS`` (stage otherwise)."""
    by = by if by in PIPELINE_GROUPS else "stage"
    return {
        "pipeline": lambda: pipeline(user, by),
        "volume": lambda: volume_pipeline(user, now),
        "indicative": lambda: volume_pipeline(user, now, indicative=True),
        "won": lambda: won_against_demand(user),
        "hit-rate": lambda: hit_rate(user, now),
        "ending": lambda: ending_soon(user, now),
    }


def sent_quotes(user, now: datetime, *, indicative: bool):
    """Sent quotes within their Bindefrist (an indication may have none) the user may read."""
    quotes = Quote.objects.restrict(user, Action.READ).filter(
        status=Quote.Status.ACTIVE, indicative=indicative
    )
    return quotes.filter(Q(binding_until__gte=now) | Q(binding_until__isnull=True))


def volume_pipeline(user, now: datetime, *, indicative: bool = False, quotes=None) -> Table:
    """MWh per delivery year × commodity × balancing area, each quote group counted once with
    its largest alternative, weighted by probability (one query)."""
    quotes = quotes if quotes is not None else sent_quotes(user, now, indicative=indicative)
    per_quote = (
        QuoteLineYear.objects.filter(quote__in=quotes)
        .annotate(
            grp=Coalesce("quote__group_id", -F("quote_id"), output_field=IntegerField()),
            prob=F("quote__opportunity__probability"),
            commodity_name=F("commodity__name"),
            area=Coalesce("balancing_area__name", Value("")),
        )
        .order_by()
        .values("grp", "prob", "year", "commodity_name", "area", "quote_id")
        .annotate(quote_kwh=Sum("kwh"))
    )
    inner, params = per_quote.query.sql_with_params()
    sql = f"""
        SELECT year, commodity_name, area, SUM(best), SUM(best * prob), COUNT(*)
        FROM (
            SELECT grp, prob, year, commodity_name, area, MAX(quote_kwh) AS best
            FROM ({inner}) per_quote
            GROUP BY grp, prob, year, commodity_name, area
        ) per_group
        GROUP BY year, commodity_name, area
        ORDER BY year, commodity_name, area
    """
    with connections[per_quote.db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    title = (
        _("Mengenpipeline unverbindlicher Preisindikationen")
        if indicative
        else _("Mengenpipeline (verbindliche Angebote)")
    )
    table = Table(
        key="indicative" if indicative else "volume",
        title=title,
        columns=[
            Column("year", _("Lieferjahr")),
            Column("commodity", _("Sparte")),
            Column("area", _("Bilanzierungsgebiet")),
            Column("groups", _("Angebote bzw. Gruppen"), "count"),
            Column("mwh", _("Menge (MWh)"), "mwh"),
            Column("weighted_mwh", _("gewichtet (MWh)"), "mwh"),
        ],
        note=_(
            "Abgegebene Angebote innerhalb der Bindefrist. Eine Angebotsgruppe (Alternativen) "
            "zählt je Lieferjahr, Sparte und Bilanzierungsgebiet einmal, mit ihrer größten "
            "Alternative; gewichtet mit der Wahrscheinlichkeit der Verkaufschance."
        ),
    )
    for year, commodity, area, kwh, weighted, groups in found:
        table.rows.append(
            {
                "year": year,
                "commodity": commodity,
                "area": area or "–",
                "groups": groups,
                # A raw cursor skips Django's converters: SQLite answers floats.
                "mwh": _mwh(Decimal(str(kwh or 0))),
                "weighted_mwh": _mwh(Decimal(str(weighted or 0)) / 100),
            }
        )
    table.totals = _sum_rows(table, label=_("Summe"))
    return table


ACCOUNT_ROWS = 50


def won_against_demand(user) -> Table:
    """Per account (the 50 with the most demand, and the sum over all the user may read): the
    total demand, the volume won and the remaining potential (two queries)."""
    readable = AccountOpportunity.objects.restrict(user, Action.READ)
    rows = readable.order_by("-demand_kwh", "pk").values(
        "account__name", "demand_kwh", "won_kwh", "remaining_kwh"
    )[:ACCOUNT_ROWS]
    sums = readable.aggregate(
        demand=Sum("demand_kwh"), won=Sum("won_kwh"), remaining=Sum("remaining_kwh")
    )
    table = Table(
        key="won",
        title=_("Gewonnene Menge gegen Gesamtbedarf je Firma"),
        columns=[
            Column("account", _("Firma")),
            Column("demand_mwh", _("Gesamtbedarf (MWh/a)"), "mwh"),
            Column("won_mwh", _("gewonnen (MWh/a)"), "mwh"),
            Column("remaining_mwh", _("Restpotenzial (MWh/a)"), "mwh"),
            Column("share", _("Anteil gewonnen"), "percent"),
        ],
        note=_("Die %(count)d Firmen mit dem größten Bedarf; die Summe über alle.")
        % {"count": ACCOUNT_ROWS},
    )

    for row in rows:
        table.rows.append(
            {
                "account": row["account__name"],
                "demand_mwh": _mwh(row["demand_kwh"]),
                "won_mwh": _mwh(row["won_kwh"]),
                "remaining_mwh": _mwh(row["remaining_kwh"]),
                "share": percent(row["won_kwh"], row["demand_kwh"]),
            }
        )
    table.totals = {
        "account": _("Summe (alle)"),
        "demand_mwh": _mwh(sums["demand"]),
        "won_mwh": _mwh(sums["won"]),
        "remaining_mwh": _mwh(sums["remaining"]),
        "share": percent(sums["won"] or 0, sums["demand"] or 0),
    }
    return table


DECIDED = (Quote.Status.WON, Quote.Status.LOST, Quote.Status.EXPIRED)


def hit_rate(user, now: datetime) -> Table:
    """Offers won among those the customer decided on, by owner (one query). An offer is a
    binding quote, or a quote group as a whole; decided means won, lost or expired (as of now).
    Alternatives lost because another of their group was won are no decisions of their own."""
    quotes = (
        Quote.objects.restrict(user, Action.READ)
        .filter(indicative=False)
        .exclude(lost_reason__in=AUTOMATIC_LOSSES)
        .alias(state=Quote.objects.state(now))
        .filter(state__in=DECIDED)
    )
    offer = Coalesce("group_id", -F("id"), output_field=IntegerField())
    won = Q(state=Quote.Status.WON)
    rows = (
        quotes.annotate(
            key=Coalesce("owner_id", -F("owner_team_id"), output_field=IntegerField()),
            person=Coalesce("owner__last_name", "owner_team__name"),
            first=Coalesce("owner__first_name", Value("")),
        )
        .order_by()
        .values("person", "first", "key")
        .annotate(
            decided=Count(offer, distinct=True),
            won=Count(offer, filter=won, distinct=True),
            won_eur=Sum("total_eur", filter=won),
        )
        .order_by("person", "first", "key")
    )
    table = Table(
        key="hit-rate",
        title=_("Trefferquote"),
        columns=[
            Column("owner", _("Verantwortlich")),
            Column("decided", _("entschiedene Angebote"), "count"),
            Column("won", _("gewonnen"), "count"),
            Column("rate", _("Trefferquote"), "percent"),
            Column("won_eur", _("gewonnen (EUR)"), "eur"),
        ],
        note=_(
            "Entschieden: gewonnen, verloren oder abgelaufen. Eine Angebotsgruppe zählt als ein "
            "Angebot; überarbeitete, stornierte und unverbindliche Angebote zählen nicht."
        ),
    )
    for row in rows:
        table.rows.append(
            {
                "owner": " ".join(part for part in (row["first"], row["person"]) if part) or "–",
                "decided": row["decided"],
                "won": row["won"],
                "rate": percent(row["won"], row["decided"]),
                "won_eur": _eur(row["won_eur"]),
            }
        )
    totals = _sum_rows(table, label=_("Summe"))
    totals["rate"] = percent(totals["won"], totals["decided"])
    table.totals = totals
    return table


def ending_soon(user, now: datetime, days: int = 7, quotes=None) -> Table:
    """Sent quotes whose Bindefrist ends within ``days`` (one query)."""
    quotes = quotes if quotes is not None else Quote.objects.restrict(user, Action.READ)
    soon = (
        quotes.filter(
            status=Quote.Status.ACTIVE,
            binding_until__gte=now,
            binding_until__lte=now + timedelta(days=days),
        )
        .select_related("account", "owner")
        .order_by("binding_until", "pk")
    )
    table = Table(
        key="ending",
        title=_("Angebote, deren Bindefrist in %(days)d Tagen endet") % {"days": days},
        columns=[
            Column("quote", _("Angebot")),
            Column("account", _("Firma")),
            Column("binding_until", _("Bindefrist"), "moment"),
            Column("total_eur", _("Angebotssumme (EUR)"), "eur"),
            Column("owner", _("Verantwortlich")),
        ],
    )
    for quote in soon:
        table.rows.append(
            {
                "quote": str(quote),
                "url": quote.get_absolute_url(),
                "account": str(quote.account),
                "binding_until": quote.binding_until,
                "total_eur": quote.total_eur,
                "owner": str(quote.owner or ""),
            }
        )
    return table
