"""German industry classification WZ 2008, levels 1 (sections) and 2 (divisions).

Source: Statistisches Bundesamt (Destatis), Klassifikation der Wirtschaftszweige,
Ausgabe 2008 (WZ 2008). Levels 1-4 are identical to the European NACE Rev. 2.

Loaded into the database as reference data.
"""

SYSTEM = "WZ"
VERSION = "2008"

SECTIONS = [
    ("A", "Land- und Forstwirtschaft, Fischerei"),
    ("B", "Bergbau und Gewinnung von Steinen und Erden"),
    ("C", "Verarbeitendes Gewerbe"),
    ("D", "Energieversorgung"),
    (
        "E",
        "Wasserversorgung; Abwasser- und Abfallentsorgung und Beseitigung von "
        "Umweltverschmutzungen",
    ),
    ("F", "Baugewerbe"),
    ("G", "Handel; Instandhaltung und Reparatur von Kraftfahrzeugen"),
    ("H", "Verkehr und Lagerei"),
    ("I", "Gastgewerbe"),
    ("J", "Information und Kommunikation"),
    ("K", "Erbringung von Finanz- und Versicherungsdienstleistungen"),
    ("L", "Grundstücks- und Wohnungswesen"),
    (
        "M",
        "Erbringung von freiberuflichen, wissenschaftlichen und technischen Dienstleistungen",
    ),
    ("N", "Erbringung von sonstigen wirtschaftlichen Dienstleistungen"),
    ("O", "Öffentliche Verwaltung, Verteidigung; Sozialversicherung"),
    ("P", "Erziehung und Unterricht"),
    ("Q", "Gesundheits- und Sozialwesen"),
    ("R", "Kunst, Unterhaltung und Erholung"),
    ("S", "Erbringung von sonstigen Dienstleistungen"),
    (
        "T",
        "Private Haushalte mit Hauspersonal; Herstellung von Waren und Erbringung von "
        "Dienstleistungen durch private Haushalte für den Eigenbedarf ohne ausgeprägten "
        "Schwerpunkt",
    ),
    ("U", "Exterritoriale Organisationen und Körperschaften"),
]

