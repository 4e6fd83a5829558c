"""The history is one hash chain: append-only, and whatever changes it behind the application's
back is found by ``wattwerk verify_history``."""

import json
import threading
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from wattwerk.access.tests.factories import DepartmentFactory, UserFactory
from wattwerk.core import changelog, history, operations
from wattwerk.core.history import Finding, Problem
from wattwerk.core.models import HistoryChainHead, ObjectChange, UnableToChangeHistory
from wattwerk.core.testing import history as history_of
from wattwerk.core.tests.sample.models import Note

NOTE_RIGHTS = ("sample.view_note", "sample.add_note", "sample.change_note", "sample.delete_note")
ENTRIES = ObjectChange._meta.db_table
HEAD = HistoryChainHead._meta.db_table


@pytest.fixture
def seller(make_user):
    return make_user(*NOTE_RIGHTS, department=DepartmentFactory(name="Vertrieb"))


def head() -> HistoryChainHead:
    return HistoryChainHead.objects.get()


def last_sequence() -> int:
    found = HistoryChainHead.objects.first()  # none yet after a transactional test's flush
    return found.last_sequence if found else 0


def entry_at(sequence: int) -> ObjectChange:
    return ObjectChange.objects.get(sequence=sequence)


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def write_notes(user, now, count: int) -> list[Note]:
    return [
        operations.create_record(instance=Note(title=f"Notiz {n}"), acting_user=user, now=now)
        for n in range(count)
    ]


def verify_command() -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("verify_history", stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


# --- Appending ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_update_delete_append_to_one_chain_in_order(seller, now):
    # given
    start = last_sequence()
    note = operations.create_record(instance=Note(title="Zählerstand"), acting_user=seller, now=now)

    # when
    note.amount = Decimal("1500.25")
    operations.update_record(instance=note, acting_user=seller, now=now + timedelta(minutes=1))
    operations.delete_record(instance=note, acting_user=seller, now=now + timedelta(minutes=2))

    # then
    entries = list(ObjectChange.objects.filter(sequence__gt=start).order_by("sequence"))
    assert [(e.sequence, e.kind) for e in entries] == [
        (start + 1, ObjectChange.Kind.CREATE),
        (start + 2, ObjectChange.Kind.UPDATE),
        (start + 3, ObjectChange.Kind.DELETE),
    ]
    previous_hash = entry_at(start).entry_hash if start else history.GENESIS_HASH
    for entry in entries:
        values = {name: getattr(entry, name) for name in history.CONTENT_FIELDS}
        content = history.entry_content(values, "sample.note")
        assert entry.entry_hash == history.entry_hash(previous_hash, content)
        previous_hash = entry.entry_hash
    assert (head().last_sequence, head().last_hash) == (start + 3, entries[-1].entry_hash)
    assert entries[0].user == seller
    assert entries[0].department_name == "Vertrieb"


@pytest.mark.django_db
def test_the_checksums_need_the_secret_key_and_survive_its_rotation(seller, now, settings):
    # given
    write_notes(seller, now, 2)
    old_key, new_key = settings.SECRET_KEY, "ein-neuer-schluessel-" + "x" * 40
    last = head().last_sequence

    # when
    settings.SECRET_KEY = new_key
    without_old_key = history.verify_chain()
    settings.SECRET_KEY_FALLBACKS = [old_key]
    with_old_key_as_fallback = history.verify_chain()

    # then
    assert without_old_key.findings == [
        Finding(Problem.HEAD, message="Der Kettenkopf wurde verändert: sein Siegel passt nicht."),
        Finding(
            Problem.CHANGED,
            1,
            last,
            f"Einträge Nr. 1 bis {last} wurden verändert: ihre Prüfsummen passen nicht zu ihrem "
            "Inhalt.",
        ),
    ]
    assert with_old_key_as_fallback.intact


@pytest.mark.django_db
def test_a_rolled_back_transaction_leaves_no_gap(seller, now):
    # given
    start = last_sequence()

    def write_then_fail():
        with transaction.atomic():
            write_notes(seller, now, 1)
            raise RuntimeError("Abbruch")

    # when
    with pytest.raises(RuntimeError):
        write_then_fail()
    [note] = write_notes(seller, now, 1)

    # then
    assert history_of(note)[-1].sequence == start + 1
    assert history.verify_chain().intact


@pytest.mark.django_db
def test_an_entry_can_be_neither_changed_nor_deleted(seller, now):
    # given
    [note] = write_notes(seller, now, 1)
    entry = history_of(note)[-1]

    # when / then
    entry.object_repr = "Gefälscht"
    with pytest.raises(UnableToChangeHistory):
        entry.save()
    with pytest.raises(UnableToChangeHistory):
        entry.delete()
    with pytest.raises(UnableToChangeHistory):
        ObjectChange.objects.filter(pk=entry.pk).update(object_repr="Gefälscht")
    with pytest.raises(UnableToChangeHistory):
        ObjectChange.objects.filter(pk=entry.pk).delete()
    with pytest.raises(UnableToChangeHistory):
        head().delete()
    assert ObjectChange.objects.get(pk=entry.pk).object_repr == "Notiz 0"


@pytest.mark.django_db
def test_an_entry_is_written_only_through_the_chain(seller, now):
    # given
    [note] = write_notes(seller, now, 1)
    entry = history_of(note)[-1]

    # when / then
    with pytest.raises(UnableToChangeHistory):
        ObjectChange.objects.create(
            changed_at=now,
            content_type=entry.content_type,
            object_id=entry.object_id,
            object_repr="Nebenbei",
            kind=ObjectChange.Kind.UPDATE,
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_queue_up_at_the_head_and_do_not_fork_the_chain(now):
    # given: one writer has appended and keeps its transaction open
    note = Note.objects.create(title="Lastgang", owner=UserFactory())
    appended, release, second_done = threading.Event(), threading.Event(), threading.Event()
    sequences, errors = {}, []

    def first_writer():
        try:
            with transaction.atomic():
                sequences["first"] = changelog.log_event(
                    instance=note, event="call_logged", message="Anruf 1", acting_user=None, now=now
                ).sequence
                appended.set()
                release.wait(timeout=10)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
            appended.set()
        finally:
            connection.close()

    def second_writer():
        try:
            appended.wait(timeout=10)
            with transaction.atomic():
                sequences["second"] = changelog.log_event(
                    instance=note, event="call_logged", message="Anruf 2", acting_user=None, now=now
                ).sequence
            second_done.set()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_writer), threading.Thread(target=second_writer)]
    for thread in threads:
        thread.start()

    # when: a second writer appends meanwhile
    waited_for_first = not second_done.wait(timeout=0.5)
    release.set()
    for thread in threads:
        thread.join(timeout=30)

    # then: it waited for the first to commit and came right after it
    assert errors == []
    assert waited_for_first
    assert sequences["second"] == sequences["first"] + 1
    assert history.verify_chain().intact


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_writers_leave_one_unbroken_chain(now):
    # given
    note = Note.objects.create(title="Lastgang", owner=UserFactory())
    writers, appends_each = 4, 15
    start, start_together = last_sequence(), threading.Barrier(writers)
    errors = []

    def writer(number: int):
        try:
            start_together.wait(timeout=10)
            for n in range(appends_each):
                with transaction.atomic():
                    changelog.log_event(
                        instance=note,
                        event="call_logged",
                        message=f"Anruf {number}.{n}",
                        acting_user=None,
                        now=now,
                    )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then
    assert errors == []
    sequences = sorted(
        ObjectChange.objects.filter(sequence__gt=start).values_list("sequence", flat=True)
    )
    assert sequences == list(range(start + 1, start + writers * appends_each + 1))
    assert head().last_sequence == start + writers * appends_each
    assert history.verify_chain().intact


