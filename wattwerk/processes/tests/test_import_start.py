"""Imported leads start their processes together (``start_processes``): the same process, stage
tasks, notifications, links and history as a lead started on its own, in a fixed number of
queries however many leads come."""

import csv
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wattwerk.access.models import Department, User
from wattwerk.access.tests.factories import (
    DepartmentFactory,
    RoleFactory,
    TeamFactory,
    UserFactory,
)
from wattwerk.activities.models import Activity
from wattwerk.activities.planning import BERLIN
from wattwerk.core import operations as core_operations
from wattwerk.core.importing import get_importers
from wattwerk.core.models import ObjectChange, OutboxEmail
from wattwerk.processes import operations
from wattwerk.processes.models import ProcessInstance
from wattwerk.sales.models import Lead, Opportunity

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 15, 30, tzinfo=BERLIN)  # a Friday: due dates cross a weekend

TEMPLATE = """
key: lead-massenimport
version: 1
name: Leads aus Messelisten
record: lead
segment: [Gewerbe]
stages:
  - key: sichten
    name: Sichten
    tasks:
      - key: kontakt
        subject: Kontaktdaten ergänzen
        assignee: owner
        due: 2
        auto_close:
          when: record.email != null
          field: E-Mail
      - key: bonitaet
        subject: Bonität prüfen
        kind: call
        priority: high
        description: Auskunftei anfragen
        assignee: department:kredit-import
        due: 3
        notify: true
      - key: preis
        subject: Preis anfragen
        assignee: department:preis-import
        start: 1
        due: 4
      - key: team
        subject: Im Team besprechen
        assignee: team:Messeteam
        due: 1
      - key: leitung
        subject: Große Leads mit der Leitung abstimmen
        assignee: role:Vertriebsleitung
        due: 5
  - key: fertig
    name: Fertig
"""


@pytest.fixture
def template():
    DepartmentFactory(code="kredit-import", tasks_by_email=False)
    DepartmentFactory(code="preis-import", tasks_by_email=True)
    TeamFactory(name="Messeteam")
    UserFactory(username="leiterin").roles.add(RoleFactory(name="Vertriebsleitung"))
    return operations.import_template(source=TEMPLATE, acting_user=None, now=NOW, activate=True)


@pytest.fixture
def importer(make_user):
    return make_user(
        "sales.read_lead",
        "sales.create_lead",
        "customers.read_customertype",
        "access.read_user",
        username="importeur",
    )


def import_leads(tmp_path, user, rows) -> list[Lead]:
    path = tmp_path / f"leads-{len(rows)}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Firma", "Nachname", "E-Mail", "Kundentyp"])
        writer.writerows(rows)
    before = set(Lead.objects.values_list("pk", flat=True))
    with path.open("rb") as handle:
        result = get_importers()["leads"](user, NOW).run(handle)
    assert not result.problems, result.problems
    return list(Lead.objects.exclude(pk__in=before).order_by("pk"))


def shape(lead: Lead) -> dict:
    """What the lead's process left behind, without ids."""
    instance = operations.instance_of(lead)
    if instance is None:
        return {}
    lead.refresh_from_db()
    tasks = sorted(
        (
            task.key,
            task.auto_close,
            task.auto_close_label,
            task.visit.stage,
            task.activity.kind,
            task.activity.subject,
            task.activity.description,
            task.activity.priority,
            task.activity.status,
            task.activity.outcome,
            task.activity.start,
            task.activity.due,
            task.activity.owner_id,
            task.activity.owner_team_id,
            task.activity.owning_department_id,
            task.activity.assigned_department_id,
            task.activity.status_changed_by_id,
            [
                (entry.kind, entry.event, entry.message, entry.user_id, sorted(entry.changes))
                for entry in core_operations.changelog.history_for(task.activity).order_by("pk")
            ],
        )
        for task in instance.tasks.select_related("activity", "visit")
    )
    events = [
        (entry.event, entry.message, entry.data, entry.user_id)
        for entry in core_operations.changelog.history_for(lead)
        .filter(kind=ObjectChange.Kind.EVENT)
        .order_by("pk")
    ]
    subjects = {task[0]: task[5] for task in tasks}
    return {
        "process": (
            instance.template_id,
            instance.stage,
            instance.status,
            instance.started_at,
            instance.probability_by_hand,
        ),
        "visits": list(
            instance.visits.values_list("stage", "stage_name", "how", "entered_at", "entered_by")
        ),
        "tasks": tasks,
        "next": lead.next_activity.subject if lead.next_activity_id else None,
        "last": lead.last_activity.subject if lead.last_activity_id else None,
        "events": events,
        "subjects": sorted(subjects.values()),
    }


