"""Scale-out, proven: two app servers and two task workers against one PostgreSQL and one Redis.

``.ci/run`` calls this with ``DATABASE_URL`` naming an empty PostgreSQL database. It starts

- two gunicorn app servers (production settings, two workers each) on 127.0.0.1,
- two task workers (``wattwerk worker``: RQ, the Redis-backed task backend) and the scheduler,
- a Redis server of its own and an SMTP server (aiosmtpd, in this process) that counts what it
  accepts,

sends a scripted API workload through both app servers (accounts created on one and changed on
the other with ``If-Match``, tasks for a department that takes its tasks by e-mail), and kills one
worker (with its work horse, as when a machine dies) while it is handing an e-mail to the
SMTP server. Then it checks that every write is present, every e-mail job ran once (the one that
was cut off twice: claimed, lost, swept), and every e-mail reached the SMTP server exactly once.

Exit status 0 when all holds; each check is printed.
"""

import asyncio
import json
import logging
import os
import secrets
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from servers import BIN, Processes, free_port, production_env, wait_for, wattwerk

ACCOUNTS = 40  # each with a change from the other app server and one task by e-mail
HELD = 8  # the e-mail (in order of arrival) during which a worker is killed
WAIT_SECONDS = 240


def start_redis(processes: Processes) -> str:
    """A Redis of this run's own (nothing kept on disk), so parallel runs share no queues."""
    import redis

    port = free_port()
    processes.start(
        "redis", "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no",
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            redis.Redis.from_url(url).ping()
            return url
        except redis.ConnectionError:
            time.sleep(0.2)
    raise SystemExit("redis-server antwortet nicht.")


class Mailbox:
    """The SMTP server's side: what it accepted, by Message-ID. The e-mail number ``HELD`` is kept
    waiting until :meth:`release` — a worker is killed meanwhile — and is accepted only if its
    sender is still connected then (a message is delivered when the server's 250 reaches it)."""

    def __init__(self, marker: str):
        self.marker = marker
        self.accepted: Counter[str] = Counter()
        self.arrived = 0
        self.held_peer: tuple | None = None
        self.held = threading.Event()
        self.released = threading.Event()
        self.dropped: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        if self.marker not in message["Subject"]:
            return "250 OK"  # the demo's own e-mails (reminders, warnings) are not counted
        message_id = str(message["Message-ID"])
        self.arrived += 1
        if self.arrived == HELD:
            self.held_peer = session.peer
            self.held.set()
            try:
                while not self.released.is_set():
                    await asyncio.sleep(0.05)
                await asyncio.sleep(1.0)  # let the event loop notice a closed connection
            except asyncio.CancelledError:  # aiosmtpd cancels the handler when the peer is gone
                self.dropped.append(message_id)
                raise
            if server.transport is None or server.transport.is_closing():
                self.dropped.append(message_id)
                return "451 Verbindung abgebrochen"
        self.accepted[message_id] += 1
        return "250 OK"

    def release(self):
        self.released.set()


def socket_owner(local_port: int, remote_port: int, candidates: list[int]) -> int | None:
    """The process (of ``candidates``) holding the TCP connection from ``local_port`` to
    ``remote_port`` on this machine."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = (int(fields[i].rsplit(":", 1)[1], 16) for i in (1, 2))
            if (local, remote) == (local_port, remote_port):
                inodes.add(fields[9])
    for pid in candidates:
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            return pid
    return None


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (RQ forks a work horse, in a process group of its own,
    for each job)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except OSError:
                continue
    found, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        found += frontier
    return found


class Api:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token
        self.served = 0

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Token {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                self.served += 1
                return response.status, dict(response.headers), json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise SystemExit(
                f"{method} {self.base}{path}: {error.code} {error.read().decode()[:500]}"
            ) from None


def workload(apps: list[Api], department_id: int, customer_type_id: int, run: str) -> dict:
    """One account per step on one app server, changed on the other, plus a task by e-mail."""

    def step(number: int) -> tuple[int, int]:
        first, second = apps[number % 2], apps[(number + 1) % 2]
        _, _, account = first.call(
            "POST",
            "/api/v1/accounts/",
            {
                "name": f"Skalierung {run} {number:03d}",
                "customer_type": customer_type_id,
                "postcode": "12345",
                "city": "Musterstadt",
            },
        )
        _, headers, _ = second.call("GET", f"/api/v1/accounts/{account['id']}/")
        second.call(
            "PATCH",
            f"/api/v1/accounts/{account['id']}/",
            {"city": f"Zweitstadt {number:03d}"},
            {"If-Match": headers["ETag"]},
        )
        _, _, activity = second.call(
            "POST",
            "/api/v1/activities/",
            {
                "kind": "task",
                "subject": f"Skalierung {run} Aufgabe {number:03d}",
                "start": "2026-12-01T09:00:00+01:00",
                "due": "2026-12-03T17:00:00+01:00",
                "priority": "normal",
                "assigned_department": department_id,
            },
        )
        first.call("GET", "/api/v1/accounts/?ordering=-name&limit=25")
        return account["id"], activity["id"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        steps = list(pool.map(step, range(ACCOUNTS)))
    return {"accounts": [a for a, _ in steps], "activities": [t for _, t in steps]}


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL muss eine (leere) PostgreSQL-Datenbank nennen.")
    run = secrets.token_hex(3)
    mailbox = Mailbox(marker=f"Skalierung {run}")
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = production_env(
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port), OUTBOX_CLAIM_SECONDS="10"
    )
    processes = Processes(env)
    wattwerk("migrate", "--noinput", env=env)
    wattwerk("load_demo", env=env)
    token = wattwerk("create_api_token", "admin", env=env)

    os.environ.update(env)
    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: every SMTP command
    from wattwerk.access.models import Department
    from wattwerk.activities.models import Activity
    from wattwerk.core.models import OutboxEmail
    from wattwerk.customers.models import Account, CustomerType

    department = Department.objects.get(code="abrechnung")
    assert department.tasks_by_email, "Die Abrechnung nimmt Aufgaben per E-Mail an (Demo)."
    ports = [free_port(), free_port()]
    try:
        env["REDIS_URL"] = start_redis(processes)  # read by the processes started after this
        print(f"PostgreSQL {env['DATABASE_URL']}, Redis {env['REDIS_URL']}, SMTP :{smtp.port}")
        for number, port in enumerate(ports, 1):
            processes.app_server(f"app{number}", port, workers=2)
        for number in (1, 2):
            processes.start(f"worker{number}", str(BIN / "wattwerk"), "worker")
        processes.start("scheduler", str(BIN / "wattwerk"), "run_scheduler", "--tick", "1")
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/health/")
        apps = [Api(f"http://127.0.0.1:{port}", token) for port in ports]
        killed: dict = {}

        def kill_the_sender():
            if not mailbox.held.wait(WAIT_SECONDS) or mailbox.held_peer is None:
                return
            for name in ("worker1", "worker2"):
                family = descendants(processes.running[name].pid)
                if socket_owner(mailbox.held_peer[1], smtp.port, family):
                    for pid in family:  # the worker and its work horse, as when a machine dies
                        os.kill(pid, signal.SIGKILL)
                    processes.running[name].wait()
                    killed["worker"] = name
                    break
            mailbox.release()

        killer = threading.Thread(target=kill_the_sender, daemon=True)
        killer.start()
        started = time.monotonic()
        written = workload(apps, department.pk, CustomerType.objects.first().pk, run)
        print(f"Arbeitslast: {len(written['accounts'])} Kunden, {len(written['activities'])} "
              f"Aufgaben in {time.monotonic() - started:.1f} s; "
              f"App 1 {apps[0].served}, App 2 {apps[1].served} Anfragen")  # fmt: skip
        killer.join(WAIT_SECONDS)

        emails = OutboxEmail.objects.filter(subject__contains=f"Skalierung {run}")
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if emails.count() == ACCOUNTS and not emails.exclude(status="sent").exists():
                break
            time.sleep(1)
        expected = {email.message_id: email for email in emails}

        checks = {
            "Beide App-Server haben Anfragen bedient": all(app.served > ACCOUNTS for app in apps),
            "Jeder angelegte Kunde ist da, mit der Änderung vom anderen App-Server": (
                Account.objects.filter(
                    pk__in=written["accounts"], city__startswith="Zweitstadt"
                ).count()
                == ACCOUNTS
            ),
            "Jede Aufgabe ist da, für die Abrechnung": (
                Activity.objects.filter(
                    pk__in=written["activities"], assigned_department=department
                ).count()
                == ACCOUNTS
            ),
            f"Ein Worker wurde mitten im Senden getötet ({killed.get('worker')})": (
                "worker" in killed and len(mailbox.dropped) == 1
            ),
            "Der andere Worker läuft weiter": all(
                processes.running[name].poll() is None
                for name in ("worker1", "worker2")
                if name != killed.get("worker")
            ),
            f"Jede Aufgabe hat ihre E-Mail, jede gesendet ({len(expected)})": (
                len(expected) == ACCOUNTS and all(e.status == "sent" for e in expected.values())
            ),
            "Jede E-Mail kam genau einmal beim SMTP-Server an": (
                set(mailbox.accepted) == set(expected)
                and all(count == 1 for count in mailbox.accepted.values())
            ),
            "Jeder E-Mail-Auftrag lief einmal; der abgebrochene wurde genau einmal nachgeholt": (
                len(mailbox.dropped) == 1
                and {mid: e.attempts for mid, e in expected.items()}
                == {mid: 2 if mid == mailbox.dropped[0] else 1 for mid in expected}
            ),
        }
    except BaseException:
        print(processes.tails())
        raise
    finally:
        mailbox.release()
        processes.stop()
        smtp.stop()

    for label, holds in checks.items():
        print(f"{'ok  ' if holds else 'FAIL'} {label}")
    if not all(checks.values()):
        print(processes.tails())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
