"""The benchmark report: runs (one per database and data set) merged into one JSON document
and one Markdown table that states, per goal, the measured ratio and whether it holds.

Goals within one run are judged by the suite; the goal across data sets (p95 on M against
p95 on S) is judged here, where both runs meet. Combinations that were not run are named.
"""

from itertools import product

DATABASES = ("sqlite", "postgresql")
SIZES = ("S", "M")
GROWTH_LIMIT = 1.5
GROWTH_GROUPS = ("list", "partial", "api", "search", "record")

GOALS = {
    "queries_constant": "Abfragen unabhängig von der Zeilenzahl (25 Zeilen ÷ 1 Zeile; "
    "Datensatzseite: großer ÷ kleiner Datensatz)",
    "api_cpu_vs_raw": "API-Liste CPU ≤ 3 × rohes SQL derselben 25 Zeilen",
    "html_vs_api": "HTML-Liste CPU ≤ 2 × API-Liste",
    "partial_vs_page": "htmx-Teilseite CPU ≤ 0,6 × ganze Seite",
    "p95_m_vs_s": "p95 auf M ≤ 1,5 × p95 auf S",
    "import_rate": "Import ≥ 25 % der Zeilen/s des rohen Bulk-Inserts",
    "import_memory": "Import-Speicher beschränkt (Spitze bei ½ ÷ ¼ der Zeilen ≤ 1,25)",
    "export_memory": "Export streamt (Speicherspitze großer ÷ kleiner Satz ≤ 1,25)",
}

