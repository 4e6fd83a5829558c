"""The benchmark suite: every hot path of the CRM timed against a reference in the same run.

A run measures one database with one data set (``wattwerk generate``) in-process through
Django's test client, signed in as a Vertrieb user whose rights restrict what they see:

- per list (accounts, leads, opportunities, quotes, activities; two filters and a sort): the
  HTML page, its htmx partial, the API list and, as reference, the API's own row query (the
  same 25 rows, same restriction, filters and sort) sent again through a plain cursor;
- record pages (an account with its tabs, an opportunity with stage bar and timeline), the
  global search by name and by MaLo-ID, the EUR and volume pipeline reports, each against a
  replay of the SQL the request sent (the database's share of the cost);
- the CSV import of leads with lines against a raw ``executemany`` of the same rows;
- the memory of the CSV and XLSX export of a list for a smaller and a larger set of rows;
- background jobs per second through the real worker, and the commit-to-start delay.

The result is a plain dict (see :func:`run`); :mod:`wattwerk.bench.report` turns one or more
of them into the JSON file and the Markdown table, with the goals and whether they hold.
"""

import csv
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.test import Client
from django.utils import timezone

from wattwerk.access.models import User
from wattwerk.activities.models import Activity
from wattwerk.core import bulk, exports
from wattwerk.core.importing import get_importers
from wattwerk.core.querysets import Action
from wattwerk.customers.models import Account
from wattwerk.energy.identifiers import with_check_digit
from wattwerk.energy.models import DeliveryPoint
from wattwerk.quotes.models import Quote
from wattwerk.sales.models import Lead, LeadLine, Opportunity

from . import measure

PAGE = 25
EXPORT_CHUNK = 100  # rows an export reads at a time while its memory is measured


@dataclass(frozen=True)
class ListSpec:
    slug: str  # the list page is /<slug>/, the API list /api/v1/<slug>/
    model: type
    filters: tuple[str, str]  # two filter fields; their values are the most frequent visible
    sort: str


LISTS = (
    ListSpec("accounts", Account, ("segment", "legal_form"), "name"),
    ListSpec("leads", Lead, ("status", "source"), "company_name"),
    ListSpec("opportunities", Opportunity, ("status", "owner"), "expected_close"),
    ListSpec("quotes", Quote, ("indicative", "status"), "binding_until"),
    ListSpec("activities", Activity, ("status", "kind"), "due"),
)
ACCOUNT_TABS = ("contacts", "opportunities", "delivery_points", "quotes")
REPORTS = ("pipeline", "volume")


class BenchError(Exception):
    """The data set or the user do not allow a run (no generated data, user missing)."""


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _most_frequent(queryset, field: str):
    """The value of ``field`` most of the records hold (an empty one is no filter)."""
    rows = (
        queryset.order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .exclude(**{f"{field}__isnull": True})
        .order_by("-n", field)
    )
    for row in rows[:5]:
        if row[field] != "":
            return row[field]
    return None


