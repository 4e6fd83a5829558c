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
from .querysets import hidden_in_history

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
    key: str = ""  # unique in the timeline, e.g. "h42" (history entry 42), "a17" (activity 17)


def seen_ids(seen: set[str], prefix: str) -> list[int]:
    """The ids of one source's entries already shown at the paging boundary."""
    return [int(key[len(prefix) :]) for key in seen if key.startswith(prefix)]


Source = Callable[..., list[Entry]]
_sources: list[Source] = []
_actions: list[Callable] = []


def source(function: Source) -> Source:
    """``@timeline.source``: fn(instance, user, *, kinds, before, seen, limit) → [Entry]: entries
    at or before ``before`` (all when None), except the ``seen`` ones (keys), newest first."""
    if function not in _sources:
        _sources.append(function)
    return function


def action(function: Callable) -> Callable:
    """``@timeline.action``: fn(instance, user) → (label, url) or None."""
    if function not in _actions:
        _actions.append(function)
    return function


def _history(instance, user, *, kinds, before, seen, limit) -> list[Entry]:
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
        entries = entries.filter(changed_at__lte=before).exclude(pk__in=seen_ids(seen, "h"))
    hidden = hidden_in_history(user, type(instance))
    found = []
    for entry in entries.order_by("-changed_at", "-pk")[:limit]:
        entry.rows = changelog.change_rows(type(instance), entry, hidden=hidden)
        kind = "events" if entry.is_event else "changes"
        template = "core/_history_entry.html"
        found.append(Entry(entry.changed_at, kind, template, entry, key=f"h{entry.pk}"))
    return found


def entries(
    instance,
    user,
    *,
    kinds: set[str],
    before: datetime | None = None,
    seen: frozenset[str] = frozenset(),
    limit: int = PAGE,
) -> list[Entry]:
    """Up to ``limit`` entries of the kinds asked for, newest first: at or before ``before``
    except the ``seen`` ones — the entries of the boundary moment already shown, so that
    entries sharing a moment are neither lost nor shown twice between pages."""
    options = {"kinds": kinds, "before": before, "seen": seen, "limit": limit}
    found = _history(instance, user, **options)
    for contribute in _sources:
        found += contribute(instance, user, **options)
    found.sort(key=lambda entry: (entry.moment, entry.key), reverse=True)
    return found[:limit]


def next_page(entries_shown: list[Entry], before: datetime | None, seen) -> tuple:
    """The cursor of the next page: (its moment, the keys already shown at that moment)."""
    last = entries_shown[-1].moment
    keys = {entry.key for entry in entries_shown if entry.moment == last}
    if before == last:  # the boundary moment spans more than one page
        keys |= set(seen)
    return last, frozenset(keys)


def actions(instance, user) -> list[tuple[str, str]]:
    return [found for offer in _actions if (found := offer(instance, user)) is not None]