# What to do when a goal fails: the plan the table states (the evidence is in the run).
PLANS = {
    "queries_constant": "Die zusätzlichen Abfragen je Zeile finden (CaptureQueriesContext) und "
    "mit select_related/prefetch_related oder einer Annotation bündeln; der Test in "
    "RecordTypeSuite deckt die generischen Listen ab, diese Seiten brauchen einen eigenen.",
    "api_cpu_vs_raw": "Die Referenz ist seit diesem Lauf die Zeilenabfrage der API selbst "
    "(vorher griff der Lauf die begrenzte Zählung, die auch ein LIMIT hat): sie kostet "
    "0,2–0,9 ms, die API-Liste 18–110 ms. Das ist DRFs Arbeit je Feld und Zeile (Serializer, "
    "Feldrechte, ETag), die Zählung und die Anmeldung – gegen ein rohes SELECT aus dem Index "
    "nicht auf 3 × zu bringen. Nächster Schritt: Profil der API-Liste (cProfile), "
    "Listen-Serializer mit vorab bestimmten Feldern statt to_representation je Feld, "
    "Feldrechte einmal je Anfrage.",
    "html_vs_api": "Die Tabellenzeilen baut schon Python statt einer Template-Schleife je Zelle "
    "(core/templatetags/record_tables.py); was bleibt, ist django-tables2s Arbeit je Zelle "
    "(Accessor, Signaturprüfung der render-Methode bei jedem Aufruf) und das Filterformular. "
    "Nächster Schritt: je Spalte einmal bestimmen, wie ihre Zelle entsteht, und die Zeilen "
    "ohne BoundRow bauen; die Auswahlfelder des Filterformulars ohne Widget-Templates.",
    "partial_vs_page": "Die Teilseite enthält nur die Ergebnisse; ihre Kosten sind die 25 Zeilen "
    "selbst (Abfragen, Zählung, Zellen), die ganze Seite fügt nur Menü und Filterformular "
    "hinzu. Das Verhältnis sinkt erst, wenn die Zeilen billiger werden: dieselben Schritte wie "
    "bei html_vs_api, dazu die Zählung ohne vollständigen Scan (siehe p95_m_vs_s).",
    "p95_m_vs_s": "Zweiter Lauf mit M (2026-12-08). p95 aus zehn Messungen ist fast das "
    "Maximum; einzelne Ausreißer (eine Messung von zehn) sind am Median zu erkennen, den die "
    "JSON-Datei je Fall enthält. Seit dem ersten Lauf behoben: „abgelaufen“ liest den Index "
    "der Bindefrist in Sortierfolge (Status als Bedingung ohne Index, da SQLite die "
    "Verteilung der Werte nicht kennt; SQLite-Angebote im Median 1,2–1,5 × statt 7–16 ×), "
    "Indizes für Schlüsselkunden nach Name (account_segment), die offenen Verkaufschancen "
    "eines Vertrieblers nach Abschluss (opportunity_owner) und die MaLo-ID allein "
    "(delivery_point_malo). Was noch wächst: Leads auf SQLite (2–2,8 ×: SQLite sortiert jede "
    "Trefferzeile; lead_status (Status, Firma) kam in die Migration, nachdem die "
    "SQLite-Datenbank M migriert war, und fehlt in diesem Lauf – mit ihm liest SQLite die "
    "Seite auf M in unter 2 ms statt 61 ms); die Namenssuche auf SQLite (4,5 ×: die "
    "Lieferstellen werden über die Sparte verbunden und alle nach MaLo-ID sortiert, statt "
    "delivery_point_malo in Folge zu lesen); die Aktivitätenliste auf PostgreSQL (Median "
    "1,5 ×: die Rechte – Besitzer, Abteilungen, Freigaben – sind ein ODER, das kein Index "
    "trägt). Nur Ausreißer (Median "
    "≤ 1,25 ×): SQLite-Angebotsliste und Kontakte einer Firma, PostgreSQL-Lieferstellen einer "
    "Firma. Plan: die Suche ohne Verbindung zur Sparte (Sparte je Treffer nachladen) oder "
    "FTS5/pg_trgm für Namen; die Rechte der Aktivitäten als Vereinigung einzelner "
    "Indexbereiche; p95 aus mehr Messungen; danach M erneut messen.",
    "import_rate": "Die Prozesse importierter Leads starten gesammelt "
    "(processes.start_processes: Instanzen, Stufen, Aufgaben, Verlauf je Block von 500), und "
    "die Zeilenprüfung fragt die Datenbank nicht je Zeile. Gemessen (mit der Prüfung in einem "
    "eigenen Durchgang vor dem Schreiben): rund 480–500 Zeilen/s auf SQLite (1,2 % der rohen "
    "Rate von rund 40.000) und 440 Zeilen/s auf PostgreSQL (S: 5,8 % von 7.700). Was bleibt, "
    "ist Python-Arbeit je Zeile: jede Zelle umwandeln und prüfen (Formularfeld, full_clean), "
    "je Lead die Bedingungen der Stufenaufgaben (CEL) und die Verlaufseinträge mit "
    "Hash-Kette. Die Referenz fügt fertige Tupel ohne jede Prüfung ein (rund 25 µs je Zeile); "
    "25 % davon ließen für Lesen, Prüfen, Prozess und Verlauf rund 100 µs je Zeile – mit "
    "Prüfung je Feld in Python nicht erreichbar. Nächste Schritte: je Spalte einmal einen "
    "Umwandler bestimmen statt Formularfeld und full_clean je Zelle; den CEL-Kontext nur aus "
    "den Namen bauen, die eine Bedingung liest.",
    "import_memory": "Der Import hält die Datei nicht: er liest sie, um die Zeilen zu zählen, "
    "um sie zu prüfen und – wenn nichts fehlt – um Blöcke von 500 Datensätzen in einer "
    "Transaktion zu schreiben. Gehalten werden ein Block und je Lead-Nr. die Zeile, in der sie "
    "endet.",
    "export_memory": "Auf M wächst die Spitze noch (20.183 → 200.040 Zeilen: SQLite CSV "
    "1,4 → 3,2 MB, XLSX 1,1 → 3,3 MB; PostgreSQL CSV 1,5 → 2,4 MB, XLSX 1,2 → 3,3 MB), rund "
    "5–12 Byte je Zeile; auf S (1.046 → 10.040 Zeilen) hält das Ziel, und zwei "
    "Schnappschüsse während desselben Exports auf S (nach 2.000 Zeilen und am Ende) zeigen "
    "nichts, was mit den Zeilen wächst. Nächster Schritt: derselbe Vergleich auf M.",
}


