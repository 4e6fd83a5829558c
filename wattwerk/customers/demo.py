"""Demo: the fictional customers of Stadtwerke Musterstadt, and who may see what of them.

Credit standing and commercial data are secured: the Kreditmanagement profile (demo user
"kredit") reads and writes them; everyone else sees "verborgen".
"""

from datetime import date
from decimal import Decimal

from wattwerk.access.demo import grant, secure
from wattwerk.access.models import Depth, Privilege, User
from wattwerk.core import demo, operations
from wattwerk.energy.identifiers import with_check_digit
from wattwerk.energy.models import DeliveryPoint

from . import reference
from .models import Account, AccountContact, Channel, Contact, CustomerType, IndustryCode, Interest
from .records import REFERENCES

# (name, legal form, customer type, WZ division, city, postcode, segment, owner)
ACCOUNTS = [
    ("Brauerei Hopfen", "GmbH", "Industrie", "11", "Musterstadt", "12345", "A", "gk"),
    (
        "Stadtwerke Nebenstadt",
        "GmbH",
        "Stadtwerk/Weiterverteiler",
        "35",
        "Nebenstadt",
        "12400",
        "A",
        "weiterverteiler",
    ),
    (
        "Gemeindewerke Kleindorf",
        "Eigenbetrieb",
        "Stadtwerk/Weiterverteiler",
        "35",
        "Kleindorf",
        "12410",
        "B",
        "weiterverteiler",
    ),
    (
        "Stadt Musterstadt",
        "Gebietskörperschaft",
        "öffentlicher Auftraggeber",
        "84",
        "Musterstadt",
        "12345",
        "A",
        "vertrieb",
    ),
    (
        "Kreiskrankenhaus Musterstadt",
        "GmbH",
        "öffentlicher Auftraggeber",
        "86",
        "Musterstadt",
        "12346",
        "A",
        "vertrieb",
    ),
    (
        "Wohnungsbau Musterstadt",
        "eG",
        "Wohnungswirtschaft",
        "68",
        "Musterstadt",
        "12347",
        "B",
        "gk",
    ),
    ("Metallbau Schmidt", "GmbH & Co. KG", "Industrie", "25", "Musterstadt", "12348", "B", "gk"),
    ("Kunststofftechnik Weber", "GmbH", "Industrie", "22", "Nebenstadt", "12401", "A", "gk"),
    ("Bäckerei Korn", "e. K.", "Gewerbe", "10", "Musterstadt", "12345", "C", "vertrieb"),
    ("Autohaus Fischer", "GmbH", "Gewerbe", "45", "Musterstadt", "12349", "C", "vertrieb"),
    ("Molkerei Grünland", "eG", "Industrie", "10", "Kleindorf", "12411", "A", "gk"),
    ("Papierfabrik Lindenau", "AG", "Industrie", "17", "Lindenau", "12420", "A", "gk"),
    ("Kühlhaus Nord", "GmbH", "Gewerbe", "52", "Musterstadt", "12350", "B", "gk"),
    ("Hotel Am Markt", "GmbH", "Gewerbe", "55", "Musterstadt", "12345", "C", "vertrieb"),
    ("Gärtnerei Blumenthal", "GbR", "Landwirtschaft", "01", "Kleindorf", "12412", "C", "vertrieb"),
    (
        "Landkreis Musterland",
        "KdöR",
        "öffentlicher Auftraggeber",
        "84",
        "Musterstadt",
        "12345",
        "A",
        "vertrieb",
    ),
    (
        "Zweckverband Abwasser Musterland",
        "Zweckverband",
        "öffentlicher Auftraggeber",
        "37",
        "Nebenstadt",
        "12402",
        "B",
        "vertrieb",
    ),
    ("Chemiepark Lindenau Betriebs", "GmbH", "Industrie", "20", "Lindenau", "12421", "A", "gk"),
    ("Druckerei Presse", "GmbH", "Gewerbe", "18", "Musterstadt", "12351", "C", "vertrieb"),
    ("Supermarkt Frischkauf", "KG", "Gewerbe", "47", "Nebenstadt", "12403", "B", "vertrieb"),
    ("Spedition Rad & Achse", "GmbH", "Gewerbe", "49", "Musterstadt", "12352", "C", "vertrieb"),
    ("Gießerei Feuerstein", "GmbH", "Industrie", "24", "Lindenau", "12422", "A", "gk"),
    ("Rechenzentrum Musterstadt", "GmbH", "Gewerbe", "63", "Musterstadt", "12353", "A", "gk"),
    (
        "Wohnbau Nebenstadt",
        "GmbH",
        "Wohnungswirtschaft",
        "68",
        "Nebenstadt",
        "12404",
        "B",
        "vertrieb",
    ),
    (
        "Energiegenossenschaft Sonnenfeld",
        "eG",
        "Stadtwerk/Weiterverteiler",
        "35",
        "Kleindorf",
        "12413",
        "C",
        "weiterverteiler",
    ),
    ("Glaswerk Klarsicht", "AG", "Industrie", "23", "Lindenau", "12423", "A", "gk"),
    (
        "Schwimmbad Nebenstadt",
        "GmbH",
        "öffentlicher Auftraggeber",
        "93",
        "Nebenstadt",
        "12405",
        "C",
        "vertrieb",
    ),
    ("Textilreinigung Weiß", "e. K.", "Gewerbe", "96", "Musterstadt", "12354", "C", "vertrieb"),
    ("Holzwerk Eiche", "GmbH & Co. KG", "Industrie", "16", "Kleindorf", "12414", "B", "gk"),
    ("Brauerei Hopfen Holding", "GmbH", "Industrie", "70", "Musterstadt", "12345", "A", "gk"),
]

