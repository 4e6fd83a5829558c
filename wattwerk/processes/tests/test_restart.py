"""Instances, tasks and history live in the database: after the app and the worker restart, a
new process reads the same stage, tasks and history and goes on from there; the worker sends the
department's task e-mail once."""

import json
import subprocess
import sys

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from wattwerk.access.tests.factories import DepartmentFactory
from wattwerk.activities.models import Activity
from wattwerk.core.tests.smtp import run_worker, worker_environ
from wattwerk.core.tests.test_outbox import DATABASE_TASKS
from wattwerk.processes import operations

from .helpers import activate, industrial_opportunity, place_at

pytestmark = pytest.mark.django_db(transaction=True)

READ_AND_GO_ON = """
import json
from django.utils import timezone
from wattwerk.core import operations as core_operations
from wattwerk.processes import operations, queries
from wattwerk.sales.models import Opportunity

opportunity = Opportunity.objects.get(pk={pk})
state = queries.state(opportunity)
before = {{
    "stage": state.instance.stage,
    "visits": [[visit.stage, visit.entered_at.isoformat()] for visit in state.visits],
    "tasks": [[task.subject, task.status] for task in state.tasks],
}}
account = opportunity.account
account.rating_date = timezone.localdate()
core_operations.update_record(instance=account, acting_user=None, now=timezone.now())
operations.advance_stage(record=opportunity, acting_user=None, now=timezone.now())
print(json.dumps(before))
"""


@override_settings(TASKS=DATABASE_TASKS)
def test_a_restarted_app_and_worker_go_on_where_the_process_stood(
    reference_data, smtp_server, tmp_path
):
    DepartmentFactory(code="kredit", name="Kreditmanagement", email="kredit@example.org")
    activate("verkaufschance-industrie")
    with transaction.atomic():
        opportunity = industrial_opportunity()
        instance = place_at(opportunity, "bonitaet", timezone.now())
    visits = [[visit.stage, visit.entered_at.isoformat()] for visit in instance.visits.all()]

    # A new app process (a restart): it reads what this one wrote and goes on from there.
    app = subprocess.run(
        [
            sys.executable,
            "-m",
            "wattwerk.manage",
            "shell",
            "-c",
            READ_AND_GO_ON.format(pk=opportunity.pk),
        ],
        env=worker_environ(smtp_server, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen = json.loads(app.stdout.strip().splitlines()[-1])
    assert seen == {
        "stage": "bonitaet",
        "visits": visits,
        "tasks": [["Bonität prüfen und Sicherheiten festlegen", "open"]],
    }
    instance.refresh_from_db()
    assert instance.stage == "preiskalkulation"
    credit = Activity.objects.get(subject="Bonität prüfen und Sicherheiten festlegen")
    assert credit.status == "completed"
    assert [visit.stage for visit in instance.visits.all()] == [
        "bedarfsanalyse",
        "bonitaet",
        "preiskalkulation",
    ]

    # The worker, started twice (as after a restart), sends the credit department's e-mail once.
    run_worker(smtp_server, tmp_path, "--batch")
    run_worker(smtp_server, tmp_path, "--batch")
    subjects = [message["Subject"] for message in smtp_server.messages]
    assert (
        subjects.count("Aufgabe für Kreditmanagement: Bonität prüfen und Sicherheiten festlegen")
        == 1
    )
    assert operations.instance_of(opportunity).stage == "preiskalkulation"
