"""The reference data Wattwerk ships with (DOMAIN.md §4, §6.2, §7.1, §7.4, §10).

Loaded by migration ``energy.0002`` and again, idempotently, by the demo loader and the command
``wattwerk load_reference_data`` (e.g. after a test database was emptied). Only missing rows are
added; administrators edit the rest like any record. Rates are marked [V] in DOMAIN.md: verify
them each year and add a new time slice, never overwrite an old one.
"""

from datetime import date
from decimal import Decimal

from django.apps import apps as django_apps

from .identifiers import validate_market_partner_id

COMMODITIES = [
    ("strom", "Strom", "calendar"),
    ("gas", "Gas", "gas"),
    ("waerme", "Wärme", "calendar"),
]

SERVICES = [
    ("Energieaudit", "Audits", "Energieaudit nach DIN EN 16247-1 (Pflicht für Nicht-KMU, EDL-G)."),
    ("Energiemanagement", "Projekte", "Einführung eines Energiemanagementsystems (ISO 50001)."),
    ("PV-Anlage", "kWp", "Photovoltaik auf Dach oder Freifläche, auch als Pacht oder PPA."),
    ("Ladeinfrastruktur", "Ladepunkte", "Ladepunkte AC 11/22 kW oder DC 50–400 kW."),
    (
        "Contracting",
        "kW",
        "Energieliefer-, Einspar-, Finanzierungs- oder Betriebsführungs-Contracting.",
    ),
    (
        "Wärmelieferung",
        "kW",
        "Wärmeversorgung nach Anschlussleistung (Fernwärme, BHKW, Wärmepumpe).",
    ),
]

# (kind, name, EIC, commodity, responsible)
MARKET_AREAS = [
    ("control_area", "Regelzone 50Hertz", "10YDE-VE-------2", "strom", "50Hertz Transmission"),
    ("control_area", "Regelzone Amprion", "10YDE-RWENET---I", "strom", "Amprion"),
    ("control_area", "Regelzone TenneT", "10YDE-EON------1", "strom", "TenneT TSO"),
    ("control_area", "Regelzone TransnetBW", "10YDE-ENBW-----N", "strom", "TransnetBW"),
    ("bidding_zone", "Gebotszone DE-LU", "10Y1001A1001A82H", "strom", ""),
    (
        "gas_market_area",
        "Trading Hub Europe (THE)",
        "37Y005053MH0000R",
        "gas",
        "Trading Hub Europe",
    ),
]

BALANCING_AREAS = [("Albstadt", "11YW-ALBSTADT--5")]

# (name, Marktpartner-ID, commodity) — published codes only; a Stadtwerk adds the operators of
# its own supply area. [V] Stromnetz Berlin: BDEW code as used in a public market-partner
# fixture with the company's address (Eichenstraße 3a, 12435 Berlin).
NETWORK_OPERATORS = [("Stromnetz Berlin GmbH", "9900080000007", "strom")]

ELECTRICITY_PROFILES = [
    ("H0", "Haushalt", "SLP", "BDEW 1999"),
    ("G0", "Gewerbe allgemein", "SLP", "BDEW 1999"),
    ("G1", "Gewerbe werktags 8–18 Uhr", "SLP", "BDEW 1999"),
    ("G2", "Gewerbe mit Abendverbrauch", "SLP", "BDEW 1999"),
    ("G3", "Gewerbe durchlaufend", "SLP", "BDEW 1999"),
    ("G4", "Laden, Friseur", "SLP", "BDEW 1999"),
    ("G5", "Bäckerei mit Backstube", "SLP", "BDEW 1999"),
    ("G6", "Wochenendbetrieb", "SLP", "BDEW 1999"),
    ("L0", "Landwirtschaft allgemein", "SLP", "BDEW 1999"),
    ("L1", "Landwirtschaft mit Milchwirtschaft/Nebenerwerbs-Tierzucht", "SLP", "BDEW 1999"),
    ("L2", "übrige Landwirtschaft", "SLP", "BDEW 1999"),
    ("H25", "Haushalt", "SLP", "BDEW 2025"),
    ("G25", "Gewerbe", "SLP", "BDEW 2025"),
    ("L25", "Landwirtschaft", "SLP", "BDEW 2025"),
    ("P25", "Haushalt mit PV (ohne Speicher)", "SLP", "BDEW 2025"),
    ("S25", "Haushalt mit PV und Speicher", "SLP", "BDEW 2025"),
    ("SB", "Straßenbeleuchtung", "SLP", ""),
    ("BD", "Bandlast", "SLP", ""),
    ("WP", "Wärmepumpe (temperaturabhängig)", "TLP", ""),
    ("NSH", "Nachtspeicherheizung (temperaturabhängig)", "TLP", ""),
    ("RLM", "Viertelstundenmessung", "RLM", ""),
]
GAS_PROFILES = [
    ("HEF", "Haushalt Einfamilienhaus", "SLP"),
    ("HMF", "Haushalt Mehrfamilienhaus", "SLP"),
    ("HKO", "Haushalt Kochgas", "SLP"),
    ("GKO", "Gebietskörperschaften, Kreditinstitute, Organisationen", "SLP"),
    ("GHA", "Einzelhandel, Großhandel", "SLP"),
    ("GMK", "Metall, Kfz", "SLP"),
    ("GBD", "sonstige betriebliche Dienstleistungen", "SLP"),
    ("GBH", "Beherbergung", "SLP"),
    ("GWA", "Wäschereien", "SLP"),
    ("GGA", "Gaststätten", "SLP"),
    ("GBA", "Bäckereien", "SLP"),
    ("GGB", "Gartenbau", "SLP"),
    ("GPD", "Papier und Druck", "SLP"),
    ("RLM", "Stundenmessung", "RLM"),
]

