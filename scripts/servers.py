"""Production-like processes on 127.0.0.1 for the scale-out proof and the load run: gunicorn app
servers, task workers, the scheduler — each in a session of its own, with its log in a file."""

import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**extra: str) -> dict:
    """The production settings on plain HTTP at 127.0.0.1, with a scratch var directory."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wattwerk.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "WATTWERK_VAR_DIR": tempfile.mkdtemp(prefix="wattwerk-"),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def wattwerk(*args: str, env: dict) -> str:
    done = subprocess.run(
        [str(BIN / "wattwerk"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"wattwerk {' '.join(args)}:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip()


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} antwortet nicht.")


class Processes:
    """Started processes by name; :meth:`stop` ends them all (SIGTERM, then SIGKILL)."""

    def __init__(self, env: dict):
        self.env = env
        self.logs = Path(env["WATTWERK_VAR_DIR"])
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *command: str) -> subprocess.Popen:
        with open(self.logs / f"{name}.log", "w") as log:
            self.running[name] = subprocess.Popen(
                command,
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self.running[name]

    def app_server(self, name: str, port: int, workers: int) -> None:
        self.start(
            name, str(BIN / "gunicorn"), "wattwerk.wsgi:application", "--workers", str(workers),
            "--bind", f"127.0.0.1:{port}", "--access-logfile", "-",
        )  # fmt: skip

    def stop(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def tails(self, lines: int = 30) -> str:
        return "\n".join(
            f"--- {name} (Ende) ---\n"
            + "\n".join((self.logs / f"{name}.log").read_text().splitlines()[-lines:])
            for name in self.running
        )
