"""A real SMTP server for the e-mail tests (aiosmtpd on a free local port)."""

import asyncio
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RecordingHandler:
    """Keeps every accepted message; refuses the first ``reject_next`` deliveries with 451.

    With ``delay`` it takes that many seconds before it answers, so a test can kill the sender
    while the message is on the wire; ``receiving`` is set as soon as a message arrives.
    """

    messages: list = field(default_factory=list)
    reject_next: int = 0
    delay: float = 0
    receiving: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        self.receiving.set()
        if self.delay:
            await asyncio.sleep(self.delay)
            if server.transport is None or server.transport.is_closing():
                return "421 Sender went away"  # never acknowledged, so never accepted
        with self.lock:
            if self.reject_next > 0:
                self.reject_next -= 1
                return "451 Requested action aborted: try again later"
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list:
        return self.handler.messages

    def reject(self, count: int) -> None:
        self.handler.reject_next = count

    def mailer(self) -> dict:
        """A MAILERS entry that sends here."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
        }

    def environ(self) -> dict[str, str]:
        """Environment for a separate process (the worker) to send here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
        }


# A worker in another process, against the test database and this SMTP server.


def database_url() -> str:
    """The test database as a URL, for a worker in another process."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    host = f"{config['HOST'] or 'localhost'}:{config['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{config['NAME']}"


def worker_environ(smtp_server, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        **smtp_server.environ(),
        "DJANGO_SETTINGS_MODULE": "wattwerk.settings.base",
        "DATABASE_URL": database_url(),
        "WATTWERK_VAR_DIR": str(tmp_path),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "OUTBOX_CLAIM_SECONDS": "2",
    }


WORKER = [sys.executable, "-m", "wattwerk.manage", "db_worker", "--queue-name", "*"]
WORKER += ["--no-startup-delay", "--interval", "0.1", "--no-reload"]


def run_worker(smtp_server, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = worker_environ(smtp_server, tmp_path)
    return subprocess.run(
        [*WORKER, *args], env=env, capture_output=True, text=True, timeout=120, check=True
    )


def kill_worker_mid_send(smtp_server, tmp_path: Path) -> None:
    """Start a worker, let it begin sending, and kill it on the wire (a power cut mid-send)."""
    smtp_server.handler.delay = 30
    worker = subprocess.Popen(
        WORKER,
        env=worker_environ(smtp_server, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert smtp_server.handler.receiving.wait(timeout=60), "the worker never started sending"
    finally:
        worker.send_signal(signal.SIGKILL)  # no goodbye
        worker.wait(timeout=30)


def recover_after_the_claims_expire(smtp_server, tmp_path: Path) -> None:
    """What happens after a dead worker: its claims run out (OUTBOX_CLAIM_SECONDS=2), the
    scheduler's sweep queues the e-mails again, and a new worker sends them."""
    smtp_server.handler.delay = 0
    time.sleep(2.5)
    scheduler = [sys.executable, "-m", "wattwerk.manage", "run_scheduler", "--once"]
    env = worker_environ(smtp_server, tmp_path)
    subprocess.run(scheduler, env=env, check=True, capture_output=True, timeout=60)
    run_worker(smtp_server, tmp_path, "--batch")