def _key(run: dict) -> tuple[str, str]:
    return run["database"], run["size"]


def growth_goals(runs: list[dict]) -> list[dict]:
    """p95 on M ÷ p95 on S for every list, search and record page, per database."""
    by_key = {_key(run): run for run in runs}
    goals = []
    for database in DATABASES:
        small, medium = by_key.get((database, "S")), by_key.get((database, "M"))
        if small is None or medium is None:
            continue
        for name, case in small["cases"].items():
            other = medium["cases"].get(name)
            if case["group"] not in GROWTH_GROUPS or other is None:
                continue
            ratio = other["p95_ms"] / case["p95_ms"]
            goals.append(
                {
                    "goal": "p95_m_vs_s",
                    "case": name,
                    "database": database,
                    "size": "M/S",
                    "ratio": round(ratio, 3),
                    "limit": GROWTH_LIMIT,
                    "at_least": False,
                    "holds": ratio <= GROWTH_LIMIT,
                }
            )
    return goals


def merge(runs: list[dict]) -> dict:
    goals = [
        {**goal, "database": run["database"], "size": run["size"]}
        for run in runs
        for goal in run["goals"]
    ]
    goals += growth_goals(runs)
    done = {_key(run) for run in runs}
    not_run = [f"{db} {size}" for db, size in product(DATABASES, SIZES) if (db, size) not in done]
    return {"runs": runs, "goals": goals, "not_run": not_run}


def _ratio(goal: dict) -> str:
    sign = "≥" if goal["at_least"] else "≤"
    return f"{goal['ratio']:.3g} ({sign} {goal['limit']:g})"


def _evidence(goal: dict) -> str:
    if "queries" in goal:
        return "Abfragen {} → {}".format(*goal["queries"])
    if "rows" in goal:
        return "Zeilen {} → {}".format(*goal["rows"])
    return ""


def markdown(report: dict) -> str:
    runs, goals = report["runs"], report["goals"]
    lines = ["# Wattwerk – Benchmark", ""]
    lines += [
        "Erzeugt von `make bench` (docs/benchmarks.md erklärt, was gemessen wird). Jede Zeit "
        "ist ein Verhältnis zu einer Referenz aus demselben Lauf.",
        "",
        "| Datenbank | Datenbestand | Zeitpunkt | Dauer | Benutzer | sichtbare Datensätze |",
        "|---|---|---|---:|---|---|",
    ]
    for run in runs:
        visible = ", ".join(f"{name} {count}" for name, count in run["visible"].items())
        lines.append(
            f"| {run['database']} | {run['size']} | {run['at']} | {run['seconds']} s "
            f"| {run['user']} | {visible} |"
        )
    if report["not_run"]:
        lines += ["", f"**Nicht gelaufen:** {', '.join(report['not_run'])}."]
        without_m = [item.removesuffix(" M") for item in report["not_run"] if item.endswith(" M")]
        if without_m:
            lines.append(
                f"Ohne M auf {', '.join(without_m)} dort kein Ziel „p95 M ≤ 1,5 × S“: "
                '`make bench BENCH_SIZES="S M"` misst es.'
            )
    held = sum(goal["holds"] for goal in goals)
    lines += ["", f"## Ziele: {held} von {len(goals)} gehalten", ""]
    lines += [
        "| Ziel | Fall | DB | Größe | Verhältnis | hält | Beleg |",
        "|---|---|---|---|---:|---|---|",
    ]
    for goal in goals:
        lines.append(
            f"| {goal['goal']} | {goal['case']} | {goal['database']} | {goal['size']} "
            f"| {_ratio(goal)} | {'ja' if goal['holds'] else '**nein**'} | {_evidence(goal)} |"
        )
    lines += ["", "Die Ziele:", ""]
    lines += [f"- `{key}`: {text}" for key, text in GOALS.items()]
    failed = sorted({goal["goal"] for goal in goals if not goal["holds"]})
    if failed:
        lines += ["", "## Was nicht hält und der Plan", ""]
        for key in failed:
            cases = sorted(
                {
                    f"{g['case']} ({g['database']} {g['size']})"
                    for g in goals
                    if g["goal"] == key and not g["holds"]
                }
            )
            lines.append(f"- **{key}** – {', '.join(cases)}. Plan: {PLANS.get(key, '–')}")
    for run in runs:
        lines += _run_section(run)
    return "\n".join(lines) + "\n"