def test_imported_leads_start_as_each_would_on_its_own(tmp_path, template, importer):
    rows = [
        ["Gießerei Nord GmbH", "Kühn", "kuehn@giesserei.example", "Gewerbe"],
        ["Walzwerk Süd GmbH", "Brandt", "", "Gewerbe"],
        ["Stadtwerke Irgendwo", "Lang", "", "Stadtwerk/Weiterverteiler"],  # no template
    ]
    mails = OutboxEmail.objects.count()
    imported = import_leads(tmp_path, importer, rows)
    imported_mails = sorted(
        OutboxEmail.objects.order_by("pk")[mails:].values_list("subject", flat=True)
    )
    # the same leads, each started by start_process
    mails = OutboxEmail.objects.count()
    twins = []
    for lead in imported:
        twin = Lead.objects.get(pk=lead.pk)
        twin.pk, twin.last_activity_id, twin.next_activity_id = None, None, None
        twin.save()
        if found := operations.template_for(twin):
            operations.start_process(record=twin, template=found, acting_user=importer, now=NOW)
        twins.append(twin)
    twin_mails = sorted(
        OutboxEmail.objects.order_by("pk")[mails:].values_list("subject", flat=True)
    )

    shapes = [shape(lead) for lead in imported]
    assert shapes == [shape(twin) for twin in twins]
    with_email, without, no_template = shapes
    assert no_template == {}
    closed = {task[0]: task[8] for task in with_email["tasks"]}
    assert closed == {
        "kontakt": "completed",
        "bonitaet": "open",
        "preis": "open",
        "team": "open",
        "leitung": "open",
    }
    leitung = next(task for task in with_email["tasks"] if task[0] == "leitung")
    assert leitung[12] == User.objects.get(username="leiterin").pk  # the role's holder
    assert {task[0]: task[8] for task in without["tasks"]}["kontakt"] == "open"
    assert with_email["events"][0][:2] == (
        "process_started",
        "Prozess „Leads aus Messelisten“ begonnen: Sichten",
    )
    assert with_email["next"] == "Im Team besprechen"  # due first: one working day
    # the department without task e-mails hears of its task as the template says; the one
    # with task e-mails by its own rule
    assert imported_mails == twin_mails
    kredit, preis = (
        str(Department.objects.get(code=code)) for code in ("kredit-import", "preis-import")
    )
    assert imported_mails == [
        f"Aufgabe für {kredit}: Bonität prüfen",
        f"Aufgabe für {kredit}: Bonität prüfen",
        f"Aufgabe für {preis}: Preis anfragen",
        f"Aufgabe für {preis}: Preis anfragen",
    ]


def test_starting_the_processes_of_an_import_takes_the_same_queries_for_more_leads(
    tmp_path, template, importer
):
    """Apart from the one e-mail per department task (each its own message), importing 12
    leads takes as many queries as importing 3. (A task that closes at once because its data
    came along is a write of its own — update and history — per closed task.)"""

    def queries_for(count: int) -> int:
        rows = [[f"Firma {count}-{n}", "Kühn", "", "Gewerbe"] for n in range(count)]
        with CaptureQueriesContext(connection) as context:
            import_leads(tmp_path, importer, rows)
        mails = [q for q in context.captured_queries if "core_outboxemail" in q["sql"]]
        assert len(mails) == 2 * count  # Bonität for the department that wants it, Preis by rule
        return len(context.captured_queries) - len(mails)

    queries_for(2)  # what is read once per process (content types, rights)
    assert queries_for(3) == queries_for(12)
    assert Activity.objects.filter(process_task__isnull=False).count() == 5 * (2 + 3 + 12)


def test_more_leads_than_a_block_all_start_and_one_with_a_process_keeps_it(
    tmp_path, template, importer
):
    rows = [[f"Firma {n}", "Kühn", "", "Gewerbe"] for n in range(operations.START_BATCH + 1)]
    imported = import_leads(tmp_path, importer, rows)
    assert ProcessInstance.objects.filter(record_id__in=[lead.pk for lead in imported]).count() == (
        operations.START_BATCH + 1
    )
    first = imported[0]
    tasks = Activity.objects.filter(regarding_id=first.pk).count()
    operations.start_processes(records=[first], acting_user=importer, now=NOW)  # no second one
    assert Activity.objects.filter(regarding_id=first.pk).count() == tasks


def test_the_contexts_of_many_opportunities_take_the_same_queries_as_of_a_few():
    from wattwerk.customers.tests.factories import ContactFactory
    from wattwerk.processes import expressions
    from wattwerk.processes.tests.helpers import industrial_opportunity

    opportunities = []
    for _ in range(6):
        opportunity = industrial_opportunity(now=NOW)
        opportunity.contact = ContactFactory()
        opportunity.save()
        opportunities.append(opportunity)

    def queries_for(count: int) -> int:
        fresh = list(Opportunity.objects.filter(pk__in=[o.pk for o in opportunities[:count]]))
        with CaptureQueriesContext(connection) as context:
            found = expressions.contexts(fresh)
        assert all(c["account"] is not None and c["contact"] is not None for c in found)
        return len(context.captured_queries)

    assert queries_for(2) == queries_for(6)
