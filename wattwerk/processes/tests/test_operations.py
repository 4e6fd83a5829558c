"""Processes through the operations: a record starts on its segment's template, the gate
refuses with every unmet check at once, stage tasks are created on working days and close by
themselves when their data is entered, the history keeps every stay with its time of day."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from wattwerk.activities.models import Activity
from wattwerk.core import operations as core_operations
from wattwerk.core.testing import history
from wattwerk.processes import operations, queries
from wattwerk.processes.models import ProcessInstance, StageVisit
from wattwerk.sales import operations as sales_operations
from wattwerk.sales.tests.factories import energy, service

from .helpers import (
    activate,
    contact_for,
    industrial_opportunity,
    new_lead,
    on_working_days,
    place_at,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 11, 23, 9, 30, tzinfo=BERLIN)


@pytest.fixture
def industry():
    activate("verkaufschance-industrie", "verkaufschance-stadtwerk")


def stage_tasks(record, stage=None):
    instance = operations.instance_of(record)
    tasks = Activity.objects.filter(process_task__instance=instance)
    if stage:
        tasks = tasks.filter(process_task__visit__stage=stage)
    return tasks.order_by("pk")


def test_a_new_opportunity_starts_on_its_segments_template_with_its_tasks(industry):
    opportunity = industrial_opportunity(now=MONDAY)
    instance = operations.instance_of(opportunity)
    assert instance.template.key == "verkaufschance-industrie"
    assert instance.stage == "bedarfsanalyse"
    [visit] = instance.visits.all()
    assert visit.entered_at == MONDAY
    assert visit.entered_by == opportunity.owner
    tasks = stage_tasks(opportunity)
    assert [task.subject for task in tasks] == [
        "Bedarfsanalyse mit dem Kunden führen",
        "Ansprechpartner benennen",
    ]
    assert all(task.owner == opportunity.owner and task.status == "open" for task in tasks)
    # Due in 5 and 2 working days: Monday 23 Nov → Monday 30 Nov and Wednesday 25 Nov, 17:00.
    assert [task.due.astimezone(BERLIN) for task in tasks] == [
        datetime(2026, 11, 30, 17, tzinfo=BERLIN),
        datetime(2026, 11, 25, 17, tzinfo=BERLIN),
    ]
    events = [entry.message for entry in history(opportunity) if entry.event]
    assert events == ["Prozess „Verkaufschance Industrie und Großkunden“ begonnen: Bedarfsanalyse"]


def test_without_an_active_template_nothing_starts():
    opportunity = industrial_opportunity(now=MONDAY)
    assert operations.instance_of(opportunity) is None


def test_the_gate_lists_every_unmet_check_and_advancing_works_once_they_are_met(industry):
    opportunity = industrial_opportunity(now=MONDAY)
    with pytest.raises(ValidationError) as refused:
        operations.advance_stage(record=opportunity, acting_user=opportunity.owner, now=MONDAY)
    assert refused.value.messages == [
        "„Ansprechpartner“ ist anzugeben.",
        "„erwarteter Abschluss“ ist anzugeben.",
        "Mindestens eine Zeile (Abnahmestelle oder Dienstleistung) erfassen.",
    ]
    assert operations.instance_of(opportunity).stage == "bedarfsanalyse"

    opportunity.contact = contact_for(opportunity)
    opportunity.expected_close = MONDAY.date() + timedelta(days=60)
    core_operations.update_record(instance=opportunity, acting_user=opportunity.owner, now=MONDAY)
    sales_operations.add_line(
        parent=opportunity, values=energy(), acting_user=opportunity.owner, now=MONDAY
    )
    later = MONDAY + timedelta(days=4, hours=2, minutes=15)  # Friday 11:45
    instance = operations.advance_stage(
        record=opportunity, acting_user=opportunity.owner, now=later
    )
    assert instance.stage == "lastgang"
    [task] = stage_tasks(opportunity, "lastgang")
    assert task.subject == "Lastgang und Verbrauchsdaten der Abnahmestellen anfordern"
    assert on_working_days(task.start.astimezone(BERLIN), task.due.astimezone(BERLIN))
    first, second = instance.visits.order_by("pk")
    assert (first.left_at, first.left_by, first.advanced) == (later, opportunity.owner, True)
    assert first.seconds == int((later - MONDAY).total_seconds())
    assert (second.stage, second.entered_at, second.how) == ("lastgang", later, "advance")
    opportunity.refresh_from_db()
    assert opportunity.probability == 20  # the stage's, none having been set by hand


def test_a_task_closes_itself_when_its_data_is_entered_with_a_history_entry(industry):
    opportunity = industrial_opportunity(now=MONDAY)
    owner = opportunity.owner
    task = stage_tasks(opportunity).get(subject="Ansprechpartner benennen")
    opportunity.contact = contact_for(opportunity)
    core_operations.update_record(instance=opportunity, acting_user=owner, now=MONDAY)
    task.refresh_from_db()
    assert task.status == "completed"
    assert task.status_changed_by == owner
    name = owner.get_full_name() or owner.username
    entry = history(task)[-1]
    assert entry.event == "auto_closed"
    assert entry.message == f"automatisch erledigt: Ansprechpartner eingegeben von {name}"
    other = stage_tasks(opportunity).get(subject="Bedarfsanalyse mit dem Kunden führen")
    assert other.status == "open"  # no condition: closed by hand only


def test_changing_lines_closes_the_task_that_asks_for_them(industry):
    opportunity = industrial_opportunity(now=MONDAY)
    place_at(opportunity, "lastgang", MONDAY)
    [task] = stage_tasks(opportunity, "lastgang")
    sales_operations.add_line(
        parent=opportunity, values=service(), acting_user=opportunity.owner, now=MONDAY
    )
    task.refresh_from_db()
    assert task.status == "open"  # no energy line with its annual quantity yet
    sales_operations.add_line(
        parent=opportunity, values=energy(), acting_user=opportunity.owner, now=MONDAY
    )
    task.refresh_from_db()
    assert task.status == "completed"
    assert "Jahresmenge je Abnahmestelle eingegeben von" in history(task)[-1].message


def test_a_probability_set_by_hand_is_kept_on_a_stage_change(industry):
    opportunity = industrial_opportunity(now=MONDAY)
    owner = opportunity.owner
    opportunity.probability = 35
    opportunity.contact = contact_for(opportunity)
    opportunity.expected_close = MONDAY.date()
    core_operations.update_record(instance=opportunity, acting_user=owner, now=MONDAY)
    sales_operations.add_line(parent=opportunity, values=energy(), acting_user=owner, now=MONDAY)
    state = queries.state(opportunity)
    assert "von Hand gesetzt und bleibt" in state.probability_note
    operations.advance_stage(record=opportunity, acting_user=owner, now=MONDAY)
    opportunity.refresh_from_db()
    assert opportunity.probability == 35


def test_a_template_that_always_decides_overwrites_the_probability(industry):
    opportunity = industrial_opportunity(now=MONDAY)
    instance = operations.instance_of(opportunity)
    definition = instance.template.definition | {"probability": "template"}
    instance.template.definition = definition
    instance.template.save()
    opportunity.probability = 35
    core_operations.update_record(instance=opportunity, acting_user=opportunity.owner, now=MONDAY)
    place_at(opportunity, "bonitaet", MONDAY)
    opportunity.refresh_from_db()
    assert opportunity.probability == 30


def test_move_back_returns_to_the_stage_it_came_from_and_keeps_the_history(industry):
    opportunity = industrial_opportunity(now=MONDAY)
    owner = opportunity.owner
    with pytest.raises(ValidationError, match="ersten Stufe"):
        operations.move_back(record=opportunity, acting_user=owner, now=MONDAY)
    instance = operations.instance_of(opportunity)
    place_at(opportunity, "bonitaet", MONDAY)
    operations.move_back(record=opportunity, acting_user=owner, now=MONDAY + timedelta(hours=1))
    instance.refresh_from_db()
    assert instance.stage == "bedarfsanalyse"
    assert list(instance.visits.values_list("stage", "how")) == [
        ("bedarfsanalyse", "start"),
        ("bonitaet", "advance"),
        ("bedarfsanalyse", "back"),
    ]
    # The first stay's tasks are still open: none is created twice.
    assert stage_tasks(opportunity, "bedarfsanalyse").count() == 2


def test_winning_is_only_from_the_last_stage_with_its_gate_met(industry):
    opportunity = industrial_opportunity(now=MONDAY)
    owner = opportunity.owner
    with pytest.raises(ValidationError, match="Erst in der letzten Stufe „Abschluss“"):
        sales_operations.close_opportunity(
            opportunity=opportunity, won=True, acting_user=owner, now=MONDAY
        )
    opportunity.refresh_from_db()
    assert opportunity.status == "open"
    instance = operations.instance_of(opportunity)
    place_at(opportunity, "abschluss", MONDAY)
    with pytest.raises(ValidationError) as refused:
        operations.advance_stage(record=opportunity, acting_user=owner, now=MONDAY)
    assert refused.value.messages == [
        "Den unterschriebenen Vertrag erhalten (Aufgabe „Vertrag“ erledigen)."
    ]
    [contract] = stage_tasks(opportunity, "abschluss")
    from wattwerk.activities.operations import complete_activity

    complete_activity(activity=contract, acting_user=owner, now=MONDAY)
    operations.advance_stage(record=opportunity, acting_user=owner, now=MONDAY)
    opportunity.refresh_from_db()
    instance.refresh_from_db()
    assert opportunity.status == "won"
    assert (instance.status, instance.outcome) == ("finished", "won")
    assert instance.visits.last().left_at == MONDAY


def test_losing_finishes_the_process_from_any_stage(industry):
    opportunity = industrial_opportunity(now=MONDAY)
    sales_operations.close_opportunity(
        opportunity=opportunity, won=False, reason="zu teuer", acting_user=None, now=MONDAY
    )
    instance = operations.instance_of(opportunity)
    assert (instance.status, instance.outcome) == ("finished", "lost")
    assert not instance.visits.last().advanced


def test_deleting_the_record_takes_its_process_along(industry):
    opportunity = industrial_opportunity(now=MONDAY)
    core_operations.delete_record(instance=opportunity, acting_user=None, now=MONDAY)
    assert not ProcessInstance.objects.exists()
    assert not StageVisit.objects.exists()
    assert not Activity.objects.filter(status="open").exists()


def test_the_report_counts_conversion_and_time_in_stage(industry):
    owner = None
    for hours in (2, 4, 9):
        opportunity = industrial_opportunity(owner=owner, now=MONDAY)
        owner = opportunity.owner
        place_at(
            opportunity,
            "lastgang",
            MONDAY + timedelta(hours=hours),
        )
    _versions, figures = queries.report("verkaufschance-industrie")
    first = figures[0]
    assert (first.key, first.entered) == ("bedarfsanalyse", 3)
    assert first.median_seconds == 4 * 3600
    assert first.average_seconds == pytest.approx(5 * 3600)
    assert first.advanced == 3
    assert first.conversion == 1
    assert figures[1].entered == 3
    assert figures[1].median_seconds is None


def test_switching_runs_the_record_on_another_template_from_its_first_stage(industry):
    opportunity = industrial_opportunity(now=MONDAY)
    place_at(opportunity, "preiskalkulation", MONDAY)
    other = operations.template_for(opportunity).__class__.objects.get(
        key="verkaufschance-stadtwerk", is_active=True
    )
    instance = operations.switch_process(
        record=opportunity, template=other, acting_user=opportunity.owner, now=MONDAY
    )
    assert (instance.template, instance.stage) == (other, "bedarfsklaerung")
    last = instance.visits.order_by("pk").last()
    assert (last.template, last.how) == (other, "switch")
    assert [entry.message for entry in history(opportunity) if entry.event][-1] == (
        "Prozess gewechselt: Verkaufschance Stadtwerke und Weiterverteiler, Stufe Bedarfsklärung"
    )


def test_a_lead_qualified_from_its_last_stage_finishes_and_its_opportunity_starts():
    activate("lead-industrie", "verkaufschance-industrie")
    lead = new_lead(last_name="Kühn", phone="+49 30 1234567", now=MONDAY)
    owner = lead.owner
    [contact_data] = stage_tasks(lead).filter(subject__contains="Kontaktdaten")
    assert contact_data.status == "completed"  # the data came with the lead
    assert operations.advance_stage(record=lead, acting_user=owner, now=MONDAY).stage == (
        "erstkontakt"
    )
    with pytest.raises(ValidationError, match="Telefonat oder Termin"):
        operations.advance_stage(record=lead, acting_user=owner, now=MONDAY)
    [call] = stage_tasks(lead, "erstkontakt")
    from wattwerk.activities.operations import complete_activity

    complete_activity(activity=call, acting_user=owner, now=MONDAY)
    assert operations.advance_stage(record=lead, acting_user=owner, now=MONDAY).stage == "bedarf"
    sales_operations.add_line(
        parent=lead, values=energy() | {"malo_id": "50000000005"}, acting_user=owner, now=MONDAY
    )
    with pytest.raises(ValidationError, match="Qualifizieren"):
        operations.advance_stage(record=lead, acting_user=owner, now=MONDAY)
    opportunity = sales_operations.qualify_lead(lead=lead, acting_user=owner, now=MONDAY)
    instance = operations.instance_of(lead)
    assert (instance.status, instance.outcome) == ("finished", "qualified")
    assert operations.instance_of(opportunity).template.key == "verkaufschance-industrie"


CLOSING = """\
key: schluss
version: 1
name: Schluss
record: opportunity
stages:
  - key: eins
    name: Eins
    probability: 30
    tasks:
      - key: angebot
        subject: Angebot schreiben
      - key: nachfassen
        subject: Nachfassen
        auto_close:
          when: activities.exists(a, a.subject == "Angebot schreiben" && a.status == "completed")
          field: Angebot geschrieben
    gate:
      - when: record.probability >= 95
        message: Erst ab 95 %.