def _run_section(run: dict) -> list[str]:
    title = f"{run['database']} {run['size']}"
    cpu_note = (
        "CPU = Prozess + Datenbank-Backend"
        if run["machine"]["database_cpu_counted"]
        else "CPU = nur der Prozess (Datenbank-Backend nicht lesbar)"
    )
    lines = ["", f"## Messungen {title}", ""]
    lines += [
        f"{run['repeat']} Wiederholungen je Fall; {cpu_note}; Referenz: `*.raw` = dieselben "
        "SELECTs über einen einfachen Cursor.",
        "",
        "| Fall | Median ms | p95 ms | CPU ms | Abfragen | ÷ Referenz (CPU) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    cases = run["cases"]
    for name, case in cases.items():
        reference = cases.get(case.get("reference") or "", None)
        if reference is None and case["group"] in ("list", "partial", "api"):
            reference = cases.get(name.split(".")[0] + ".raw")
        versus = f"{case['cpu_ms'] / reference['cpu_ms']:.1f}" if reference else ""
        lines.append(
            f"| {name} | {case['median_ms']:.1f} | {case['p95_ms']:.1f} | {case['cpu_ms']:.1f} "
            f"| {case['queries']} | {versus} |"
        )
    imported = run.get("import")
    if imported:
        lines += [
            "",
            f"**Import** ({title}): {imported['rows']} Zeilen ({imported['created']}) in "
            f"{imported['seconds']} s = {imported['rows_per_s']} Zeilen/s; roher Insert "
            f"{imported['raw_rows_per_s']} Zeilen/s. Speicherspitze "
            f"{imported['memory_peak_bytes'][0] / 1e6:.1f} MB bei {imported['memory_rows'][0]} "
            f"und {imported['memory_peak_bytes'][1] / 1e6:.1f} MB bei "
            f"{imported['memory_rows'][1]} Zeilen.",
        ]
    exported = run.get("export")
    if exported:
        parts = [
            f"{name}: {value['rows']} Zeilen, {value['peak_bytes'] / 1e6:.1f} MB"
            for name, value in exported.items()
        ]
        lines += ["", f"**Export** ({title}): {'; '.join(parts)}."]
    jobs = run.get("jobs")
    if jobs and "skipped" not in jobs:
        lines += [
            "",
            f"**Hintergrundjobs** ({title}): {jobs['jobs_per_s']} Jobs/s durch den Worker "
            f"(`db_worker`, Abfrageintervall {jobs['worker_interval_s']} s) gegen "
            f"{jobs['raw_jobs_per_s']} Jobs/s rohe Warteschlangenarbeit (Insert, Claim, "
            f"Finish); Verhältnis {jobs['jobs_per_s'] / jobs['raw_jobs_per_s']:.4f}. "
            f"Commit bis Start: Median {jobs['commit_to_start_median_ms']} ms "
            f"({jobs['commit_to_start_ms']} ms) – bestimmt vom Abfrageintervall.",
        ]
    elif jobs:
        lines += ["", f"**Hintergrundjobs** ({title}): nicht gemessen ({jobs['skipped']})."]
    if run["plans"]:
        lines += ["", "<details>", f"<summary>Abfragepläne {title}</summary>", ""]
        for name, plan in run["plans"].items():
            flags = " – Seq Scan" if "Seq Scan" in plan else ""
            lines += [f"**{name}**{flags}", "", "```", plan, "```", ""]
        lines += ["</details>"]
    return lines
