"""The history's hash chain: how entries are appended, and how the chain is verified.

Every entry of the history (:class:`~wattwerk.core.models.ObjectChange`) carries the next number
of one chain over the whole history and a checksum: an HMAC-SHA256 over its predecessor's checksum
and a canonical serialisation of its own content. The key is derived from ``SECRET_KEY``, so
someone with access to the database alone can change rows but cannot compute checksums that fit.

Appending locks the single :class:`~wattwerk.core.models.HistoryChainHead` row inside the
caller's transaction: concurrent writers queue up there, so the chain cannot fork, and a rolled
back transaction takes its number back with it, so no gap appears. (On SQLite, the IMMEDIATE
transactions already allow one writer at a time.) The head carries its own seal, so winding it
back to hide entries deleted from the end is noticed too.

:func:`verify_chain` walks the chain in batches and reports entries changed, deleted or inserted
behind the application's back; ``wattwerk verify_history`` prints its result.
"""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import bulk
from .models import HistoryChainHead, ObjectChange

# Changing either invalidates every checksum written so far: a new format needs a new salt and a
# verifier that knows from which number on it applies.
ENTRY_KEY_SALT = "wattwerk.core.history.entry.v1"
HEAD_KEY_SALT = "wattwerk.core.history.head.v1"
GENESIS_HASH = ""  # the "previous checksum" of entry no. 1

# The columns an entry's checksum covers, besides the content type (as app_label.model).
CONTENT_FIELDS = (
    "sequence",
    "changed_at",
    "user_id",
    "user_name",
    "department_name",
    "content_type_id",
    "object_id",
    "object_repr",
    "kind",
    "event",
    "message",
    "changes",
    "data",
)


class HistoryChainBroken(Exception):
    """The chain's head is missing although the history has entries: nothing can be appended."""


# --- Checksums ---------------------------------------------------------------------------------


# Values _canonical gives back unchanged, checked before calling it: an entry holds dozens.
_AS_IT_IS = frozenset({str, int, bool, type(None)})


