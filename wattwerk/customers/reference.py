"""The lists Wattwerk ships for customers: customer types, marketing interests and channels, and
the industry classification WZ 2008 (sections and divisions).

Loaded by migration ``customers.0002`` and again, idempotently, by the demo loader and the
command ``wattwerk load_reference_data``: only missing rows are added, edits are kept.
"""

from django.apps import apps as django_apps

from . import wz2008

CUSTOMER_TYPES = [
    ("Stadtwerk/Weiterverteiler", "Stadtwerke und Weiterverteiler, die Energie weiterliefern."),
    ("Industrie", "Produzierendes Gewerbe, meist RLM-Abnahmestellen."),
    ("Gewerbe", "Handel, Handwerk, Dienstleistung."),
    ("öffentlicher Auftraggeber", "Kommunen, Landkreise, Anstalten; Vergabe nach GWB/UVgO."),
    ("Wohnungswirtschaft", "Wohnungsunternehmen und -genossenschaften, Hausverwaltungen."),
    ("Landwirtschaft", "Land- und Forstwirtschaft, Gartenbau."),
]

INTERESTS = [
    "Ökostrom/Herkunftsnachweise",
    "Photovoltaik",
    "E-Mobilität/Ladeinfrastruktur",
    "Wärme/Contracting",
    "Energieeffizienz/Energieaudit",
    "Festpreis",
    "Strukturierte Beschaffung/Tranchen",
    "Spot/Index",
]

CHANNELS = ["E-Mail", "Telefon", "Brief", "Persönlicher Besuch", "Newsletter", "Veranstaltung"]


def load(apps=None) -> None:
    apps = apps or django_apps
    CustomerType = apps.get_model("customers", "CustomerType")
    for name, description in CUSTOMER_TYPES:
        CustomerType.objects.get_or_create(name=name, defaults={"description": description})
    Interest = apps.get_model("customers", "Interest")
    for name in INTERESTS:
        Interest.objects.get_or_create(name=name)
    Channel = apps.get_model("customers", "Channel")
    for name in CHANNELS:
        Channel.objects.get_or_create(name=name)
    IndustryCode = apps.get_model("customers", "IndustryCode")
    version = {"system": wz2008.SYSTEM, "version": wz2008.VERSION}
    sections = {}
    for letter, title in wz2008.SECTIONS:
        sections[letter], _ = IndustryCode.objects.get_or_create(
            **version, code=letter, defaults={"title": title}
        )
    for code, letter, title in wz2008.DIVISIONS:
        IndustryCode.objects.get_or_create(
            **version, code=code, defaults={"title": title, "parent": sections[letter]}
        )