# --- Verifying ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_passes_on_an_untouched_history_after_thousands_of_changes(seller, now):
    # given: 3,000 changes: 100 records created, changed 2 times, 1,300 more changes and 1,300
    # events logged directly (values that PostgreSQL's jsonb gives back in other spellings among
    # them), and the 100 records deleted
    notes = write_notes(seller, now, 100)
    for round_ in range(2):
        for note in notes:
            note.amount = Decimal(round_ + 1) * Decimal("100.10")
            operations.update_record(instance=note, acting_user=seller, now=now)
    for n in range(13):
        for note in notes:
            changelog.log_change(
                instance=note,
                kind=ObjectChange.Kind.UPDATE,
                changes={"amount": {"old": 1e16, "new": 2.5e-7 * n}, "due_date": {"new": now}},
                acting_user=seller,
                now=now + timedelta(seconds=n),
            )
            changelog.log_event(
                instance=note,
                event="task_closed_automatically",
                message="Aufgabe automatisch erledigt",
                data={"amount": Decimal("12.30"), "reason": "Frist abgelaufen", "round": n},
                acting_user=None,
                now=now,
            )
    for note in notes:
        operations.delete_record(instance=note, acting_user=seller, now=now)
    total = ObjectChange.objects.count()
    assert total == 3000

    # when
    in_one_batch = history.verify_chain()
    in_small_batches = history.verify_chain(batch_size=7)
    output, error = verify_command()

    # then
    assert (in_one_batch.intact, in_one_batch.checked) == (True, total)
    assert (in_small_batches.intact, in_small_batches.checked) == (True, total)
    assert error is None
    assert output == f"Verlauf unverändert: {total} Einträge geprüft.\n"