PRICE_MODELS = [
    ("Festpreis", "Die ganze Menge zu einem Stichtag für die ganze Laufzeit bepreist."),
    ("Tranchenmodell", "Menge in Tranchen zu verschiedenen Zeitpunkten vor Lieferung fixiert."),
    ("Spot/Index", "Day-Ahead-Preis je (Viertel-)Stunde mal Verbrauch plus Marge."),
    ("Mischmodell", "Kombination, z. B. 70 % Tranchen und 30 % Spot."),
]

# Konzessionsabgabe for tariff customers by the size of the municipality (KAV § 2 Abs. 2) [V]
KA_SIZES_ELECTRICITY = [
    ("bis-25000", "bis 25.000 Einwohner", "1.32"),
    ("bis-100000", "bis 100.000 Einwohner", "1.59"),
    ("bis-500000", "bis 500.000 Einwohner", "1.99"),
    ("ueber-500000", "über 500.000 Einwohner", "2.39"),
]
KA_SIZES_GAS = [
    (
        "kochen-warmwasser",
        "nur Kochen und Warmwasser",
        [
            ("bis-25000", "bis 25.000 Einwohner", "0.51"),
            ("bis-100000", "bis 100.000 Einwohner", "0.61"),
            ("bis-500000", "bis 500.000 Einwohner", "0.77"),
            ("ueber-500000", "über 500.000 Einwohner", "0.93"),
        ],
    ),
    (
        "tarif",
        "sonstige Tariflieferungen",
        [
            ("bis-25000", "bis 25.000 Einwohner", "0.22"),
            ("bis-100000", "bis 100.000 Einwohner", "0.27"),
            ("bis-500000", "bis 500.000 Einwohner", "0.33"),
            ("ueber-500000", "über 500.000 Einwohner", "0.40"),
        ],
    ),
]