class Run:
    def __init__(
        self, *, user: User, repeat: int, warmup: int, import_rows: int, jobs: int, progress
    ):
        self.user, self.repeat, self.warmup, self.progress = user, repeat, warmup, progress
        self.import_rows, self.jobs = import_rows, jobs
        self.client = Client(HTTP_HOST="localhost")
        self.client.force_login(user)
        self.cases: dict[str, dict] = {}
        self.goals: list[dict] = []
        self.plans: dict[str, str] = {}
        self.extra: dict[str, dict] = {}

    # --- helpers ---------------------------------------------------------------------------
    def get(self, url: str, *, htmx: bool = False) -> None:
        headers = {"HX-Request": "true", "HX-Target": "results"} if htmx else {}
        response = self.client.get(url, headers=headers)
        if response.status_code != 200:
            raise BenchError(f"{url} answered {response.status_code}")
        if response.streaming:
            for _chunk in response.streaming_content:
                pass

    def case(self, name: str, group: str, call: Callable, *, reference: str = "", **extra):
        self.progress(f"  {name}")
        timing = measure.timed(call, repeat=self.repeat, warmup=self.warmup)
        self.cases[name] = {"group": group, "reference": reference, **timing.as_dict(), **extra}
        return self.cases[name]

    def replay(self, name: str, statements: list, *, group: str = "raw") -> None:
        """The given SELECTs through a plain cursor: what the database alone costs."""
        selects = [(sql, params) for sql, params in statements if sql.lstrip().startswith("SELECT")]

        def call():
            with connection.cursor() as cursor:
                for sql, params in selects:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        self.case(name, group, call, statements=len(selects))

    def goal(self, goal: str, case: str, ratio: float, limit: float, *, at_least=False, **extra):
        holds = ratio >= limit if at_least else ratio <= limit
        self.goals.append(
            {
                "goal": goal,
                "case": case,
                "ratio": round(ratio, 3),
                "limit": limit,
                "at_least": at_least,
                "holds": holds,
                **extra,
            }
        )

    def explain(self, name: str, sql: str, params) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            rows = cursor.fetchall()
        self.plans[name] = "\n".join(" ".join(str(cell) for cell in row) for row in rows)

    # --- lists -----------------------------------------------------------------------------
    def lists(self) -> None:
        for spec in LISTS:
            visible = spec.model.objects.restrict(self.user, Action.READ)
            query = {}
            for field in spec.filters:
                value = _most_frequent(visible, field)
                if value is not None:
                    query[field] = _value(value)
            html = f"/{spec.slug}/?{urlencode({**query, 'sort': spec.sort})}"
            api = f"/api/v1/{spec.slug}/?{urlencode({**query, 'ordering': spec.sort})}"
            self.progress(f"{spec.slug}: {html}")
            page = self.case(f"{spec.slug}.list", "list", lambda u=html: self.get(u), url=html)
            partial = self.case(
                f"{spec.slug}.partial",
                "partial",
                lambda u=html: self.get(u, htmx=True),
                url=html,
            )
            api_case = self.case(
                f"{spec.slug}.api", "api", lambda u=f"{api}&limit={PAGE}": self.get(u), url=api
            )
            statements = measure.recorded(lambda u=f"{api}&limit={PAGE}": self.get(u))
            table = f'FROM "{spec.model._meta.db_table}"'
            counts = [s for s in statements if table in s[0] and "COUNT(" in s[0]]
            rows_sql = [
                s
                for s in statements
                if s[0].startswith("SELECT")
                and table in s[0]
                and "LIMIT" in s[0]
                and s not in counts  # the bounded count has a LIMIT too
            ]
            if not rows_sql:
                raise BenchError(f"no row query found for {spec.slug}")
            self.replay(f"{spec.slug}.raw", rows_sql[:1])
            raw = self.cases[f"{spec.slug}.raw"]
            with connection.cursor() as cursor:
                cursor.execute(*rows_sql[0])
                raw["rows"] = len(cursor.fetchall())
            api_case["rows"] = len(self.client.get(f"{api}&limit={PAGE}").json()["results"])
            self.explain(f"{spec.slug}: row query", *rows_sql[0])
            if counts:
                self.explain(f"{spec.slug}: count query", *counts[0])
            self.goal("api_cpu_vs_raw", spec.slug, api_case["cpu_ms"] / raw["cpu_ms"], 3.0)
            self.goal("html_vs_api", spec.slug, page["cpu_ms"] / api_case["cpu_ms"], 2.0)
            self.goal("partial_vs_page", spec.slug, partial["cpu_ms"] / page["cpu_ms"], 0.6)
            # Query count: a page of rows against a page twice as long. (Against one row it
            # would also count what a single row leaves out: Django skips prefetching for no
            # related rows, and an activity's "regarding" takes one query per record type.)
            for name, one, many in (
                (f"{spec.slug}.list", html, f"{html}&per_page={2 * PAGE}"),
                (f"{spec.slug}.partial", html, f"{html}&per_page={2 * PAGE}"),
                (f"{spec.slug}.api", f"{api}&limit={PAGE}", f"{api}&limit={2 * PAGE}"),
            ):
                htmx = name.endswith(".partial")
                few = measure.count_queries(lambda u=one, h=htmx: self.get(u, htmx=h))
                full = measure.count_queries(lambda u=many, h=htmx: self.get(u, htmx=h))
                self.goal("queries_constant", name, full / few, 1.0, queries=[few, full])

    # --- record pages, search, reports -----------------------------------------------------
    def with_replay(self, name: str, group: str, url: str) -> None:
        self.case(name, group, lambda: self.get(url), url=url, reference=f"{name}.raw")
        self.replay(f"{name}.raw", measure.recorded(lambda: self.get(url)))

    def records(self) -> None:
        accounts = (
            Account.objects.restrict(self.user, Action.READ)
            .annotate(points=Count("delivery_points"))
            .order_by("-points", "pk")
        )
        large = accounts.first()
        # The smallest account with a row in every tab: with none, Django skips a prefetch.
        small = (
            accounts.filter(
                Exists(Opportunity.objects.filter(account=OuterRef("pk"))),
                Exists(Quote.objects.filter(account=OuterRef("pk"))),
                Exists(Account.contacts.through.objects.filter(account=OuterRef("pk"))),
                points__gt=0,
            )
            .order_by("points", "pk")
            .first()
        ) or accounts.order_by("points", "pk").first()
        opportunities = (
            Opportunity.objects.restrict(self.user, Action.READ)
            .annotate(line_count=Count("lines"))
            .order_by("-line_count", "pk")
        )
        big_opportunity = opportunities.first()
        small_opportunity = (
            opportunities.filter(line_count__gt=0).order_by("line_count", "pk").first()
            or opportunities.order_by("line_count", "pk").first()
        )
        if large is None or big_opportunity is None:
            raise BenchError("the user sees no account or no opportunity")
        pages = {
            "record.account": "/accounts/{}/",
            **{f"record.account.{tab}": f"/accounts/{{}}/{tab}/" for tab in ACCOUNT_TABS},
        }
        for name, pattern in pages.items():
            self.with_replay(name, "record", pattern.format(large.pk))
            self.query_goal(name, pattern.format(small.pk), pattern.format(large.pk))
        for name, pattern in {
            "record.opportunity": "/opportunities/{}/",
            "record.opportunity.timeline": "/opportunities/{}/timeline/",
        }.items():
            self.with_replay(name, "record", pattern.format(big_opportunity.pk))
            self.query_goal(
                name,
                pattern.format(small_opportunity.pk),
                pattern.format(big_opportunity.pk),
            )

    def query_goal(self, name: str, small_url: str, large_url: str) -> None:
        few = measure.count_queries(lambda: self.get(small_url))
        full = measure.count_queries(lambda: self.get(large_url))
        self.goal("queries_constant", name, full / few, 1.0, queries=[few, full])

    def search(self) -> None:
        account = Account.objects.restrict(self.user, Action.READ).order_by("pk").last()
        point = (
            DeliveryPoint.objects.restrict(self.user, Action.READ)
            .exclude(malo_id="")
            .order_by("pk")
            .last()
        )
        terms = {"search.name": account.name.split()[0]}
        if point is not None:
            terms["search.malo"] = point.malo_id
        for name, text in terms.items():
            url = f"/search/?{urlencode({'q': text})}"
            self.with_replay(name, "search", url)
            for number, (sql, params) in enumerate(measure.recorded(lambda u=url: self.get(u))):
                if sql.startswith("SELECT") and "LIKE" in sql.upper():
                    self.explain(f"{name}: query {number}", sql, params)

    def reports(self) -> None:
        for key in REPORTS:
            self.with_replay(f"report.{key}", "report", f"/api/v1/reports/{key}/")

    # --- import ----------------------------------------------------------------------------
    def import_file(self, directory: Path, rows: int) -> Path:
        """``rows`` lines of ``rows // 2`` leads: an energy line and a service line each."""
        path = directory / f"leads-{rows}.csv"
        header = [
            "Lead-Nr.",
            "Firma",
            "Ort",
            "Nachname",
            "Quelle",
            "Kundentyp",
            "Menge",
            "Art",
            "Sparte",
            "MaLo-ID",
            "Lieferbeginn",
            "Lieferende",
            "Jahresmenge kWh",
            "Dienstleistung",
            "Wert EUR",
        ]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(header)
            for number in range(rows // 2):
                common = [f"B{number}", f"Bench-Interessent {number}", "Musterstadt", "Kühn"]
                common += ["Messe/Veranstaltung", "Gewerbe"]
                malo = with_check_digit(f"6{number:09d}")
                energy = ["Potenzial", "Energie", "Strom", malo, "01.01.2027", "01.01.2029"]
                writer.writerow([*common, *energy, "1.250.000", "", ""])
                service = ["Gesamtbedarf", "Dienstleistung", "", "", "", "", ""]
                writer.writerow([*common, *service, "PV-Anlage", "45.000,50"])
        return path

    def run_import(self, path: Path) -> dict:
        importer = get_importers()["leads"](self.user, timezone.now())
        with transaction.atomic():
            with path.open("rb") as handle:
                result = importer.run(handle)
            transaction.set_rollback(True)  # the data set stays as generated
        if result.problems:
            listed = "; ".join(str(problem) for problem in result.problems[:5])
            raise BenchError(f"the import file has problems: {listed}")
        return result.created

    def raw_insert(self, path: Path) -> Callable[[], None]:
        """The rows the importer would write, as tuples, inserted with ``executemany``."""
        importer = get_importers()["leads"](self.user, timezone.now())
        with path.open("rb") as handle:
            leads, _result = importer.check(handle)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {Lead._meta.db_table}")
            next_lead = (cursor.fetchone()[0] or 0) + 1_000_000
            cursor.execute(f"SELECT MAX(id) FROM {LeadLine._meta.db_table}")
            next_line = (cursor.fetchone()[0] or 0) + 1_000_000
        lines = []
        for offset, lead in enumerate(leads):
            lead.pk = next_lead + offset
            lead.take_owning_department()
            for line in lead._import_lines:
                line.lead_id, line.pk = lead.pk, next_line + len(lines)
                lines.append(line)
        statements = [_insert(Lead, leads), _insert(LeadLine, lines)]

        def call():
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for sql, values in statements:
                        cursor.executemany(sql, values)
                transaction.set_rollback(True)

        return call

    def importing(self) -> None:
        rows = self.import_rows
        with tempfile.TemporaryDirectory() as directory:
            path = self.import_file(Path(directory), rows)
            self.progress(f"import of {rows} rows")
            started = time.perf_counter()
            created = self.run_import(path)
            importer_seconds = time.perf_counter() - started
            raw = self.raw_insert(path)
            started = time.perf_counter()
            raw()
            raw_seconds = time.perf_counter() - started
            # Memory of the import at a quarter and half of the rows, both several blocks of
            # importing.CHUNK: bounded when it does not grow with them (tracemalloc slows
            # Python down, so timed apart).
            memory_rows = [max(rows // 4, 2), max(rows // 2, 4)]
            small, larger = (self.import_file(Path(directory), n) for n in memory_rows)
            _created, small_peak = measure.peak_memory(lambda: self.run_import(small))
            _created, larger_peak = measure.peak_memory(lambda: self.run_import(larger))
        self.extra["import"] = {
            "rows": rows,
            "created": created,
            "seconds": round(importer_seconds, 3),
            "rows_per_s": round(rows / importer_seconds, 1),
            "raw_seconds": round(raw_seconds, 3),
            "raw_rows_per_s": round(rows / raw_seconds, 1),
            "memory_rows": memory_rows,
            "memory_peak_bytes": [small_peak, larger_peak],
        }
        self.goal("import_rate", "leads", raw_seconds / importer_seconds, 0.25, at_least=True)
        self.goal("import_memory", "leads", larger_peak / small_peak, 1.25)

    # --- export ----------------------------------------------------------------------------
    def exports(self) -> None:
        visible = Lead.objects.restrict(self.user, Action.READ)
        status = _most_frequent(visible, "status")
        sets = {"small": {"status": status, "source": _most_frequent(visible, "source")}}
        sets["small"] = {k: v for k, v in sets["small"].items() if v is not None}
        sets["large"] = {}
        found = {}
        # Exports read 2,000 rows at a time; with S's smaller set below one such chunk, the
        # comparison would show the chunk filling up, not growth with rows. Both sets are read
        # in chunks of 100 here, so both hold many.
        chunk, exports.CHUNK = exports.CHUNK, EXPORT_CHUNK
        try:
            for fmt in ("csv", "xlsx"):
                for size, query in sets.items():
                    url = f"/leads/?{urlencode({**query, 'export': fmt})}"
                    _result, peak = measure.peak_memory(lambda u=url: self.get(u))
                    rows = visible.filter(**query).count()
                    found[f"{fmt}.{size}"] = {"rows": rows, "peak_bytes": peak}
        finally:
            exports.CHUNK = chunk
        for fmt in ("csv", "xlsx"):
            small, large = found[f"{fmt}.small"], found[f"{fmt}.large"]
            self.goal(
                "export_memory",
                f"leads.{fmt}",
                large["peak_bytes"] / max(small["peak_bytes"], 1),
                1.25,
                rows=[small["rows"], large["rows"]],
            )
        self.extra["export"] = found

    # --- background jobs -------------------------------------------------------------------
    def background_jobs(self) -> None:
        if self.jobs <= 0:
            self.extra["jobs"] = {"skipped": "jobs=0"}
            return
        backend = settings.TASKS["default"]["BACKEND"]
        if backend != "django_tasks_db.DatabaseBackend":
            self.extra["jobs"] = {"skipped": f"task backend {backend}, not the database's"}
            return
        self.extra["jobs"] = jobs_through_worker(self.jobs, self.progress)
        self.extra["jobs"]["raw_jobs_per_s"] = raw_queue_rate(self.jobs)


def _insert(model, objects: list) -> tuple[str, list[tuple]]:
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
    sql += f"VALUES ({marks})"
    values = [
        tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
        for obj in objects
    ]
    return sql, values


WORKER_INTERVAL = 1.0  # seconds between polls, as `make demo` starts the worker


def jobs_through_worker(count: int, progress) -> dict:
    from django_tasks_db.models import DBTaskResult

    from .tasks import noop

    def wait(ids: list, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while DBTaskResult.objects.filter(id__in=ids, finished_at__isnull=True).exists():
            if time.monotonic() > deadline:
                raise BenchError("the worker did not finish the jobs in time")
            time.sleep(0.02)

    command = [str(Path(sys.executable).parent / "wattwerk"), "db_worker", "--queue-name"]
    command += ["default", "--interval", str(WORKER_INTERVAL), "--no-startup-delay"]
    worker = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait([noop.enqueue(0).id])  # the worker is up
        progress(f"  {count} jobs through the worker")
        delays = []
        for number in range(5):
            time.sleep(WORKER_INTERVAL * (number + 1) / 5)  # not in step with the polls
            result = noop.enqueue(number)
            wait([result.id])
            row = DBTaskResult.objects.get(id=result.id)
            delays.append((row.started_at - row.enqueued_at).total_seconds())
        with transaction.atomic():
            ids = [noop.enqueue(number).id for number in range(count)]
        committed = timezone.now()
        wait(ids)
        last = max(DBTaskResult.objects.filter(id__in=ids).values_list("finished_at", flat=True))
        seconds = max((last - committed) / timedelta(seconds=1), 1e-6)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    return {
        "jobs": count,
        "worker_interval_s": WORKER_INTERVAL,
        "jobs_per_s": round(count / seconds, 1),
        "commit_to_start_ms": sorted(round(d * 1000, 1) for d in delays),
        "commit_to_start_median_ms": round(sorted(delays)[len(delays) // 2] * 1000, 1),
    }


def raw_queue_rate(count: int) -> float:
    """A queue's least work per job through a plain cursor: insert, claim, finish (each
    committed), on a table of its own."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_queue")
        cursor.execute(
            "CREATE TABLE bench_queue (id INTEGER PRIMARY KEY, status VARCHAR(10), "
            "payload VARCHAR(100))"
        )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for number in range(count):
            cursor.execute(
                "INSERT INTO bench_queue (id, status, payload) VALUES (%s, 'ready', %s)",
                [number, f"noop {number}"],
            )
        for _number in range(count):
            cursor.execute("SELECT id FROM bench_queue WHERE status = 'ready' ORDER BY id LIMIT 1")
            (claimed,) = cursor.fetchone()
            cursor.execute("UPDATE bench_queue SET status = 'running' WHERE id = %s", [claimed])
            cursor.execute("UPDATE bench_queue SET status = 'done' WHERE id = %s", [claimed])
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_queue")
    return round(count / seconds, 1)


def data_counts() -> dict[str, int]:
    return {
        "accounts": Account.objects.count(),
        "leads": Lead.objects.count(),
        "opportunities": Opportunity.objects.count(),
        "quotes": Quote.objects.count(),
        "activities": Activity.objects.count(),
        "delivery_points": DeliveryPoint.objects.count(),
    }


def run(
    *,
    size: str,
    username: str = "gk",
    repeat: int = 20,
    warmup: int = 2,
    import_rows: int = 20_000,
    jobs: int = 200,
    progress: Callable = print,
) -> dict:
    """One run on the current database; ``size`` names the data set generated into it."""
    try:
        user = User.objects.get(username=username, is_active=True)
    except User.DoesNotExist as error:
        raise BenchError(f"user {username!r} missing: load the demo and generate data") from error
    bench = Run(
        user=user,
        repeat=repeat,
        warmup=warmup,
        import_rows=import_rows,
        jobs=jobs,
        progress=progress,
    )
    started = time.perf_counter()
    bulk.refresh_statistics()  # indexes migrated in after the data was generated
    progress("Statistik des Abfrageplaners aufgefrischt")
    for part in (
        bench.lists,
        bench.records,
        bench.search,
        bench.reports,
        bench.exports,
        bench.importing,
        bench.background_jobs,
    ):
        part()
    visible = {spec.slug: spec.model.objects.restrict(user, Action.READ).count() for spec in LISTS}
    return {
        "database": connection.vendor,
        "size": size,
        "at": timezone.now().isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "database_cpu_counted": measure.database_cpu_counted(),
        },
        "user": username,
        "repeat": repeat,
        "rows": data_counts(),
        "visible": visible,
        "cases": bench.cases,
        "goals": bench.goals,
        "plans": bench.plans,
        **bench.extra,
    }