@pytest.mark.django_db
def test_verify_reports_an_entry_changed_in_the_database(seller, now):
    # given
    write_notes(seller, now, 3)
    changed = head().last_sequence - 1
    forged = {"title": {"old": None, "new": "Ganz andere Notiz"}}

    # when
    sql(f"UPDATE {ENTRIES} SET changes = %s WHERE sequence = %s", json.dumps(forged), changed)

    # then
    message = (
        f"Eintrag Nr. {changed} wurde verändert: seine Prüfsumme passt nicht zu seinem Inhalt."
    )
    assert history.verify_chain().findings == [Finding(Problem.CHANGED, changed, changed, message)]
    output, error = verify_command()
    assert output == message + "\n"
    assert (
        str(error) == f"Verlauf verändert: 1 Befund bei {head().last_sequence} geprüften Einträgen."
    )
    assert error.returncode == 1


@pytest.mark.django_db
def test_verify_reports_consecutive_changed_entries_as_one_range(seller, now):
    # given
    write_notes(seller, now, 4)
    last = head().last_sequence

    # when
    sql(f"UPDATE {ENTRIES} SET user_name = %s WHERE sequence >= %s", "jemand", last - 2)

    # then
    assert history.verify_chain().findings == [
        Finding(
            Problem.CHANGED,
            last - 2,
            last,
            f"Einträge Nr. {last - 2} bis {last} wurden verändert: ihre Prüfsummen passen nicht "
            "zu ihrem Inhalt.",
        )
    ]


@pytest.mark.django_db
def test_verify_reports_an_entry_deleted_in_the_database(seller, now):
    # given
    write_notes(seller, now, 3)
    deleted = head().last_sequence - 1

    # when
    sql(f"DELETE FROM {ENTRIES} WHERE sequence = %s", deleted)

    # then
    assert history.verify_chain().findings == [
        Finding(
            Problem.DELETED,
            deleted,
            deleted,
            f"Eintrag Nr. {deleted} fehlt: er wurde gelöscht. Eintrag Nr. {deleted + 1} lässt "
            "sich daher nicht gegen seinen Vorgänger prüfen.",
        )
    ]


@pytest.mark.django_db
def test_verify_reports_entries_deleted_from_the_end(seller, now):
    # given
    write_notes(seller, now, 3)
    last = head().last_sequence

    # when
    sql(f"DELETE FROM {ENTRIES} WHERE sequence >= %s", last - 1)

    # then
    assert history.verify_chain().findings == [
        Finding(
            Problem.DELETED,
            last - 1,
            last,
            f"Einträge Nr. {last - 1} bis {last} fehlen: sie wurden gelöscht. Die Lücke liegt "
            f"am Ende des Verlaufs; der Kettenkopf steht bei Nr. {last}.",
        )
    ]


@pytest.mark.django_db
def test_verify_reports_a_head_wound_back_to_hide_deleted_entries(seller, now):
    # given
    write_notes(seller, now, 3)
    last = head().last_sequence
    sql(f"DELETE FROM {ENTRIES} WHERE sequence = %s", last)

    # when
    sql(
        f"UPDATE {HEAD} SET last_sequence = %s, last_hash = %s",
        last - 1,
        entry_at(last - 1).entry_hash,
    )

    # then
    assert history.verify_chain().findings == [
        Finding(Problem.HEAD, message="Der Kettenkopf wurde verändert: sein Siegel passt nicht.")
    ]