def _canonical(value: Any) -> Any:
    # PostgreSQL's jsonb gives 1e16 back as 10000000000000000: integral floats become ints, so
    # a value hashes alike before and after its round trip through the database.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {
            str(key): item if type(item) in _AS_IT_IS else _canonical(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [item if type(item) in _AS_IT_IS else _canonical(item) for item in value]
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(
        _canonical(value),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )


def as_stored(value: Any) -> Any:
    """A JSON value as the database gives it back (dates and decimals as strings)."""
    if value == {}:  # most events' data
        return {}
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def entry_content(values: Mapping[str, Any], content_type_label: str) -> str:
    """An entry's content, serialised the same way however it is read (model, values(), …)."""
    changed_at: datetime = values["changed_at"]
    user_id = values["user_id"]
    return canonical_json(
        {
            "sequence": values["sequence"],
            "changed_at": changed_at.astimezone(UTC).isoformat(),
            "user": None if user_id is None else str(user_id),
            "user_name": values["user_name"],
            "department_name": values["department_name"],
            "content_type": content_type_label,
            "object_id": values["object_id"],
            "object_repr": values["object_repr"],
            "kind": values["kind"],
            "event": values["event"],
            "message": values["message"],
            "changes": values["changes"],
            "data": values["data"],
        }
    )


def entry_hash(previous_hash: str, content: str, *, secret: str | bytes | None = None) -> str:
    return salted_hmac(
        ENTRY_KEY_SALT, f"{previous_hash}\n{content}", secret, algorithm="sha256"
    ).hexdigest()


def head_seal(last_sequence: int, last_hash: str, *, secret: str | bytes | None = None) -> str:
    return salted_hmac(
        HEAD_KEY_SALT, f"{last_sequence}\n{last_hash}", secret, algorithm="sha256"
    ).hexdigest()


def _secrets() -> list[str | bytes]:
    # Checksums written before a key rotation still verify while the old key is a fallback.
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _entry_fits(stored_hash: str, previous_hash: str, content: str) -> bool:
    return any(
        constant_time_compare(stored_hash, entry_hash(previous_hash, content, secret=secret))
        for secret in _secrets()
    )


def _head_fits(head: HistoryChainHead) -> bool:
    return any(
        constant_time_compare(
            head.seal, head_seal(head.last_sequence, head.last_hash, secret=secret)
        )
        for secret in _secrets()
    )


def _content_type_label(content_type_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)  # cached after the first
    return f"{content_type.app_label}.{content_type.model}"


# --- Appending ---------------------------------------------------------------------------------


def _locked_head() -> HistoryChainHead:
    locked = HistoryChainHead.objects.select_for_update().filter(pk=HistoryChainHead.SINGLETON_PK)
    head = locked.first()
    if head is not None:
        return head
    # A new (or flushed) database: the head starts at the genesis. Of writers racing here, one
    # inserts the row; the others wait for it to commit and then queue up on it.
    head, created = HistoryChainHead.objects.get_or_create(
        pk=HistoryChainHead.SINGLETON_PK, defaults={"seal": head_seal(0, GENESIS_HASH)}
    )
    if not created:
        return locked.get()
    if ObjectChange.objects.exists():  # no one appends without the head: these came before it
        raise HistoryChainBroken(
            _(
                "Der Kettenkopf des Verlaufs fehlt, obwohl es Einträge gibt; es kann nichts "
                "gespeichert werden. Bitte „wattwerk verify_history“ ausführen."
            )
        )
    return head


def append(entry: ObjectChange) -> ObjectChange:
    """Number, checksum and save a new history entry at the end of the chain.

    Runs inside the caller's transaction and holds the chain's head locked until it ends: keep
    the append the last write of an operation, so the history queues no one for long.
    """
    if timezone.is_naive(entry.changed_at):
        entry.changed_at = timezone.make_aware(entry.changed_at)
    entry.changes = as_stored(entry.changes)
    entry.data = as_stored(entry.data)
    with transaction.atomic(savepoint=False):  # a failure here fails the caller's write
        head = _locked_head()
        entry.sequence = head.last_sequence + 1
        values = {name: getattr(entry, name) for name in CONTENT_FIELDS}
        content = entry_content(values, _content_type_label(entry.content_type_id))
        entry.entry_hash = entry_hash(head.last_hash, content)
        entry.save(force_insert=True)
        head.last_sequence, head.last_hash = entry.sequence, entry.entry_hash
        head.seal = head_seal(head.last_sequence, head.last_hash)
        head.save(update_fields=["last_sequence", "last_hash", "seal"])
    return entry


def append_many(entries: list[ObjectChange], batch_size: int = 1000) -> None:
    """Append many entries at once (an import): one lock of the head, inserts in batches."""
    if not entries:
        return
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        sequence, previous = head.last_sequence, head.last_hash
        for entry in entries:
            if timezone.is_naive(entry.changed_at):
                entry.changed_at = timezone.make_aware(entry.changed_at)
            entry.changes = as_stored(entry.changes)
            entry.data = as_stored(entry.data)
            sequence += 1
            entry.sequence = sequence
            values = {name: getattr(entry, name) for name in CONTENT_FIELDS}
            content = entry_content(values, _content_type_label(entry.content_type_id))
            entry.entry_hash = previous = entry_hash(previous, content)
        bulk.insert(ObjectChange, entries, batch=batch_size)
        head.last_sequence, head.last_hash = sequence, previous
        head.seal = head_seal(head.last_sequence, head.last_hash)
        head.save(update_fields=["last_sequence", "last_hash", "seal"])


# --- Verifying ---------------------------------------------------------------------------------


class Problem(StrEnum):
    CHANGED = "changed"
    DELETED = "deleted"
    INSERTED = "inserted"
    HEAD = "head"


@dataclass(frozen=True)
class Finding:
    """Something the verifier found: entries ``first``–``last`` (by number) changed, deleted or
    inserted, or a problem with the chain's head."""

    problem: Problem
    first: int | None = None
    last: int | None = None
    message: str = ""


def _numbers(first: int, last: int) -> dict[str, int]:
    return {"first": first, "last": last}


def _changed(first: int, last: int) -> str:
    if first == last:
        return _(
            "Eintrag Nr. %(first)s wurde verändert: seine Prüfsumme passt nicht zu seinem Inhalt."
        ) % _numbers(first, last)
    return _(
        "Einträge Nr. %(first)s bis %(last)s wurden verändert: ihre Prüfsummen passen nicht zu "
        "ihrem Inhalt."
    ) % _numbers(first, last)


def _deleted(first: int, last: int, following: int | None, head: int | None) -> str:
    if first == last:
        text = _("Eintrag Nr. %(first)s fehlt: er wurde gelöscht.") % _numbers(first, last)
    else:
        text = _("Einträge Nr. %(first)s bis %(last)s fehlen: sie wurden gelöscht.") % _numbers(
            first, last
        )
    if following is None:
        note = _("Die Lücke liegt am Ende des Verlaufs; der Kettenkopf steht bei Nr. %(head)s.")
        return f"{text} {note % {'head': head}}"
    note = _("Eintrag Nr. %(following)s lässt sich daher nicht gegen seinen Vorgänger prüfen.")
    return f"{text} {note % {'following': following}}"


def _inserted(first: int, last: int) -> str:
    if first == last:
        return _(
            "Eintrag Nr. %(first)s wurde eingefügt: er steht hinter dem Kettenkopf und gehört "
            "nicht zur Kette."
        ) % _numbers(first, last)
    return _(
        "Einträge Nr. %(first)s bis %(last)s wurden eingefügt: sie stehen hinter dem Kettenkopf "
        "und gehören nicht zur Kette."
    ) % _numbers(first, last)


def _duplicate(sequence: int, pk: Any) -> str:
    return _(
        "Eintrag Nr. %(sequence)s ist doppelt vorhanden: der Eintrag mit der ID %(pk)s wurde "
        "eingefügt."
    ) % {"sequence": sequence, "pk": pk}


@dataclass
class Verification:
    """The result of walking the chain: how many entries were checked, and what was found."""

    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    # Findings beyond the first ``max_findings`` are only counted, to keep memory bounded.
    findings_left_out: int = 0

    @property
    def intact(self) -> bool:
        return not self.findings

    @property
    def summary(self) -> str:
        if self.intact:
            return ngettext(
                "Verlauf unverändert: %(count)s Eintrag geprüft.",
                "Verlauf unverändert: %(count)s Einträge geprüft.",
                self.checked,
            ) % {"count": self.checked}
        found = len(self.findings) + self.findings_left_out
        return ngettext(
            "Verlauf verändert: %(found)s Befund bei %(count)s geprüften Einträgen.",
            "Verlauf verändert: %(found)s Befunde bei %(count)s geprüften Einträgen.",
            found,
        ) % {"found": found, "count": self.checked}


class _Report:
    """Collects findings, joining runs of consecutive changed or inserted entries into one."""

    def __init__(self, verification: Verification, max_findings: int):
        self.verification = verification
        self.max_findings = max_findings
        self.run: tuple[Problem, int, int] | None = None

    def add(self, finding: Finding) -> None:
        self.flush()
        if len(self.verification.findings) < self.max_findings:
            self.verification.findings.append(finding)
        else:
            self.verification.findings_left_out += 1

    def entry(self, problem: Problem, sequence: int) -> None:
        if self.run and self.run[0] == problem and self.run[2] + 1 == sequence:
            self.run = (problem, self.run[1], sequence)
            return
        self.flush()
        self.run = (problem, sequence, sequence)

    def flush(self) -> None:
        if self.run is None:
            return
        problem, first, last = self.run
        self.run = None
        message = _changed(first, last) if problem == Problem.CHANGED else _inserted(first, last)
        self.add(Finding(problem, first, last, message))


_VALUE_FIELDS = ("pk", "entry_hash", *CONTENT_FIELDS)


def _rows(batch_size: int) -> Iterator[dict[str, Any]]:
    """All entries by number (then id, should a number occur twice), one batch in memory."""
    last_sequence, last_pk = 0, 0
    while True:
        batch = list(
            ObjectChange.objects.filter(sequence__gte=last_sequence)
            .exclude(sequence=last_sequence, pk__lte=last_pk)
            .order_by("sequence", "pk")
            .values(*_VALUE_FIELDS)[:batch_size]
        )
        yield from batch
        if len(batch) < batch_size:
            return
        last_sequence, last_pk = batch[-1]["sequence"], batch[-1]["pk"]


def verify_chain(*, batch_size: int = 2000, max_findings: int = 1000) -> Verification:
    """Recompute every checksum of the history and report what does not fit.

    Reports entries changed (checksum does not match the content), deleted (a gap in the numbers,
    or entries missing before the head) and inserted (behind the head without a fitting checksum,
    or a number that occurs twice), and a head that is missing or was changed. Safe to run while
    entries are being appended: the head is read first, and an entry behind it counts as
    appended meanwhile if its checksum fits.
    """
    verification = Verification()
    report = _Report(verification, max_findings)
    head = HistoryChainHead.objects.filter(pk=HistoryChainHead.SINGLETON_PK).first()
    if head is not None and not _head_fits(head):
        report.add(
            Finding(
                Problem.HEAD, message=_("Der Kettenkopf wurde verändert: sein Siegel passt nicht.")
            )
        )

    previous_hash, before_previous_hash = GENESIS_HASH, GENESIS_HASH
    expected, hash_at_head = 1, None
    for row in _rows(batch_size):
        verification.checked += 1
        sequence = row["sequence"]
        content = entry_content(row, _content_type_label(row["content_type_id"]))
        if sequence < expected:  # the same number again
            report.add(
                Finding(Problem.INSERTED, sequence, sequence, _duplicate(sequence, row["pk"]))
            )
            if _entry_fits(row["entry_hash"], before_previous_hash, content):
                previous_hash = row["entry_hash"]  # this is the genuine one, go on from here
            continue
        after_gap = sequence > expected
        behind_head = head is not None and sequence > head.last_sequence
        if after_gap:
            # Numbers behind the head were never handed out: a gap there is no deletion.
            last_missing = sequence - 1 if head is None else min(sequence - 1, head.last_sequence)
            if expected <= last_missing:
                message = _deleted(expected, last_missing, sequence, None)
                report.add(Finding(Problem.DELETED, expected, last_missing, message))
        if behind_head:
            if after_gap or not _entry_fits(row["entry_hash"], previous_hash, content):
                report.entry(Problem.INSERTED, sequence)
        elif not after_gap and not _entry_fits(row["entry_hash"], previous_hash, content):
            report.entry(Problem.CHANGED, sequence)
        before_previous_hash, previous_hash = previous_hash, row["entry_hash"]
        expected = sequence + 1
        if head is not None and sequence == head.last_sequence:
            hash_at_head = row["entry_hash"]
    report.flush()

    if head is None:
        if verification.checked:
            report.add(
                Finding(Problem.HEAD, message=_("Der Kettenkopf fehlt, obwohl es Einträge gibt."))
            )
    elif expected - 1 < head.last_sequence:
        first, last = expected, head.last_sequence
        message = _deleted(first, last, None, head.last_sequence)
        report.add(Finding(Problem.DELETED, first, last, message))
    elif head.last_sequence and hash_at_head != head.last_hash:
        report.add(
            Finding(
                Problem.HEAD,
                head.last_sequence,
                head.last_sequence,
                _(
                    "Der Kettenkopf passt nicht zu Eintrag Nr. %(sequence)s: dieser Eintrag "
                    "wurde ersetzt, oder der Kettenkopf wurde verändert."
                )
                % {"sequence": head.last_sequence},
            )
        )
    return verification
