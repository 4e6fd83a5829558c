"""The timeline of a record: its history (changes and business events) and what other apps
contribute (activities), together, newest first, filterable by kind, paged by moment.

An app contributes through :func:`source` (entries about a record, at most ``limit``, before a
moment) and :func:`action` (a link such as "Neue Aktivität" above the timeline); the core does not
import it. Each source runs a fixed number of queries, so a page of the timeline does too.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import changelog
from .models import ObjectChange
from .querysets import field_rights

PAGE = 25
KINDS = {
    "changes": _("Änderungen"),
    "events": _("Ereignisse"),
    "activities": _("Aktivitäten"),
}


@dataclass
class Entry:
    moment: datetime
    kind: str  # one of KINDS
    template: str  # renders ``entry.item``
    item: object


Source = Callable[..., list[Entry]]
_sources: list[Source] = []
_actions: list[Callable] = []


def source(function: Source) -> Source:
    """``@timeline.source``: fn(instance, user, *, kinds, before, limit) → [Entry]."""
    if function not in _sources:
        _sources.append(function)
    return function


def action(function: Callable) -> Callable:
    """``@timeline.action``: fn(instance, user) → (label, url) or None."""
    if function not in _actions:
        _actions.append(function)
    return function


def _history(instance, user, *, kinds, before, limit) -> list[Entry]:
    wanted = []
    if "changes" in kinds:
        wanted.append(False)
    if "events" in kinds:
        wanted.append(True)
    if not wanted:
        return []
    entries = changelog.history_for(instance)
    if len(wanted) == 1:
        events = models.Q(kind=ObjectChange.Kind.EVENT)
        entries = entries.filter(events if wanted[0] else ~events)
    if before is not None:
        entries = entries.filter(changed_at__lt=before)
    hidden = field_rights(user, type(instance)).hidden
    found = []
    for entry in entries.order_by("-changed_at", "-pk")[:limit]:
        entry.rows = changelog.change_rows(type(instance), entry, hidden=hidden)
        kind = "events" if entry.is_event else "changes"
        found.append(Entry(entry.changed_at, kind, "core/_history_entry.html", entry))
    return found


def entries(
    instance, user, *, kinds: set[str], before: datetime | None = None, limit: int = PAGE
) -> list[Entry]:
    """Up to ``limit`` entries of the kinds asked for, newest first, before ``before``."""
    found = _history(instance, user, kinds=kinds, before=before, limit=limit)
    for contribute in _sources:
        found += contribute(instance, user, kinds=kinds, before=before, limit=limit)
    found.sort(key=lambda entry: entry.moment, reverse=True)
    return found[:limit]


def actions(instance, user) -> list[tuple[str, str]]:
    return [found for offer in _actions if (found := offer(instance, user)) is not None]