@pytest.mark.django_db
def test_verify_reports_an_entry_inserted_in_the_database(seller, now):
    # given
    [note] = write_notes(seller, now, 1)
    genuine = history_of(note)[-1]
    inserted = head().last_sequence + 1

    # when
    sql(
        f"INSERT INTO {ENTRIES} (sequence, entry_hash, changed_at, user_id, user_name, "
        "department_name, content_type_id, object_id, object_repr, kind, event, message, "
        "changes, data) VALUES (%s, %s, %s, NULL, %s, '', %s, %s, %s, 'update', '', '', %s, %s)",
        inserted,
        "f" * 64,
        now,
        "admin",
        genuine.content_type_id,
        genuine.object_id,
        genuine.object_repr,
        json.dumps({"amount": {"old": "1234.50", "new": "0.00"}}),
        "{}",
    )

    # then
    assert history.verify_chain().findings == [
        Finding(
            Problem.INSERTED,
            inserted,
            inserted,
            f"Eintrag Nr. {inserted} wurde eingefügt: er steht hinter dem Kettenkopf und gehört "
            "nicht zur Kette.",
        )
    ]


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite kann die Eindeutigkeit der Nummer nicht innerhalb einer Transaktion aufheben.",
)
def test_verify_reports_an_entry_inserted_under_a_number_taken(seller, now):
    # given: the unique number dropped (in this test's transaction only)
    with connection.cursor() as cursor:
        constraint = next(
            name
            for name, info in connection.introspection.get_constraints(cursor, ENTRIES).items()
            if info["unique"] and info["columns"] == ["sequence"]
        )
    sql(f'ALTER TABLE {ENTRIES} DROP CONSTRAINT "{constraint}"')
    write_notes(seller, now, 3)
    taken = head().last_sequence - 1

    # when
    sql(
        f"INSERT INTO {ENTRIES} (sequence, entry_hash, changed_at, user_id, user_name, "
        "department_name, content_type_id, object_id, object_repr, kind, event, message, "
        "changes, data) SELECT sequence, entry_hash, changed_at, user_id, user_name, "
        "department_name, content_type_id, object_id, 'Doppelt', kind, event, message, changes, "
        f"data FROM {ENTRIES} WHERE sequence = %s",
        taken,
    )

    # then
    copy = ObjectChange.objects.get(sequence=taken, object_repr="Doppelt")
    assert history.verify_chain().findings == [
        Finding(
            Problem.INSERTED,
            taken,
            taken,
            f"Eintrag Nr. {taken} ist doppelt vorhanden: der Eintrag mit der ID {copy.pk} wurde "
            "eingefügt.",
        )
    ]


@pytest.mark.django_db
def test_a_missing_head_is_reported_and_nothing_more_is_appended(seller, now):
    # given
    [note] = write_notes(seller, now, 1)

    # when
    sql(f"DELETE FROM {HEAD}")

    # then
    assert history.verify_chain().findings == [
        Finding(Problem.HEAD, message="Der Kettenkopf fehlt, obwohl es Einträge gibt.")
    ]
    with pytest.raises(history.HistoryChainBroken):
        changelog.log_event(
            instance=note, event="call_logged", message="Anruf", acting_user=seller, now=now
        )


@pytest.mark.django_db
def test_verify_accepts_entries_appended_while_it_runs(seller, now, monkeypatch):
    # given: a writer appends right after the verifier has read the head
    write_notes(seller, now, 2)
    all_rows = history._rows

    def rows_while_someone_writes(batch_size):
        write_notes(seller, now, 1)
        yield from all_rows(batch_size)

    monkeypatch.setattr(history, "_rows", rows_while_someone_writes)

    # when
    verification = history.verify_chain(batch_size=2)

    # then
    assert verification.intact
    assert verification.checked == ObjectChange.objects.count()


# --- Business events ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_business_event_shows_on_the_history_tab(client, seller, now):
    # given
    [note] = write_notes(seller, now, 1)

    # when
    changelog.log_event(
        instance=note,
        event="stage_entered",
        message="Phase „Angebot“ erreicht",
        data={"amount": "98765.40", "Phase": "Angebot"},
        acting_user=seller,
        now=now + timedelta(minutes=5),
    )

    # then
    client.force_login(seller)
    page = client.get(f"/notes/{note.pk}/history/").content.decode()
    assert 'Ereignis</strong>: <span class="history-message">Phase „Angebot“ erreicht' in page
    assert '<tr><td>Betrag</td><td class="history-value">98.765,40</td></tr>' in page
    assert '<tr><td>Phase</td><td class="history-value">Angebot</td></tr>' in page
    event = history_of(note)[-1]
    assert (event.kind, event.event, event.user) == (
        ObjectChange.Kind.EVENT,
        "stage_entered",
        seller,
    )
    assert history.verify_chain().intact


@pytest.mark.django_db
def test_an_event_needs_a_code(seller, now):
    [note] = write_notes(seller, now, 1)
    with pytest.raises(ValueError, match="Ereignis-Code"):
        changelog.log_event(
            instance=note, event="Phase erreicht", message="…", acting_user=seller, now=now
        )


# --- Administration ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_shows_the_history_read_only(client, seller, now):
    # given
    [note] = write_notes(seller, now, 1)
    entry = history_of(note)[-1]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    base = f"/admin/core/objectchange/{entry.pk}"

    # when
    listed = client.get("/admin/core/objectchange/")
    shown = client.get(f"{base}/change/")
    posted = client.post(f"{base}/change/", {"object_repr": "Gefälscht"})
    deleted = client.post(f"{base}/delete/", {"post": "yes"})
    added = client.get("/admin/core/objectchange/add/")

    # then
    assert (listed.status_code, shown.status_code) == (200, 200)
    assert (posted.status_code, deleted.status_code, added.status_code) == (403, 403, 403)
    assert ObjectChange.objects.get(pk=entry.pk).object_repr == "Notiz 0"
