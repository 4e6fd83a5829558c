"""The hook by which every app contributes demo data.

An app's ``demo.py`` calls :func:`register` with a loader ``loader(*, now)``; each loader must be
idempotent (``update_or_create``), because ``make demo`` runs it on every start.
"""

from collections.abc import Callable

DEMO_PASSWORD = "wattwerk-demo"

loaders: list[Callable] = []
logins: list[tuple[str, str, str]] = []


def register(loader: Callable) -> Callable:
    if loader not in loaders:
        loaders.append(loader)
    return loader


def add_login(username: str, description: str, password: str = DEMO_PASSWORD) -> None:
    if not any(entry[0] == username for entry in logins):
        logins.append((username, password, description))