"""


@pytest.fixture
def closing():
    template = operations.import_template(
        source=CLOSING, acting_user=None, now=MONDAY, activate=True
    )
    return template


def test_winning_checks_the_gate_before_anything_changes(closing):
    opportunity = industrial_opportunity(now=MONDAY)
    with pytest.raises(ValidationError, match="Erst ab 95 %"):
        sales_operations.close_opportunity(
            opportunity=opportunity, won=True, acting_user=opportunity.owner, now=MONDAY
        )
    opportunity.refresh_from_db()
    assert opportunity.status == "open"
    assert operations.instance_of(opportunity).status == "running"


def test_a_probability_given_at_creation_is_the_users_own(closing):
    opportunity = industrial_opportunity(now=MONDAY, probability=35)
    opportunity.refresh_from_db()
    assert opportunity.probability == 35
    assert operations.instance_of(opportunity).probability_by_hand
    default = industrial_opportunity(now=MONDAY)
    default.refresh_from_db()
    assert default.probability == 30  # the stage's
    [created] = [entry for entry in history(default) if entry.kind == "create"]
    assert created.changes["probability"]["new"] in (30, "30")


def test_completing_an_activity_closes_the_task_waiting_for_it_and_finishing_ends_the_rest(
    closing,
):
    from wattwerk.activities.operations import complete_activity

    opportunity = industrial_opportunity(now=MONDAY)
    write, follow_up = stage_tasks(opportunity)
    complete_activity(activity=write, acting_user=opportunity.owner, now=MONDAY)
    follow_up.refresh_from_db()
    assert follow_up.status == "completed"
    assert history(follow_up)[-1].message.startswith("automatisch erledigt: Angebot geschrieben")


def test_finishing_cancels_the_stage_tasks_still_open(closing):
    opportunity = industrial_opportunity(now=MONDAY)
    sales_operations.close_opportunity(
        opportunity=opportunity, won=False, reason="zu teuer", acting_user=None, now=MONDAY
    )
    statuses = set(stage_tasks(opportunity).values_list("status", "outcome"))
    assert statuses == {("cancelled", "Prozess abgeschlossen: verloren")}


def test_two_templates_for_the_same_records_cannot_both_be_active(closing):
    other = operations.import_template(
        source=CLOSING.replace("key: schluss", "key: schluss-zwei"), acting_user=None, now=MONDAY
    )
    with pytest.raises(ValidationError, match="„Schluss \\(v1\\)“ ist für dieselben"):
        operations.activate_template(template=other, acting_user=None, now=MONDAY)
    operations.deactivate_template(template=closing, acting_user=None, now=MONDAY)
    operations.activate_template(template=other, acting_user=None, now=MONDAY)
    other.refresh_from_db()
    assert other.is_active
    # One for all customer types beside one for some of them: the specific one serves those.
    activate("verkaufschance-industrie")
    assert operations.template_for(industrial_opportunity(now=MONDAY)).key == (
        "verkaufschance-industrie"
    )
