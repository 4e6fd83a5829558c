"""Demo: leads with potential and total demand, and the opportunities qualified from them, for
the fictional customers of Stadtwerke Musterstadt (MaLo-IDs with valid check digits)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from wattwerk.access.demo import grant, secure
from wattwerk.access.models import Depth, Privilege, User
from wattwerk.activities import chains
from wattwerk.activities import operations as activity_operations
from wattwerk.activities.models import Activity, ChainTemplate
from wattwerk.core import demo
from wattwerk.core import operations as core_operations
from wattwerk.customers.models import Account, CustomerType
from wattwerk.energy.calendars import add_working_days
from wattwerk.energy.identifiers import with_check_digit
from wattwerk.energy.models import Commodity, EnergyService, PriceModel

from . import operations
from .models import AccountOpportunity, Lead, Opportunity

# (company, city, source, customer type, owner, annual MWh electricity, gas, demand factor,
#  service or None, qualify into the demo account of that name or None)
LEADS = [
    (
        "Kühlhaus Nord",
        "Musterstadt",
        "fair",
        "Gewerbe",
        "gk",
        1800,
        0,
        2,
        "Contracting",
        "Kühlhaus Nord",
    ),
    (
        "Brauerei Hopfen",
        "Musterstadt",
        "customer",
        "Industrie",
        "gk",
        2400,
        380,
        3,
        "PV-Anlage",
        "Brauerei Hopfen",
    ),
    (
        "Papierfabrik Lindenau",
        "Lindenau",
        "tender",
        "Industrie",
        "gk",
        42000,
        18000,
        2,
        None,
        "Papierfabrik Lindenau",
    ),
    (
        "Stadt Musterstadt",
        "Musterstadt",
        "tender",
        "öffentlicher Auftraggeber",
        "vertrieb",
        6500,
        2200,
        2,
        "Ladeinfrastruktur",
        "Stadt Musterstadt",
    ),
    (
        "Kreiskrankenhaus Musterstadt",
        "Musterstadt",
        "referral",
        "öffentlicher Auftraggeber",
        "vertrieb",
        3100,
        4200,
        2,
        "Energieaudit",
        "Kreiskrankenhaus Musterstadt",
    ),
    (
        "Wohnungsbau Musterstadt",
        "Musterstadt",
        "campaign",
        "Wohnungswirtschaft",
        "gk",
        900,
        5200,
        2,
        "Wärmelieferung",
        "Wohnungsbau Musterstadt",
    ),
    (
        "Metallbau Schmidt",
        "Musterstadt",
        "cold",
        "Industrie",
        "gk",
        1400,
        600,
        2,
        None,
        "Metallbau Schmidt",
    ),
    (
        "Kunststofftechnik Weber",
        "Nebenstadt",
        "website",
        "Industrie",
        "gk",
        5200,
        0,
        2,
        "Energiemanagement",
        "Kunststofftechnik Weber",
    ),
    (
        "Molkerei Grünland",
        "Kleindorf",
        "fair",
        "Industrie",
        "gk",
        7800,
        9500,
        2,
        "PV-Anlage",
        "Molkerei Grünland",
    ),
    (
        "Chemiepark Lindenau Betriebs",
        "Lindenau",
        "tender",
        "Industrie",
        "gk",
        88000,
        45000,
        1,
        None,
        "Chemiepark Lindenau Betriebs",
    ),
    (
        "Gießerei Feuerstein",
        "Lindenau",
        "referral",
        "Industrie",
        "gk",
        23000,
        31000,
        2,
        "Energieaudit",
        "Gießerei Feuerstein",
    ),
    (
        "Rechenzentrum Musterstadt",
        "Musterstadt",
        "website",
        "Gewerbe",
        "gk",
        16000,
        0,
        3,
        "Contracting",
        "Rechenzentrum Musterstadt",
    ),
    (
        "Glaswerk Klarsicht",
        "Lindenau",
        "tender",
        "Industrie",
        "gk",
        12000,
        60000,
        2,
        None,
        "Glaswerk Klarsicht",
    ),
    (
        "Stadtwerke Nebenstadt",
        "Nebenstadt",
        "customer",
        "Stadtwerk/Weiterverteiler",
        "weiterverteiler",
        120000,
        80000,
        2,
        None,
        "Stadtwerke Nebenstadt",
    ),
    (
        "Gemeindewerke Kleindorf",
        "Kleindorf",
        "customer",
        "Stadtwerk/Weiterverteiler",
        "weiterverteiler",
        24000,
        0,
        2,
        None,
        "Gemeindewerke Kleindorf",
    ),
    (
        "Energiegenossenschaft Sonnenfeld",
        "Kleindorf",
        "referral",
        "Stadtwerk/Weiterverteiler",
        "weiterverteiler",
        3000,
        0,
        3,
        "PV-Anlage",
        "Energiegenossenschaft Sonnenfeld",
    ),
    (
        "Supermarkt Frischkauf",
        "Nebenstadt",
        "campaign",
        "Gewerbe",
        "vertrieb",
        800,
        0,
        2,
        "Ladeinfrastruktur",
        "Supermarkt Frischkauf",
    ),
    (
        "Hotel Am Markt",
        "Musterstadt",
        "website",
        "Gewerbe",
        "vertrieb",
        350,
        420,
        2,
        None,
        "Hotel Am Markt",
    ),
    (
        "Landkreis Musterland",
        "Musterstadt",
        "tender",
        "öffentlicher Auftraggeber",
        "vertrieb",
        9800,
        7600,
        2,
        "Energieaudit",
        "Landkreis Musterland",
    ),
    (
        "Zweckverband Abwasser Musterland",
        "Nebenstadt",
        "tender",
        "öffentlicher Auftraggeber",
        "vertrieb",
        4100,
        0,
        2,
        None,
        "Zweckverband Abwasser Musterland",
    ),
    (
        "Spedition Rad & Achse",
        "Musterstadt",
        "cold",
        "Gewerbe",
        "vertrieb",
        450,
        0,
        3,
        "Ladeinfrastruktur",
        "Spedition Rad & Achse",
    ),
    (
        "Holzwerk Eiche",
        "Kleindorf",
        "fair",
        "Industrie",
        "gk",
        2900,
        0,
        2,
        "PV-Anlage",
        "Holzwerk Eiche",
    ),
    (
        "Kühlhaus Nord Logistik",
        "Musterstadt",
        "referral",
        "Gewerbe",
        "gk",
        1200,
        0,
        2,
        None,
        "Kühlhaus Nord",
    ),
    (
        "Druckerei Presse",
        "Musterstadt",
        "campaign",
        "Gewerbe",
        "vertrieb",
        600,
        300,
        2,
        None,
        "Druckerei Presse",
    ),
    (
        "Schwimmbad Nebenstadt",
        "Nebenstadt",
        "tender",
        "öffentlicher Auftraggeber",
        "vertrieb",
        1100,
        2600,
        2,
        "Wärmelieferung",
        "Schwimmbad Nebenstadt",
    ),
    *(
        (f"Interessent {name}", city, source, kind, owner, mwh, gas, 2, service, None)
        for name, city, source, kind, owner, mwh, gas, service in [
            (
                "Bäckerei Sonnenschein",
                "Musterstadt",
                "website",
                "Gewerbe",
                "vertrieb",
                120,
                40,
                None,
            ),
            (
                "Autowerkstatt Kolbe",
                "Nebenstadt",
                "cold",
                "Gewerbe",
                "vertrieb",
                90,
                0,
                "Ladeinfrastruktur",
            ),
            (
                "Fitnessstudio Aktiv",
                "Musterstadt",
                "campaign",
                "Gewerbe",
                "vertrieb",
                180,
                60,
                None,
            ),
            (
                "Pflegeheim Abendrot",
                "Nebenstadt",
                "referral",
                "öffentlicher Auftraggeber",
                "vertrieb",
                420,
                900,
                "Wärmelieferung",
            ),
            ("Baumarkt Werkzeug", "Lindenau", "fair", "Gewerbe", "gk", 760, 0, "PV-Anlage"),
            ("Kunststoffwerk Polymer", "Lindenau", "tender", "Industrie", "gk", 9500, 2100, None),
            (
                "Gärtnerei Sonnental",
                "Kleindorf",
                "website",
                "Landwirtschaft",
                "vertrieb",
                210,
                1600,
                None,
            ),
            (
                "Wohnbau Sonnenhof",
                "Musterstadt",
                "campaign",
                "Wohnungswirtschaft",
                "gk",
                300,
                2400,
                "Wärmelieferung",
            ),
            ("Brauhaus Altstadt", "Musterstadt", "fair", "Gewerbe", "gk", 650, 900, None),
            ("Sägewerk Tanne", "Kleindorf", "cold", "Industrie", "gk", 3300, 0, "PV-Anlage"),
            (
                "Schule am Park",
                "Musterstadt",
                "tender",
                "öffentlicher Auftraggeber",
                "vertrieb",
                140,
                380,
                "Energieaudit",
            ),
            ("Hotel Seeblick", "Nebenstadt", "website", "Gewerbe", "vertrieb", 410, 520, None),
            (
                "Galvanik Glanz",
                "Lindenau",
                "referral",
                "Industrie",
                "gk",
                5100,
                800,
                "Energiemanagement",
            ),
            ("Kino Lichtspiele", "Musterstadt", "campaign", "Gewerbe", "vertrieb", 160, 0, None),
            ("Tischlerei Span", "Kleindorf", "cold", "Gewerbe", "vertrieb", 110, 0, "PV-Anlage"),
        ]
    ),
]
BERLIN = ZoneInfo("Europe/Berlin")
WON = {"Brauerei Hopfen", "Metallbau Schmidt", "Hotel Am Markt", "Stadtwerke Nebenstadt"}
LOST = {"Druckerei Presse": "Preis des Wettbewerbers 0,4 ct/kWh niedriger"}


def energy_line(line_set: str, code: str, mwh: int, malo_base: int, years: int) -> dict:
    return {
        "line_set": line_set,
        "kind": "energy",
        "commodity": Commodity.objects.get(code=code),
        "malo_id": with_check_digit(f"{malo_base:010d}") if line_set == "potential" else "",
        "annual_kwh": Decimal(mwh * 1000),
        "active_from": date(2027, 1, 1) if code != "gas" else date(2026, 10, 1),
        "active_to": date(2027 + years, 1, 1) if code != "gas" else date(2026 + years, 10, 1),
        "price_model": PriceModel.objects.get(name="Festpreis" if mwh < 5000 else "Tranchenmodell"),
        "price_ct_kwh": demo_price(code, mwh) if line_set == "potential" else None,
    }


def demo_price(code: str, mwh: int) -> Decimal:
    """A plausible all-in working price for 2027 (ct/kWh): larger customers pay less."""
    base = {"strom": Decimal("27.5"), "gas": Decimal("9.8"), "waerme": Decimal("13.2")}[code]
    discount = Decimal("0.35") if mwh >= 5000 else Decimal("0.2") if mwh >= 1000 else 0
    return (base * (1 - discount)).quantize(Decimal("0.01"))


@demo.register
def load_sales(*, now) -> None:
    org = Depth.ORGANISATION
    everything = dict.fromkeys(Privilege.values, org)
    for model in (Lead, Opportunity, AccountOpportunity):
        grant("Mitarbeitende", model, read=org)
        grant("Vertrieb", model, create=Depth.DEPARTMENT, write=Depth.DEPARTMENT)
        grant("Vertrieb", model, assign=Depth.DEPARTMENT, share=Depth.OWN)
        grant("Vertriebsleitung", model, write=Depth.DEPARTMENT_TREE, delete=Depth.DEPARTMENT)
        grant("Administrator", model, **everything)
    grant("Marketing", Lead, create=org, write=org)
    grant("Kreditmanagement", Opportunity, write=org)
    secure("Kreditmanagement", Opportunity, *Opportunity.secured_fields, write=True)

    if Lead.objects.exists():
        return  # loaded before: leads are qualified and closed once, not on every start
    users = {user.username: user for user in User.objects.all()}
    for number, row in enumerate(LEADS):
        company, city, source, kind, owner, mwh, gas, factor, service, account_name = row
        lead = core_operations.create_record(
            instance=Lead(
                company_name=company,
                city=city,
                source=source,
                customer_type=CustomerType.objects.get(name=kind),
                last_name=["Becker", "Hoffmann", "Schulz", "Wagner", "Koch"][number % 5],
                first_name=["Anna", "Bernd", "Clara", "Dirk", "Eva"][number % 5],
                owner=users[owner],
            ),
            acting_user=None,
            now=now,
        )
        base = 6_000_000_000 + number * 10
        lines = [energy_line("potential", "strom", mwh, base + 1, 2)]
        lines.append(energy_line("demand", "strom", mwh * factor, 0, 3))
        if gas:
            lines.append(energy_line("potential", "gas", gas, base + 2, 2))
        if service:
            energy_service = EnergyService.objects.get(name=service)
            lines.append(
                {
                    "line_set": "potential",
                    "kind": "service",
                    "service": energy_service,
                    "scope": Decimal(10 + number),
                    "value_eur": Decimal(15_000 + 2_500 * number),
                }
            )
        for values in lines:
            operations.add_line(parent=lead, values=values, acting_user=None, now=now)
        if account_name is None:
            continue
        account = Account.objects.filter(name=account_name).first()
        opportunity = operations.qualify_lead(
            lead=lead,
            account=account,
            opportunity_name=f"{company} – Strom{' und Gas' if gas else ''} ab 2027",
            acting_user=None,
            now=now,
        )
        opportunity.probability = [20, 40, 60, 75][number % 4]
        opportunity.expected_close = date(2026, 12 - number % 3, 15)
        if mwh >= 5000:
            opportunity.required_securities = [
                {"type": "buergschaft", "amount": f"{mwh * 40}.00", "status": "requested"}
            ]
        core_operations.update_record(instance=opportunity, acting_user=None, now=now)
        if company in WON or company in LOST:
            operations.close_opportunity(
                opportunity=opportunity,
                won=company in WON,
                reason=LOST.get(company, ""),
                acting_user=None,
                now=now,
            )
    load_activities(now=now)


CALLS = [
    ("call", "Bedarf und Vertragslaufzeiten besprechen", -6, True),
    ("appointment", "Vor-Ort-Termin: Abnahmestellen ansehen", 3, False),
    ("call", "Rückruf wegen Lastgang", 1, False),
    ("email", "Unterlagen zur Preisbildung schicken", -1, False),
]


def load_activities(*, now) -> None:
    """Calls, appointments and e-mails on leads and opportunities (some done, some overdue),
    and tender chains on three open opportunities — one of them with a deadline too close to
    hold, so its owner and the head of sales are warned."""
    tender = ChainTemplate.objects.get(name="Ausschreibung")
    follow_up = ChainTemplate.objects.get(name="Angebotsnachverfolgung")
    today = timezone.localtime(now).date()
    opportunities = list(Opportunity.objects.filter(status=Opportunity.Status.OPEN).order_by("pk"))
    for number, record in enumerate([*opportunities, *Lead.objects.filter(status="open")[:10]]):
        kind, subject, days, done = CALLS[number % len(CALLS)]
        moment = timezone.localtime(now).replace(hour=10, minute=0, second=0, microsecond=0)
        moment += timedelta(days=days + number % 3)
        activity = core_operations.create_record(
            instance=Activity(
                kind=kind,
                subject=subject,
                regarding_type=ContentType.objects.get_for_model(type(record)),
                regarding_id=record.pk,
                start=moment,
                due=moment + timedelta(minutes=30),
                owner=record.owner,
            ),
            acting_user=None,
            now=now,
        )
        if done:
            activity_operations.complete_activity(
                activity=activity, acting_user=None, now=now, outcome="Bedarf aufgenommen."
            )
    for record, working_days in zip(opportunities[:3], (25, 15, 4), strict=False):
        deadline = datetime.combine(
            add_working_days(today, working_days), time(12, 0), tzinfo=BERLIN
        )
        chains.start_chain(
            template=tender,
            regarding=record,
            anchor_at=deadline,
            acting_user=None,
            now=now,
            owner=record.owner,
        )
    if len(opportunities) > 3:
        chains.start_chain(
            template=follow_up,
            regarding=opportunities[3],
            anchor_at=now,
            acting_user=None,
            now=now,
            owner=opportunities[3].owner,
        )
