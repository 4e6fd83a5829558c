"""Timing, CPU, query and memory measurement for the benchmark suite.

CPU time is the benchmark process's own plus, on a local PostgreSQL, the CPU of the database
backend serving this connection (read from ``/proc``), so that a page's cost and the raw-SQL
reference's cost are compared including the work the database does for each.
"""

import math
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Timing:
    """Wall times of the repetitions (seconds) and the mean CPU time per call."""

    walls: list[float] = field(default_factory=list)
    cpu_mean: float = 0.0
    queries: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile."""
        ordered = sorted(self.walls)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    def as_dict(self) -> dict:
        return {
            "median_ms": round(self.median * 1000, 3),
            "p95_ms": round(self.p95 * 1000, 3),
            "cpu_ms": round(self.cpu_mean * 1000, 3),
            "queries": self.queries,
            "repeat": len(self.walls),
        }


def _backend_stat_path() -> Path | None:
    """``/proc/<pid>/stat`` of the PostgreSQL backend of this connection, when it runs here."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    path = Path(f"/proc/{pid}/stat")
    try:
        path.read_text()
    except OSError:
        return None
    return path


def _backend_cpu(path: Path | None) -> float:
    if path is None:
        return 0.0
    try:
        parts = path.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(parts[11]) + int(parts[12])) / CLOCK_TICKS  # utime + stime


def database_cpu_counted() -> bool:
    """Whether CPU times include the database server's (SQLite runs in the process anyway)."""
    return connection.vendor == "sqlite" or _backend_stat_path() is not None


def timed(call: Callable[[], object], *, repeat: int, warmup: int = 2) -> Timing:
    """Run ``call`` ``warmup`` times unmeasured, once counting queries, then ``repeat`` times."""
    for _ in range(warmup):
        call()
    with CaptureQueriesContext(connection) as captured:
        call()
    timing = Timing(queries=len(captured.captured_queries))
    stat = _backend_stat_path()
    cpu_started, db_started = time.process_time(), _backend_cpu(stat)
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timing.walls.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu_started + _backend_cpu(stat) - db_started
    timing.cpu_mean = cpu / repeat
    return timing


def count_queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


class StatementRecorder:
    """Records the SQL and parameters a call sends, exactly as sent (for the raw replay)."""

    def __init__(self):
        self.statements: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        if not many:
            self.statements.append((sql, params))
        return execute(sql, params, many, context)


def recorded(call: Callable[[], object]) -> list[tuple[str, object]]:
    recorder = StatementRecorder()
    with connection.execute_wrapper(recorder):
        call()
    return recorder.statements


def peak_memory(call: Callable[[], object]) -> tuple[object, int]:
    """What ``call`` returns and the peak of Python memory allocated during it (bytes)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        result = call()
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    return result, peak