FIRST_NAMES = ["Anna", "Bernd", "Clara", "Dirk", "Eva", "Frank", "Gisela", "Holger", "Ines", "Jan"]
LAST_NAMES = ["Becker", "Hoffmann", "Schulz", "Wagner", "Koch", "Richter", "Klein", "Wolf"]
POSITIONS = [
    ("Geschäftsführung", ""),
    ("Energiebeauftragte/r", "Technik"),
    ("Leitung Einkauf", "Einkauf"),
    ("Kaufmännische Leitung", "Finanzen"),
]


@demo.register
def load_customers(*, now) -> None:
    reference.load()
    org = Depth.ORGANISATION
    everything = dict.fromkeys(Privilege.values, org)
    for declared in REFERENCES:
        grant("Mitarbeitende", declared.model, read=org)
        grant("Administrator", declared.model, **everything)
    grant("Marketing", Interest, create=org, write=org)
    grant("Marketing", Channel, create=org, write=org)
    for model in (Account, Contact):
        grant("Mitarbeitende", model, read=org)
        grant("Vertrieb", model, create=Depth.DEPARTMENT, write=Depth.DEPARTMENT)
        grant("Vertrieb", model, assign=Depth.DEPARTMENT, share=Depth.OWN)
        grant("Vertriebsleitung", model, write=Depth.DEPARTMENT_TREE, delete=Depth.DEPARTMENT)
        grant("Marketing", model, write=org)
        grant("Administrator", model, **everything)
    grant("Kreditmanagement", Account, write=org)
    secure("Kreditmanagement", Account, *Account.secured_fields, write=True)

    users = {
        user.username: user
        for user in User.objects.filter(username__in={"gk", "vertrieb", "weiterverteiler"})
    }
    interests = list(Interest.objects.order_by("name"))
    channels = list(Channel.objects.order_by("name"))
    accounts = {}
    for number, (
        name,
        legal_form,
        type_name,
        division,
        city,
        postcode,
        segment,
        owner,
    ) in enumerate(ACCOUNTS):
        account = Account.objects.filter(name=name).first()
        values = {
            "legal_form": legal_form,
            "customer_type": CustomerType.objects.get(name=type_name),
            "industry": IndustryCode.objects.get(system="WZ", version="2008", code=division),
            "city": city,
            "postcode": postcode,
            "street": f"Industriestraße {number + 1}",
            "segment": segment,
            "owner": users[owner],
            "rating_system": "creditreform",
            "credit_score": Decimal(150 + (number * 37) % 250),
            "rating_date": date(2026, 1 + number % 10, 1 + number % 27),
            "credit_limit": Decimal(50_000 * (1 + number % 8)),
            "debtor_number": f"{4_100_000 + number}",
            "payment_terms": "14 Tage netto",
            "securities": (
                [
                    {
                        "type": "buergschaft",
                        "amount": f"{25_000 * (1 + number % 4)}.00",
                        "valid_from": "2026-01-01",
                        "valid_to": "2027-01-01",
                        "issuer": "Sparkasse Musterstadt",
                        "reference": f"B-{2026_000 + number}",
                    }
                ]
                if segment == "A"
                else []
            ),
        }
        if account is None:  # created like by a user: validated, with its history
            account = operations.create_record(
                instance=Account(name=name, **values),
                acting_user=None,
                now=now,
                many_to_many={
                    "interests": interests[number % len(interests) :][:2],
                    "channels": channels[number % len(channels) :][:2],
                },
            )
        accounts[name] = account
    hopfen = accounts["Brauerei Hopfen"]
    if hopfen.parent_id is None:
        hopfen.parent = accounts["Brauerei Hopfen Holding"]
        operations.update_record(instance=hopfen, acting_user=None, now=now)
    DeliveryPoint.objects.filter(
        malo_id__in=[with_check_digit(base) for base in ("5000000001", "5000000002")],
        account=None,
    ).update(account=hopfen)
    DeliveryPoint.objects.filter(malo_id=with_check_digit("5000000003"), account=None).update(
        account=accounts["Stadt Musterstadt"]
    )

    for number, account in enumerate(accounts.values()):
        for offset in range(2):
            index = number * 2 + offset
            first_name = FIRST_NAMES[index % len(FIRST_NAMES)]
            last_name = LAST_NAMES[(index // len(FIRST_NAMES) + index) % len(LAST_NAMES)]
            email = f"{first_name}.{last_name}.{index}@kunde.example".lower()
            contact = Contact.objects.filter(email=email).first() or operations.create_record(
                instance=Contact(
                    email=email,
                    salutation="Frau"
                    if first_name in {"Anna", "Clara", "Eva", "Gisela", "Ines"}
                    else "Herr",
                    first_name=first_name,
                    last_name=last_name,
                    phone=f"+49 30 {5_550_000 + index}",
                    owner=account.owner,
                ),
                acting_user=None,
                now=now,
            )
            position, department = POSITIONS[index % len(POSITIONS)]
            AccountContact.objects.get_or_create(
                account=account,
                contact=contact,
                defaults={"position": position, "department": department},
            )
