"""Stage tasks close themselves when their data is entered — through the record's page, the API
and the importer alike, in the transaction of the change, with a history entry naming the data
and the person."""

import csv

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wattwerk.activities.models import Activity
from wattwerk.core import operations as core_operations
from wattwerk.core.forms import picked_label
from wattwerk.core.importing import get_importers
from wattwerk.core.registry import registry
from wattwerk.core.testing import history
from wattwerk.processes import operations
from wattwerk.sales.models import Lead, Opportunity

from .helpers import activate, contact_for, industrial_opportunity

pytestmark = pytest.mark.django_db

CLOSED = "automatisch erledigt: Ansprechpartner eingegeben von {name}"


@pytest.fixture
def opportunity():
    activate("verkaufschance-industrie", "lead-industrie")
    return industrial_opportunity()


def contact_task(opportunity) -> Activity:
    return Activity.objects.get(
        process_task__instance=operations.instance_of(opportunity),
        subject="Ansprechpartner benennen",
    )


def name_of(user) -> str:
    return user.get_full_name() or user.username


def test_through_the_record_page(client, opportunity):
    owner = opportunity.owner
    client.force_login(owner)
    form = registry.for_model(Opportunity).form_class(instance=opportunity)
    values = {name: value for name, value in form.initial.items() if value is not None}
    values["account"] = picked_label(opportunity.account)  # as the pickers send them
    values["contact"] = picked_label(contact_for(opportunity))
    answer = client.post(reverse("opportunities_edit", args=[opportunity.pk]), values)
    assert answer.status_code == 302, answer.context["form"].errors
    task = contact_task(opportunity)
    assert task.status == "completed"
    assert history(task)[-1].message == CLOSED.format(name=name_of(owner))
    assert history(task)[-1].user == owner


def test_through_the_api(api_client, opportunity):
    owner = opportunity.owner
    api_client.force_authenticate(owner)
    contact = contact_for(opportunity)
    answer = api_client.patch(
        reverse("opportunity-detail", args=[opportunity.pk]),
        {"contact": contact.pk},
        format="json",
    )
    assert answer.status_code == 200
    task = contact_task(opportunity)
    assert task.status == "completed"
    assert history(task)[-1].message == CLOSED.format(name=name_of(owner))


def test_in_the_transaction_of_the_change(opportunity):
    """Rolled back with the change: no task closed by a change that did not happen."""
    opportunity.contact = contact_for(opportunity)
    seen = []

    def change_then_fail():
        with transaction.atomic():
            core_operations.update_record(
                instance=opportunity, acting_user=opportunity.owner, now=timezone.now()
            )
            seen.append(contact_task(opportunity).status)  # within the change
            raise RuntimeError("the rest of the operation fails")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert seen == ["completed"]
    assert contact_task(opportunity).status == "open"


def test_through_the_importer(tmp_path, opportunity, make_user):
    """Imported leads start on their template; a task whose data came with the row is closed at
    once, in the importer's name."""
    importer = make_user(
        "sales.read_lead",
        "sales.create_lead",
        "customers.read_customertype",
        "energy.read_commodity",
        "access.read_user",
        username="importeur",
        first_name="Ina",
        last_name="Import",
    )
    path = tmp_path / "leads.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Firma", "Nachname", "E-Mail", "Kundentyp"])
        writer.writerow(["Gießerei Nord GmbH", "Kühn", "kuehn@giesserei.example", "Industrie"])
        writer.writerow(["Walzwerk Süd GmbH", "Brandt", "", "Industrie"])
    result = get_importers()["leads"](importer, timezone.now()).run(path.open("rb"))
    assert not result.problems
    with_email, without = Lead.objects.order_by("company_name")
    closed = Activity.objects.get(
        process_task__instance=operations.instance_of(with_email),
        subject="Ansprechperson und Kontaktdaten ergänzen",
    )
    assert closed.status == "completed"
    assert history(closed)[-1].message == (
        "automatisch erledigt: Ansprechperson und Kontaktdaten eingegeben von Ina Import"
    )
    still_open = Activity.objects.get(
        process_task__instance=operations.instance_of(without),
        subject="Ansprechperson und Kontaktdaten ergänzen",
    )
    assert still_open.status == "open"
