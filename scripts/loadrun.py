"""A bounded load run against a production-like server on 127.0.0.1.

gunicorn with several workers (production settings) on the PostgreSQL that ``DATABASE_URL``
names, which must hold generated data (``wattwerk generate --size S``). A Vertrieb user works
through a mix of list page, htmx partial, record page, edit (API PATCH) and search (by name and by
MaLo-ID) at a fixed offered rate — open loop: request *i* is due at *i*/rate seconds, and its
latency counts from that moment, so a slow server is not excused by a client that waits for it.

Prints p50/p95/p99 per kind and overall, the errors, and whether the target holds (p95 ≤ 300 ms,
no errors); ``--out`` also writes JSON and a Markdown table.
"""

import argparse
import http.client
import json
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from servers import Processes, free_port, production_env, wait_for, wattwerk

USER = "vertrieb"
PASSWORD = "wattwerk-demo"  # wattwerk.core.demo.DEMO_PASSWORD
TARGET_P95_MS = 300
MIX = {  # kind: share of requests
    "Liste": 0.2,
    "Liste (htmx)": 0.2,
    "Datensatz": 0.25,
    "Bearbeiten (API)": 0.1,
    "Suche Name": 0.15,
    "Suche MaLo-ID": 0.1,
}


class Client:
    """One keep-alive connection per thread, logged in with the session and an API token."""

    def __init__(self, port: int, cookies: str, token: str):
        self.port, self.cookies, self.token = port, cookies, token
        self.local = threading.local()

    def request(self, method: str, path: str, body: dict | None = None, htmx: bool = False):
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=30
            )
        headers = {"Cookie": self.cookies}
        if path.startswith("/api/"):
            headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        if htmx:
            headers |= {"HX-Request": "true", "HX-Target": "results"}
        try:
            connection.request(method, path, json.dumps(body) if body else None, headers)
            response = connection.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            self.local.connection = None
            connection.close()
            return 599


def log_in(port: int) -> str:
    """The session cookie of the Vertrieb user, through the login form."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login/")
    response = connection.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    connection.request(
        "POST",
        "/login/",
        form,
        {
            "Cookie": f"csrftoken={csrf_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = connection.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 302 or not session:
        raise SystemExit(f"Anmeldung als {USER} fehlgeschlagen ({response.status}).")
    return f"csrftoken={csrf_cookie}; sessionid={session.group(1)}"


def sample(client: Client) -> dict:
    """Accounts the user may read, with a name to search and a MaLo-ID of each."""
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=60)
    headers = {"Authorization": f"Token {client.token}"}
    connection.request("GET", "/api/v1/accounts/?limit=200&ordering=-name", headers=headers)
    accounts = json.loads(connection.getresponse().read())["results"]
    connection.request("GET", "/api/v1/delivery-points/?limit=200", headers=headers)
    points = json.loads(connection.getresponse().read())["results"]
    return {
        "accounts": [account["id"] for account in accounts],
        "names": [account["name"].split()[0] for account in accounts],
        "malo_ids": [point["malo_id"] for point in points if point.get("malo_id")],
    }


def request_for(kind: str, data: dict, rng: random.Random) -> tuple:
    account = rng.choice(data["accounts"])
    name = urllib.parse.quote(rng.choice(data["names"]))
    return {
        "Liste": ("GET", f"/accounts/?q={name}&sort=-name", None, False),
        "Liste (htmx)": ("GET", f"/accounts/?q={name}&sort=city", None, True),
        "Datensatz": ("GET", f"/accounts/{account}/", None, False),
        "Bearbeiten (API)": (
            "PATCH",
            f"/api/v1/accounts/{account}/",
            {"phone": f"030 {rng.randrange(1000000, 9999999)}"},
            False,
        ),
        "Suche Name": ("GET", f"/search/?q={name}", None, False),
        "Suche MaLo-ID": ("GET", f"/search/?q={rng.choice(data['malo_ids'])}", None, False),
    }[kind]


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def run(client: Client, data: dict, rate: float, seconds: float, seed: int) -> list[dict]:
    rng = random.Random(seed)
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=int(rate * seconds))
    plan = [(index / rate, kind, request_for(kind, data, rng)) for index, kind in enumerate(kinds)]
    results: list[dict] = []
    start = time.monotonic()

    def fire(due: float, kind: str, call: tuple) -> None:
        status = client.request(*call)
        done = time.monotonic() - start
        results.append({"kind": kind, "status": status, "ms": (done - due) * 1000, "done": done})

    with ThreadPoolExecutor(max_workers=64) as pool:
        for due, kind, call in plan:
            pause = start + due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            pool.submit(fire, due, kind, call)
    return results


def summary(results: list[dict], rate: float, seconds: float, workers: int) -> dict:
    rows = {}
    for kind in [*MIX, "Alle"]:
        chosen = [r for r in results if kind in ("Alle", r["kind"])]
        times = sorted(r["ms"] for r in chosen)
        rows[kind] = {
            "requests": len(chosen),
            "errors": sum(1 for r in chosen if r["status"] >= 400),
            "p50_ms": round(percentile(times, 0.50), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "p99_ms": round(percentile(times, 0.99), 1),
        }
    overall = rows["Alle"]
    return {
        "rate_per_second": rate,
        "served_per_second": round(len(results) / max(r["done"] for r in results), 1),
        "seconds": seconds,
        "gunicorn_workers": workers,
        "rows": rows,
        "target": f"p95 ≤ {TARGET_P95_MS} ms, keine Fehler",
        "holds": overall["p95_ms"] <= TARGET_P95_MS and overall["errors"] == 0,
    }


def markdown(report: dict) -> str:
    lines = [
        f"Offered rate {report['rate_per_second']:g}/s for {report['seconds']:g} s, gunicorn with "
        f"{report['gunicorn_workers']} workers, PostgreSQL, user `{USER}`; served "
        f"{report['served_per_second']:g} requests/s on average.",
        "",
        "| Kind | Requests | Errors | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, row in report["rows"].items():
        lines.append(
            f"| {kind} | {row['requests']} | {row['errors']} | {row['p50_ms']} | "
            f"{row['p95_ms']} | {row['p99_ms']} |"
        )
    verdict = "holds" if report["holds"] else "does NOT hold"
    lines += ["", f"Target {report['target']}: **{verdict}**."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="writes OUT.json and OUT.md")
    options = parser.parse_args()

    env = production_env()
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL muss eine PostgreSQL-Datenbank mit erzeugten Daten nennen.")
    wattwerk("collectstatic", "--noinput", env=env)
    token = wattwerk("create_api_token", USER, env=env)
    processes = Processes(env)
    port = free_port()
    try:
        processes.app_server("app", port, workers=options.workers)
        wait_for(f"http://127.0.0.1:{port}/health/")
        client = Client(port, log_in(port), token)
        data = sample(client)
        run(client, data, options.rate, min(options.seconds, 5), options.seed + 1)  # warm-up
        results = run(client, data, options.rate, options.seconds, options.seed)
    finally:
        processes.stop()
    report = summary(results, options.rate, options.seconds, options.workers)
    print(markdown(report))
    if options.out:
        options.out.parent.mkdir(parents=True, exist_ok=True)
        options.out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
        options.out.with_suffix(".md").write_text(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
