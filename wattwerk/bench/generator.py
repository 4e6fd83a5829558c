"""Data at a large utility's scale, for benchmarks: ``wattwerk generate --size S|M --seed N``.

The same size and seed give the same data (names, identifiers, quantities, statuses, moments),
so two benchmark runs compare like with like. The data are skewed as a Stadtwerk's are: a few
very large customers own hundreds of delivery points, most of the opportunities and a long
history of activities; the many others have one to three delivery points each.

Records are written in batches with :func:`wattwerk.core.bulk.insert` (``COPY`` on PostgreSQL),
and their totals, last and next activities and history entries are computed on the way, so that
what a user sees is what the operations would have written: ``totals.differences()``,
``activities.queries.link_differences()`` and ``verify_history`` find nothing. It runs on top of
the demo (its organisation, roles, reference data); the generated records belong to the demo's
sales users and to generated colleagues in the sales departments.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from wattwerk.access.models import Department, Role, User
from wattwerk.activities.models import Activity
from wattwerk.core import bulk, changelog, history
from wattwerk.customers.models import Account, AccountContact, Contact, LegalForm
from wattwerk.energy.identifiers import with_check_digit
from wattwerk.energy.models import BalancingArea, Commodity, DeliveryPoint, PriceModel
from wattwerk.quotes.models import Quote, QuoteCounter, QuoteLine, QuoteLineYear, quote_number
from wattwerk.quotes.operations import LOST_WITH_OPPORTUNITY, WON_WITH_ANOTHER
from wattwerk.sales import totals
from wattwerk.sales.models import (
    AccountOpportunity,
    Lead,
    LeadLine,
    LineKind,
    LineSet,
    Opportunity,
    OpportunityLine,
    cents,
)

BATCH = 2000
DOMAIN = "generiert.example"  # every generated e-mail address ends here


@dataclass(frozen=True)
class Size:
    accounts: int
    contacts: int
    delivery_points: int
    leads: int
    opportunities: int
    quotes: int
    activities: int
    large: int  # very large customers …
    large_points: int  # … with this many delivery points each
    colleagues: int  # generated sales users besides the demo's


SIZES = {
    # For the tests: the same shape, small enough to write in seconds.
    "XS": Size(60, 90, 120, 120, 60, 120, 1_200, 2, 15, 4),
    "S": Size(5_000, 7_500, 10_000, 10_000, 5_000, 10_000, 100_000, 10, 200, 20),
    "M": Size(150_000, 200_000, 350_000, 200_000, 100_000, 200_000, 3_000_000, 50, 500, 200),
}

SURNAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Braun",
    "Zimmermann",
    "Krüger",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Lang",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Hahn",
]
FIRST_NAMES = [
    "Anna",
    "Bernd",
    "Carla",
    "Dieter",
    "Eva",
    "Frank",
    "Gisela",
    "Hans",
    "Ines",
    "Jan",
    "Katrin",
    "Lars",
    "Maria",
    "Nils",
    "Olga",
    "Paul",
    "Renate",
    "Stefan",
    "Tanja",
    "Uwe",
    "Vera",
    "Werner",
    "Yvonne",
    "Zeynep",
]
TRADES = (
    "Metallbau",
    "Bäckerei",
    "Kunststofftechnik",
    "Logistik",
    "Druckerei",
    "Autohaus",
    "Hotel",
    "Gießerei",
    "Brauerei",
    "Molkerei",
    "Papierfabrik",
    "Kühlhaus",
    "Zementwerk",
    "Textilwerk",
    "Wohnungsbau",
    "Kliniken",
)
CITIES = (
    ("Musterstadt", "12345"),
    ("Neustadt", "23456"),
    ("Altdorf", "34567"),
    ("Bergheim", "45678"),
    ("Talhausen", "56789"),
    ("Seefeld", "67890"),
    ("Waldkirch", "78901"),
    ("Flussau", "89012"),
)
LEGAL_FORMS = (LegalForm.GMBH, LegalForm.GMBH, LegalForm.AG, LegalForm.KG, LegalForm.EK)
# What a quote's line takes from the opportunity's.
QUOTED = (
    "kind",
    "commodity",
    "delivery_point",
    "malo_id",
    "balancing_area",
    "annual_kwh",
    "active_from",
    "active_to",
    "price_model",
    "price_ct_kwh",
)
CLOSED_PROBABILITY = {Opportunity.Status.WON: 100, Opportunity.Status.LOST: 0}
DECIDED = (Quote.Status.WON, Quote.Status.LOST)
KINDS = (Activity.Kind.CALL, Activity.Kind.EMAIL, Activity.Kind.APPOINTMENT, Activity.Kind.TASK)


class AlreadyGenerated(Exception):
    """The database holds generated data already: a second run would mix two seeds."""


@dataclass
class Context:
    """What the steps share: the random source, the moment, owners and reference data."""

    rng: random.Random
    now: datetime
    owners: list[User]
    commodities: list[Commodity]
    areas: dict[int, list[BalancingArea]]
    price_models: list[PriceModel]
    weights: list[float] = field(default_factory=list)  # per account, see _weights

    def pick_owner(self) -> User:
        return self.rng.choice(self.owners)

    def moment(self, days_back: int) -> datetime:
        """A moment within ``days_back`` days before now, to the second."""
        return self.now - timedelta(seconds=self.rng.randrange(max(days_back, 1) * 86_400))


def _kwh(value: float) -> Decimal:
    """A quantity as the database stores it (three places)."""
    return Decimal(int(value)).quantize(Decimal("0.001"))


def _ascii(name: str) -> str:
    """ "Köhler" → "koehler", for an e-mail address."""
    spelled = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
    return "".join(spelled.get(letter, letter) for letter in name.lower())


def _owned(instance, owner: User):
    """Owner and owning department, as ``OwnedModel.save`` sets them (bulk_create does not)."""
    instance.owner = owner
    instance.owning_department = owner.department
    return instance


def _batches(items: Iterator, size: int = BATCH) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write(model, objects: list, ctx: Context) -> list:
    """Insert one batch, and its creation entries in the history (by each record's owner)."""
    bulk.insert(model, objects, batch=BATCH)
    history.append_many(
        [
            changelog.creation_entry(
                instance=instance, acting_user=getattr(instance, "owner", None), now=ctx.now
            )
            for instance in objects
        ]
    )
    return objects


def _weights(rng: random.Random, count: int, large: int) -> list[float]:
    """How much each account attracts — contacts, opportunities, activities alike: the large
    ones far more than the many (a Pareto tail, capped below the large ones)."""
    return [200.0 if index < large else min(rng.paretovariate(1.2), 50.0) for index in range(count)]


def generate(*, size: str, seed: int, now: datetime, progress: Callable = print) -> dict:
    """Write the data of ``size`` (see ``SIZES``) from ``seed``; returns the counts written."""
    spec = SIZES[size]
    if Account.objects.filter(email__endswith=f"@{DOMAIN}").exists():
        raise AlreadyGenerated(
            "Diese Datenbank enthält schon generierte Daten; bitte eine leere verwenden."
        )
    if not Department.objects.exists():
        call_command("load_demo", verbosity=0)
    rng = random.Random(seed)
    ctx = Context(
        rng=rng,
        now=now,
        owners=[],
        commodities=list(Commodity.objects.filter(code__in=("strom", "gas")).order_by("code")),
        areas={},
        price_models=list(PriceModel.objects.order_by("name")),
    )
    for commodity in ctx.commodities:
        ctx.areas[commodity.pk] = list(
            BalancingArea.objects.filter(control_area__commodity=commodity).order_by("pk")
        )
    with transaction.atomic():
        ctx.owners = _colleagues(ctx, spec)
        progress(f"{len(ctx.owners)} Vertriebsbenutzer")
        accounts = _accounts(ctx, spec)
        ctx.weights = _weights(rng, len(accounts), spec.large)
        progress(f"{len(accounts)} Firmen")
        _contacts(ctx, spec, accounts)
        progress(f"{spec.contacts} Kontakte")
        points = _delivery_points(ctx, spec, accounts)
        progress(f"{len(points)} Lieferstellen")
        _leads(ctx, spec)
        progress(f"{spec.leads} Leads")
        opportunities, lines_of = _opportunities(ctx, spec, accounts, points)
        progress(f"{len(opportunities)} Verkaufschancen")
        quotes, sold = _quotes(ctx, spec, opportunities, lines_of)
        progress(f"{len(quotes)} Angebote")
        _account_totals(opportunities, lines_of, sold)
        progress("Summen der Firmen")
        _activities(ctx, spec, accounts, opportunities, quotes)
        progress(f"{spec.activities} Aktivitäten")
    bulk.refresh_statistics()
    return {
        "accounts": len(accounts),
        "contacts": spec.contacts,
        "delivery_points": len(points),
        "leads": spec.leads,
        "opportunities": len(opportunities),
        "quotes": len(quotes),
        "activities": spec.activities,
    }


def _colleagues(ctx: Context, spec: Size) -> list[User]:
    """The demo's sales users and ``spec.colleagues`` more in the sales departments."""
    sales = Role.objects.get(name="Vertrieb")
    owners = list(User.objects.filter(roles=sales).select_related("department").order_by("pk"))
    departments = sorted({user.department for user in owners}, key=lambda d: d.pk)
    staff = Role.objects.get(name="Mitarbeitende")
    for number in range(1, spec.colleagues + 1):
        user = User.objects.create(
            username=f"vertrieb-{number:03d}",
            first_name=ctx.rng.choice(FIRST_NAMES),
            last_name=ctx.rng.choice(SURNAMES),
            email=f"vertrieb-{number:03d}@{DOMAIN}",
            department=departments[number % len(departments)],
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.roles.add(sales, staff)
        owners.append(user)
    return owners


def _accounts(ctx: Context, spec: Size) -> list[Account]:
    rng, accounts = ctx.rng, []
    for batch in _batches(range(spec.accounts)):
        objects = []
        for index in batch:
            city, postcode = rng.choice(CITIES)
            trade = rng.choice(TRADES)
            name = f"{rng.choice(SURNAMES)} {trade}"
            if index < spec.large:
                name = f"{city}er {trade} Gruppe"
            account = Account(
                name=f"{name} {index + 1}",
                legal_form=rng.choice(LEGAL_FORMS),
                street=f"{rng.choice(SURNAMES)}straße {rng.randrange(1, 200)}",
                postcode=postcode,
                city=city,
                email=f"info{index + 1}@{DOMAIN}",
            )
            objects.append(_owned(account, ctx.pick_owner()))
        accounts += _write(Account, objects, ctx)
    return accounts


def _contacts(ctx: Context, spec: Size, accounts: list[Account]) -> None:
    rng = ctx.rng
    weights = ctx.weights
    for batch in _batches(range(spec.contacts)):
        contacts = []
        for index in batch:
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            contact = Contact(
                first_name=first,
                last_name=last,
                email=f"{_ascii(first)}.{_ascii(last)}.{index + 1}@{DOMAIN}",
            )
            contacts.append(_owned(contact, ctx.pick_owner()))
        _write(Contact, contacts, ctx)
        places = rng.choices(accounts, weights=weights, k=len(contacts))
        bulk.insert(
            AccountContact,
            (
                AccountContact(account=account, contact=contact, position="Einkauf")
                for account, contact in zip(places, contacts, strict=True)
            ),
        )


def _delivery_points(ctx: Context, spec: Size, accounts: list[Account]) -> list[DeliveryPoint]:
    """The large customers' hundreds first, then the rest spread over the many."""
    rng = ctx.rng
    large = [account for account in accounts[: spec.large] for _ in range(spec.large_points)]
    rest = spec.delivery_points - len(large)
    weights = ctx.weights
    owners_of = [*large, *rng.choices(accounts[spec.large :], weights[spec.large :], k=rest)]
    points = []
    for batch in _batches(enumerate(owners_of)):
        objects = []
        for index, account in batch:
            commodity = ctx.commodities[0] if rng.random() < 0.3 else ctx.commodities[-1]
            annual = _kwh(rng.lognormvariate(11.5, 1.3))  # median about 100 MWh
            areas = ctx.areas.get(commodity.pk) or [None]
            point = DeliveryPoint(
                malo_id=with_check_digit(f"7{index:09d}"),
                commodity=commodity,
                account=account,
                name=f"Standort {index + 1}",
                street=account.street,
                postcode=account.postcode,
                city=account.city,
                balancing_area=rng.choice(areas),
                metering=DeliveryPoint.Metering.RLM
                if annual > 100_000
                else DeliveryPoint.Metering.SLP,
                annual_kwh=annual,
                peak_kw=(annual / 4000).quantize(Decimal("0.001")) if annual > 100_000 else None,
            )
            objects.append(_owned(point, account.owner))
        points += _write(DeliveryPoint, objects, ctx)
    return points


def _energy_values(ctx: Context, point: DeliveryPoint | None, start_year: int, years: int):
    """An energy line's values: at a delivery point (or a commodity alone), whole years."""
    rng = ctx.rng
    commodity = point.commodity if point else rng.choice(ctx.commodities)
    gas = commodity.code == "gas"
    begin = date(start_year, 10, 1) if gas else date(start_year, 1, 1)
    return {
        "kind": LineKind.ENERGY,
        "commodity": commodity,
        "delivery_point": point,
        "malo_id": point.malo_id if point else "",
        "balancing_area": point.balancing_area if point else None,
        "annual_kwh": point.annual_kwh if point else _kwh(rng.randrange(50, 5_000) * 1000),
        "active_from": begin,
        "active_to": begin.replace(year=start_year + years),
        "price_model": rng.choice(ctx.price_models) if ctx.price_models else None,
        "price_ct_kwh": Decimal(rng.randrange(600, 1400)) / 100 if not gas else Decimal("4.90"),
    }


def _with_totals(record, lines: list) -> None:
    for name, value in totals.stored_values(totals.of_lines(lines)).items():
        setattr(record, name, value)


def _leads(ctx: Context, spec: Size) -> None:
    rng = ctx.rng
    for batch in _batches(range(spec.leads)):
        leads, lines = [], []
        for index in batch:
            city, postcode = rng.choice(CITIES)
            lead = Lead(
                company_name=f"{rng.choice(SURNAMES)} {rng.choice(TRADES)} L{index + 1}",
                city=city,
                postcode=postcode,
                last_name=rng.choice(SURNAMES),
                email=f"lead{index + 1}@{DOMAIN}",
                source=rng.choice(Lead.Source.values),
                status=Lead.Status.OPEN if rng.random() < 0.8 else Lead.Status.DISQUALIFIED,
            )
            if lead.status == Lead.Status.DISQUALIFIED:
                lead.disqualified_reason = "kein Bedarf"
            values = _energy_values(ctx, None, 2027, 2)
            own = [
                LeadLine(lead=lead, line_set=LineSet.POTENTIAL, **values),
                LeadLine(lead=lead, line_set=LineSet.DEMAND, **{**values, "price_ct_kwh": None}),
            ]
            _with_totals(lead, own)
            leads.append(_owned(lead, ctx.pick_owner()))
            lines += own
        _write(Lead, leads, ctx)
        bulk.insert(LeadLine, lines, batch=BATCH)


def _opportunities(ctx, spec: Size, accounts, points) -> tuple[list, dict]:
    """The opportunities, and their lines by opportunity id."""
    rng = ctx.rng
    points_of: dict[int, list[DeliveryPoint]] = {}
    for point in points:
        points_of.setdefault(point.account_id, []).append(point)
    chosen = rng.choices(accounts, weights=ctx.weights, k=spec.opportunities)
    account_opportunities = {}
    for account in dict.fromkeys(chosen):
        holder = AccountOpportunity(account=account)
        account_opportunities[account.pk] = _owned(holder, account.owner)
    for batch in _batches(iter(list(account_opportunities.values()))):
        _write(AccountOpportunity, batch, ctx)
    opportunities, lines_of = [], {}
    for batch in _batches(enumerate(chosen)):
        objects, lines = [], []
        for index, account in batch:
            roll = rng.random()
            status = Opportunity.Status.OPEN
            if roll >= 0.6:
                status = Opportunity.Status.WON if roll < 0.85 else Opportunity.Status.LOST
            opportunity = Opportunity(
                name=f"Strom und Gas {2027 + index % 3} ({index + 1})",
                account=account,
                account_opportunity=account_opportunities[account.pk],
                status=status,
                lost_reason="Wettbewerber günstiger" if status == Opportunity.Status.LOST else "",
                # closing sets 100 or 0
                probability=CLOSED_PROBABILITY.get(status, rng.choice((10, 25, 50, 75))),
                expected_close=(ctx.now + timedelta(days=rng.randrange(-200, 200))).date(),
            )
            available = points_of.get(account.pk) or [None]
            count = min(len(available), rng.choice((1, 1, 2, 3, 5)))
            own = []
            for point in rng.sample(available, count):
                values = _energy_values(ctx, point, 2027 + index % 3, rng.choice((1, 2, 3)))
                own.append(
                    OpportunityLine(opportunity=opportunity, line_set=LineSet.POTENTIAL, **values)
                )
                demand = {**values, "price_ct_kwh": None}
                own.append(
                    OpportunityLine(opportunity=opportunity, line_set=LineSet.DEMAND, **demand)
                )
            _with_totals(opportunity, own)
            weighted = opportunity.revenue_eur * opportunity.probability / 100
            opportunity.expected_revenue_eur = cents(weighted)
            objects.append(_owned(opportunity, account.owner))
            lines += own
        opportunities += _write(Opportunity, objects, ctx)
        for line in lines:
            lines_of.setdefault(line.opportunity.pk, []).append(line)
        bulk.insert(OpportunityLine, lines, batch=BATCH)
    return opportunities, lines_of


def _quotes(ctx: Context, spec: Size, opportunities, lines_of) -> tuple[list, dict]:
    """About two quotes per opportunity, its potential priced; a won opportunity's first quote
    is won and its others lost, a lost one's all lost. Returns the quotes, and the won ones'
    lines by opportunity id."""
    rng = ctx.rng
    chosen = sorted(rng.choices(opportunities, k=spec.quotes), key=lambda o: o.pk)
    counters = dict(QuoteCounter.objects.values_list("year", "last"))  # after the demo's
    quotes, decided, sold = [], set(), {}
    for batch in _batches(iter(chosen)):
        objects, lines, years = [], [], []
        for opportunity in batch:
            sent = ctx.moment(365)
            binding = datetime.combine(
                timezone.localdate(sent) + timedelta(days=rng.randrange(14, 60)), time(12)
            )
            binding = timezone.make_aware(binding)
            year = timezone.localdate(sent).year
            counters[year] = counters.get(year, 0) + 1
            status, reason = Quote.Status.ACTIVE, ""
            if opportunity.status == Opportunity.Status.WON:
                won = opportunity.pk not in decided
                status = Quote.Status.WON if won else Quote.Status.LOST
                reason = "" if won else WON_WITH_ANOTHER
            elif opportunity.status == Opportunity.Status.LOST:
                status, reason = Quote.Status.LOST, LOST_WITH_OPPORTUNITY
            decided.add(opportunity.pk)
            # decided (won within the Bindefrist) between sending and now
            decided_at = min(sent + (binding - sent) / 2, ctx.now) if status in DECIDED else None
            quote = Quote(
                number=quote_number(year, counters[year]),
                name=opportunity.name,
                opportunity=opportunity,
                account=opportunity.account,
                status=status,
                binding_until=binding,
                sent_at=sent,
                decided_at=decided_at,
                lost_reason=reason,
                payment_terms="14 Tage netto",
            )
            if quote.is_past_binding(ctx.now):
                quote.status = Quote.Status.EXPIRED
            own = []
            for source in lines_of.get(opportunity.pk, []):
                if source.line_set != LineSet.POTENTIAL:
                    continue
                values = {name: getattr(source, name) for name in QUOTED}
                line = QuoteLine(quote=quote, base_price_eur_month=Decimal("25.00"), **values)
                shares = line.compute()
                years += [
                    QuoteLineYear(
                        line=line,
                        quote=quote,
                        commodity=line.commodity,
                        balancing_area=line.balancing_area,
                        year=share.label,
                        kwh=share.quantity,
                    )
                    for share in shares
                ]
                own.append(line)
            quote.total_eur = sum((line.amount_eur for line in own), Decimal(0))
            quote.total_kwh = sum((line.period_kwh for line in own), Decimal(0))
            objects.append(_owned(quote, opportunity.owner))
            lines += own
            if quote.status == Quote.Status.WON:
                sold[opportunity.pk] = own
        quotes += _write(Quote, objects, ctx)
        bulk.insert(QuoteLine, lines, batch=BATCH)
        bulk.insert(QuoteLineYear, years, batch=BATCH)
    for year, last in counters.items():
        QuoteCounter.objects.update_or_create(year=year, defaults={"last": last})
    return quotes, sold


def _account_totals(opportunities, lines_of: dict, sold: dict) -> None:
    """The totals of the accounts with opportunities and of their account opportunities, as
    ``totals.refresh_account`` computes them, from the lines in memory."""
    by_account: dict[int, list] = {}
    for opportunity in opportunities:
        by_account.setdefault(opportunity.account_id, []).append(opportunity)
    accounts, holders = [], []
    for own in by_account.values():
        lines = [line for opportunity in own for line in lines_of.get(opportunity.pk, [])]
        won = {o.pk: sold[o.pk] for o in own if o.pk in sold and o.status != "lost"}
        account_values, holder_values = totals.account_values_of(lines, won)
        account, holder = own[0].account, own[0].account_opportunity
        for record, values in ((account, account_values), (holder, holder_values)):
            for name, value in values.items():
                setattr(record, name, value)
        accounts.append(account)
        holders.append(holder)
    if accounts:
        bulk.update(Account, accounts, account_values)
        bulk.update(AccountOpportunity, holders, holder_values)


def _activities(ctx: Context, spec: Size, accounts, opportunities, quotes) -> None:
    """Activities about accounts (the large ones' long histories), opportunities and quotes;
    the records' last and next activity follow them."""
    rng = ctx.rng
    targets = [
        (ContentType.objects.get_for_model(model), records, weights)
        for model, records, weights in (
            (Account, accounts, list(accumulate(ctx.weights))),
            (Opportunity, opportunities, None),
            (Quote, quotes, None),
        )
        if records
    ]
    links: dict[tuple[int, int], list] = {}  # (content type, id) → [last key, next key]
    for batch in _batches(range(spec.activities)):
        objects = []
        for _index in batch:
            content_type, records, weights = targets[rng.randrange(len(targets))]
            record = (
                rng.choices(records, cum_weights=weights)[0] if weights else rng.choice(records)
            )
            done = rng.random() < 0.8
            moment = (
                ctx.moment(2 * 365)
                if done
                else ctx.now + timedelta(seconds=rng.randrange(1, 120 * 86_400))
            )
            activity = Activity(
                kind=rng.choice(KINDS),
                subject=rng.choice(("Rückruf", "Angebot besprechen", "Termin vor Ort")),
                regarding_type=content_type,
                regarding_id=record.pk,
                start=moment - timedelta(hours=1),
                due=moment,
                status=Activity.Status.COMPLETED if done else Activity.Status.OPEN,
                status_changed_at=moment if done else None,
            )
            objects.append(_owned(activity, record.owner))
        _write(Activity, objects, ctx)
        for activity in objects:
            place = (activity.regarding_type.pk, activity.regarding_id)
            link = links.setdefault(place, [None, None])
            if activity.status == Activity.Status.COMPLETED:
                key = (activity.status_changed_at, activity.pk)
                if link[0] is None or key > link[0]:
                    link[0] = key
            else:
                key = (activity.due, activity.pk)
                if link[1] is None or key < link[1]:
                    link[1] = key
    tables = {
        content_type.pk: content_type.model_class()._meta.db_table for content_type, *_ in targets
    }
    with connection.cursor() as cursor:
        for content_type_id, table in tables.items():
            rows = [
                (last[1] if last else None, upcoming[1] if upcoming else None, object_id)
                for (type_id, object_id), (last, upcoming) in links.items()
                if type_id == content_type_id
            ]
            cursor.executemany(
                f"UPDATE {connection.ops.quote_name(table)} "  # table names are ours
                "SET last_activity_id = %s, next_activity_id = %s WHERE id = %s",
                rows,
            )