DIVISIONS = [
    # A
    ("01", "A", "Landwirtschaft, Jagd und damit verbundene Tätigkeiten"),
    ("02", "A", "Forstwirtschaft und Holzeinschlag"),
    ("03", "A", "Fischerei und Aquakultur"),
    # B
    ("05", "B", "Kohlenbergbau"),
    ("06", "B", "Gewinnung von Erdöl und Erdgas"),
    ("07", "B", "Erzbergbau"),
    ("08", "B", "Gewinnung von Steinen und Erden, sonstiger Bergbau"),
    (
        "09",
        "B",
        "Erbringung von Dienstleistungen für den Bergbau und für die Gewinnung von Steinen "
        "und Erden",
    ),
    # C
    ("10", "C", "Herstellung von Nahrungs- und Futtermitteln"),
    ("11", "C", "Getränkeherstellung"),
    ("12", "C", "Tabakverarbeitung"),
    ("13", "C", "Herstellung von Textilien"),
    ("14", "C", "Herstellung von Bekleidung"),
    ("15", "C", "Herstellung von Leder, Lederwaren und Schuhen"),
    ("16", "C", "Herstellung von Holz-, Flecht-, Korb- und Korkwaren (ohne Möbel)"),
    ("17", "C", "Herstellung von Papier, Pappe und Waren daraus"),
    (
        "18",
        "C",
        "Herstellung von Druckerzeugnissen; Vervielfältigung von bespielten Ton-, Bild- "
        "und Datenträgern",
    ),
    ("19", "C", "Kokerei und Mineralölverarbeitung"),
    ("20", "C", "Herstellung von chemischen Erzeugnissen"),
    ("21", "C", "Herstellung von pharmazeutischen Erzeugnissen"),
    ("22", "C", "Herstellung von Gummi- und Kunststoffwaren"),
    (
        "23",
        "C",
        "Herstellung von Glas und Glaswaren, Keramik, Verarbeitung von Steinen und Erden",
    ),
    ("24", "C", "Metallerzeugung und -bearbeitung"),
    ("25", "C", "Herstellung von Metallerzeugnissen"),
    (
        "26",
        "C",
        "Herstellung von Datenverarbeitungsgeräten, elektronischen und optischen Erzeugnissen",
    ),
    ("27", "C", "Herstellung von elektrischen Ausrüstungen"),
    ("28", "C", "Maschinenbau"),
    ("29", "C", "Herstellung von Kraftwagen und Kraftwagenteilen"),
    ("30", "C", "Sonstiger Fahrzeugbau"),
    ("31", "C", "Herstellung von Möbeln"),
    ("32", "C", "Herstellung von sonstigen Waren"),
    ("33", "C", "Reparatur und Installation von Maschinen und Ausrüstungen"),
    # D
    ("35", "D", "Energieversorgung"),
    # E
    ("36", "E", "Wasserversorgung"),
    ("37", "E", "Abwasserentsorgung"),
    ("38", "E", "Sammlung, Behandlung und Beseitigung von Abfällen; Rückgewinnung"),
    ("39", "E", "Beseitigung von Umweltverschmutzungen und sonstige Entsorgung"),
    # F
    ("41", "F", "Hochbau"),
    ("42", "F", "Tiefbau"),
    (
        "43",
        "F",
        "Vorbereitende Baustellenarbeiten, Bauinstallation und sonstiges Ausbaugewerbe",
    ),
    # G
    (
        "45",
        "G",
        "Handel mit Kraftfahrzeugen; Instandhaltung und Reparatur von Kraftfahrzeugen",
    ),
    ("46", "G", "Großhandel (ohne Handel mit Kraftfahrzeugen)"),
    ("47", "G", "Einzelhandel (ohne Handel mit Kraftfahrzeugen)"),
    # H
    ("49", "H", "Landverkehr und Transport in Rohrfernleitungen"),
    ("50", "H", "Schifffahrt"),
    ("51", "H", "Luftfahrt"),
    ("52", "H", "Lagerei sowie Erbringung von sonstigen Dienstleistungen für den Verkehr"),
    ("53", "H", "Post-, Kurier- und Expressdienste"),
    # I
    ("55", "I", "Beherbergung"),
    ("56", "I", "Gastronomie"),
    # J
    ("58", "J", "Verlagswesen"),
    (
        "59",
        "J",
        "Herstellung, Verleih und Vertrieb von Filmen und Fernsehprogrammen; Kinos; "
        "Tonstudios und Verlegen von Musik",
    ),
    ("60", "J", "Rundfunkveranstalter"),
    ("61", "J", "Telekommunikation"),
    ("62", "J", "Erbringung von Dienstleistungen der Informationstechnologie"),
    ("63", "J", "Informationsdienstleistungen"),
    # K
    ("64", "K", "Erbringung von Finanzdienstleistungen"),
    (
        "65",
        "K",
        "Versicherungen, Rückversicherungen und Pensionskassen (ohne Sozialversicherung)",
    ),
    ("66", "K", "Mit Finanz- und Versicherungsdienstleistungen verbundene Tätigkeiten"),
    # L
    ("68", "L", "Grundstücks- und Wohnungswesen"),
    # M
    ("69", "M", "Rechts- und Steuerberatung, Wirtschaftsprüfung"),
    (
        "70",
        "M",
        "Verwaltung und Führung von Unternehmen und Betrieben; Unternehmensberatung",
    ),
    (
        "71",
        "M",
        "Architektur- und Ingenieurbüros; technische, physikalische und chemische Untersuchung",
    ),
    ("72", "M", "Forschung und Entwicklung"),
    ("73", "M", "Werbung und Marktforschung"),
    ("74", "M", "Sonstige freiberufliche, wissenschaftliche und technische Tätigkeiten"),
    ("75", "M", "Veterinärwesen"),
    # N
    ("77", "N", "Vermietung von beweglichen Sachen"),
    ("78", "N", "Vermittlung und Überlassung von Arbeitskräften"),
    (
        "79",
        "N",
        "Reisebüros, Reiseveranstalter und Erbringung sonstiger Reservierungsdienstleistungen",
    ),
    ("80", "N", "Wach- und Sicherheitsdienste sowie Detekteien"),
    ("81", "N", "Gebäudebetreuung; Garten- und Landschaftsbau"),
    (
        "82",
        "N",
        "Erbringung von wirtschaftlichen Dienstleistungen für Unternehmen und "
        "Privatpersonen a. n. g.",
    ),
    # O
    ("84", "O", "Öffentliche Verwaltung, Verteidigung; Sozialversicherung"),
    # P
    ("85", "P", "Erziehung und Unterricht"),
    # Q
    ("86", "Q", "Gesundheitswesen"),
    ("87", "Q", "Heime (ohne Erholungs- und Ferienheime)"),
    ("88", "Q", "Sozialwesen (ohne Heime)"),
    # R
    ("90", "R", "Kreative, künstlerische und unterhaltende Tätigkeiten"),
    ("91", "R", "Bibliotheken, Archive, Museen, botanische und zoologische Gärten"),
    ("92", "R", "Spiel-, Wett- und Lotteriewesen"),
    (
        "93",
        "R",
        "Erbringung von Dienstleistungen des Sports, der Unterhaltung und der Erholung",
    ),
    # S
    (
        "94",
        "S",
        "Interessenvertretungen sowie kirchliche und sonstige religiöse Vereinigungen "
        "(ohne Sozialwesen und Sport)",
    ),
    ("95", "S", "Reparatur von Datenverarbeitungsgeräten und Gebrauchsgütern"),
    ("96", "S", "Erbringung von sonstigen überwiegend persönlichen Dienstleistungen"),
    # T
    ("97", "T", "Private Haushalte mit Hauspersonal"),
    (
        "98",
        "T",
        "Herstellung von Waren und Erbringung von Dienstleistungen durch private Haushalte "
        "für den Eigenbedarf ohne ausgeprägten Schwerpunkt",
    ),
    # U
    ("99", "U", "Exterritoriale Organisationen und Körperschaften"),
]