# (code, name, commodity, value, unit, valid from, valid to, note) — DOMAIN.md §7.4 [V]
RATES = [
    (
        "stromsteuer",
        "Stromsteuer (Regelsatz)",
        "strom",
        "2.05",
        "ct/kWh",
        date(2003, 1, 1),
        None,
        "StromStG",
    ),
    (
        "energiesteuer-erdgas",
        "Energiesteuer Erdgas (Heizzwecke)",
        "gas",
        "0.55",
        "ct/kWh",
        date(2006, 8, 1),
        None,
        "§ 2 Abs. 3 EnergieStG",
    ),
    ("co2-preis", "CO₂-Preis (BEHG)", None, "25", "EUR/t", date(2021, 1, 1), date(2022, 1, 1), ""),
    ("co2-preis", "CO₂-Preis (BEHG)", None, "30", "EUR/t", date(2022, 1, 1), date(2024, 1, 1), ""),
    ("co2-preis", "CO₂-Preis (BEHG)", None, "45", "EUR/t", date(2024, 1, 1), date(2025, 1, 1), ""),
    (
        "co2-preis",
        "CO₂-Preis (BEHG)",
        None,
        "55",
        "EUR/t",
        date(2025, 1, 1),
        date(2026, 1, 1),
        "2026: Preiskorridor 55–65 EUR/t",
    ),
    (
        "gasspeicherumlage",
        "Gasspeicherumlage",
        "gas",
        "0.289",
        "ct/kWh",
        date(2025, 7, 1),
        date(2026, 1, 1),
        "abgeschafft zum 1.1.2026",
    ),
    (
        "stromsteuer-produzierendes-gewerbe",
        "Stromsteuer nach Entlastung (produzierendes Gewerbe, Land- und Forstwirtschaft)",
        "strom",
        "0.05",
        "ct/kWh",
        date(2024, 1, 1),
        None,
        "§ 9b StromStG: EU-Mindestsatz, 2024/25 befristet, ab 2026 dauerhaft",
    ),
    *(
        (
            f"ka-strom-tarif-{size}",
            f"Konzessionsabgabe Strom, Tarifkunden, Gemeinde {label}",
            "strom",
            value,
            "ct/kWh",
            date(2002, 1, 1),
            None,
            "KAV § 2 Abs. 2 Nr. 1b",
        )
        for size, label, value in KA_SIZES_ELECTRICITY
    ),
    (
        "ka-strom-schwachlast",
        "Konzessionsabgabe Strom, Schwachlasttarif",
        "strom",
        "0.61",
        "ct/kWh",
        date(2002, 1, 1),
        None,
        "KAV § 2 Abs. 2 Nr. 1a",
    ),
    (
        "ka-strom-sondervertrag",
        "Konzessionsabgabe Strom, Sondervertragskunden (Höchstbetrag)",
        "strom",
        "0.11",
        "ct/kWh",
        date(2002, 1, 1),
        None,
        "KAV § 2 Abs. 3",
    ),
    *(
        (
            f"ka-gas-{use}-{size}",
            f"Konzessionsabgabe Gas, {use_label}, Gemeinde {label}",
            "gas",
            value,
            "ct/kWh",
            date(2002, 1, 1),
            None,
            "KAV § 2 Abs. 2 Nr. 2",
        )
        for use, use_label, sizes in KA_SIZES_GAS
        for size, label, value in sizes
    ),
    (
        "ka-gas-sondervertrag",
        "Konzessionsabgabe Gas, Sondervertragskunden (Höchstbetrag)",
        "gas",
        "0.03",
        "ct/kWh",
        date(2002, 1, 1),
        None,
        "KAV § 2 Abs. 3; keine über 5 GWh/a",
    ),
    ("umsatzsteuer", "Umsatzsteuer", None, "19", "%", date(2007, 1, 1), date(2020, 7, 1), ""),
    (
        "umsatzsteuer",
        "Umsatzsteuer",
        None,
        "16",
        "%",
        date(2020, 7, 1),
        date(2021, 1, 1),
        "befristete Senkung (Corona-Steuerhilfegesetz)",
    ),
    ("umsatzsteuer", "Umsatzsteuer", None, "19", "%", date(2021, 1, 1), None, ""),
]


def load(apps=None) -> None:
    """Add what is missing (existing rows are left as administrators edited them)."""
    apps = apps or django_apps
    Commodity = apps.get_model("energy", "Commodity")
    commodities = {}
    for code, name, year_kind in COMMODITIES:
        commodities[code], _ = Commodity.objects.get_or_create(
            code=code, defaults={"name": name, "year_kind": year_kind}
        )
    EnergyService = apps.get_model("energy", "EnergyService")
    for name, unit, description in SERVICES:
        EnergyService.objects.get_or_create(
            name=name, defaults={"unit": unit, "description": description}
        )
    MarketArea = apps.get_model("energy", "MarketArea")
    for kind, name, eic, commodity, operator in MARKET_AREAS:
        MarketArea.objects.get_or_create(
            eic=eic,
            defaults={
                "kind": kind,
                "name": name,
                "commodity": commodities[commodity],
                "operator": operator,
            },
        )
    BalancingArea = apps.get_model("energy", "BalancingArea")
    for name, eic in BALANCING_AREAS:
        BalancingArea.objects.get_or_create(eic=eic, defaults={"name": name})
    NetworkOperator = apps.get_model("energy", "NetworkOperator")
    for name, market_partner_id, commodity in NETWORK_OPERATORS:
        checked = validate_market_partner_id(market_partner_id)  # the migration's model has
        NetworkOperator.objects.get_or_create(  # no save() that sets the scheme
            market_partner_id=checked.value,
            defaults={"name": name, "scheme": checked.scheme, "commodity": commodities[commodity]},
        )
    LoadProfile = apps.get_model("energy", "LoadProfile")
    for code, name, method, generation in ELECTRICITY_PROFILES:
        LoadProfile.objects.get_or_create(
            commodity=commodities["strom"],
            code=code,
            defaults={"name": name, "method": method, "generation": generation},
        )
    for code, name, method in GAS_PROFILES:
        LoadProfile.objects.get_or_create(
            commodity=commodities["gas"], code=code, defaults={"name": name, "method": method}
        )
    PriceModel = apps.get_model("energy", "PriceModel")
    for name, description in PRICE_MODELS:
        PriceModel.objects.get_or_create(name=name, defaults={"description": description})
    Rate = apps.get_model("energy", "Rate")
    for code, name, commodity, value, unit, valid_from, valid_to, note in RATES:
        Rate.objects.get_or_create(
            code=code,
            valid_from=valid_from,
            defaults={
                "name": name,
                "commodity": commodities.get(commodity),
                "value": Decimal(value),
                "unit": unit,
                "valid_to": valid_to,
                "note": note,
            },
        )
