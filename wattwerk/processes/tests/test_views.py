"""The stage bar on record pages and the administration of templates."""

import pytest
from django.urls import reverse
from django.utils import timezone

from wattwerk.core.testing import count_queries
from wattwerk.processes import operations
from wattwerk.processes.models import ProcessTemplate

from .helpers import activate, industrial_opportunity, new_lead, place_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity():
    activate("verkaufschance-industrie", "verkaufschance-stadtwerk")
    return industrial_opportunity()


def page(client, opportunity) -> str:
    client.force_login(opportunity.owner)
    answer = client.get(reverse("opportunities_detail", args=[opportunity.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_stage_bar_shows_stages_checks_tasks_and_a_disabled_next_button(client, opportunity):
    html = page(client, opportunity)
    assert 'id="stage-bar"' in html
    assert 'data-stage="bedarfsanalyse" aria-current="step"' in html
    assert html.count('class="gate-check unmet') == 3
    assert "„Ansprechpartner“ ist anzugeben." in html
    assert 'id="stage-advance" disabled' in html
    assert "Weiter zu „Lastgang/Verbrauchsdaten“" in html
    assert "Ansprechpartner benennen" in html
    assert "Bedarfsanalyse mit dem Kunden führen" in html
    assert "Stufenverlauf" in html


def test_advancing_from_the_page_names_the_reasons_when_refused(client, opportunity):
    client.force_login(opportunity.owner)
    url = reverse("process_advance", args=["opportunities", opportunity.pk])
    answer = client.post(url, follow=True)
    messages = [str(message) for message in answer.context["messages"]]
    assert "„Ansprechpartner“ ist anzugeben." in messages
    assert operations.instance_of(opportunity).stage == "bedarfsanalyse"


def test_moving_back_from_the_page(client, opportunity):
    place_at(opportunity, "lastgang", timezone.now())
    html = page(client, opportunity)
    assert 'id="stage-back"' in html
    client.post(reverse("process_back", args=["opportunities", opportunity.pk]))
    assert operations.instance_of(opportunity).stage == "bedarfsanalyse"


def test_the_record_page_runs_a_fixed_number_of_queries_however_long_the_history(
    client, opportunity
):
    client.force_login(opportunity.owner)
    url = reverse("opportunities_detail", args=[opportunity.pk])
    place_at(opportunity, "lastgang", timezone.now())
    short = count_queries(lambda: client.get(url))
    for stage in ("bonitaet", "preiskalkulation", "angebot", "verhandlung"):
        place_at(opportunity, stage, timezone.now())
    assert count_queries(lambda: client.get(url)) == short


def test_a_record_without_a_process_offers_to_start_one(client):
    opportunity = industrial_opportunity()  # no active template when it was created
    activate("verkaufschance-industrie")
    html = page(client, opportunity)
    assert "Prozess beginnen:" in html
    template = ProcessTemplate.objects.get(key="verkaufschance-industrie", is_active=True)
    client.post(
        reverse("process_switch", args=["opportunities", opportunity.pk]),
        {"template": template.pk},
    )
    assert operations.instance_of(opportunity).stage == "bedarfsanalyse"


TWO_ERRORS = """\
key: probe
version: 1
name: Probe
record: opportunity
stages:
  - key: eins
    name: Eins
    probability: 120
  - key: zwei
    name: Zwei
    tasks:
      - key: t
        subject: Aufgabe
        assignee: jemand
"""


def test_administrators_import_validate_preview_and_activate(client, make_user):
    admin = make_user(is_superuser=True)
    client.force_login(admin)
    url = reverse("process_templates")
    answer = client.post(url, {"source": TWO_ERRORS, "validate": "1"})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Die Vorlage hat 2 Fehler" in html
    assert "Zeile 8, stages[0].probability: Höchstens 100." in html
    assert "Zeile 14, stages[1].tasks[0].assignee" in html
    fixed = TWO_ERRORS.replace("120", "20").replace("jemand", "owner")
    answer = client.post(url, {"source": fixed, "validate": "1"})
    assert "ist gültig: 2 Stufen" in answer.content.decode()
    assert not ProcessTemplate.objects.filter(key="probe").exists()
    answer = client.post(url, {"source": fixed, "import": "1"}, follow=True)
    template = ProcessTemplate.objects.get(key="probe")
    assert answer.redirect_chain[-1][0] == reverse("process_template", args=[template.pk])
    assert 'id="template-stages"' in answer.content.decode()
    client.post(reverse("process_template_activate", args=[template.pk]))
    template.refresh_from_db()
    assert template.is_active


def test_the_template_pages_are_for_administrators_only(client, make_user):
    client.force_login(make_user("sales.view_opportunity"))
    assert client.get(reverse("process_templates")).status_code == 403


def test_a_leads_last_stage_leads_on_to_qualifying(client):
    activate("lead-stadtwerk")
    lead = new_lead(
        customer_type="Stadtwerk/Weiterverteiler", company_name="Stadtwerke Nordheim", last_name="B"
    )
    owner = lead.owner
    place_at(lead, "mengen", timezone.now())
    client.force_login(owner)
    html = client.get(reverse("leads_detail", args=[lead.pk])).content.decode()
    assert 'id="stage-advance" disabled' in html  # no quantities yet
    assert "Weiter: qualifizieren" in html
    from wattwerk.sales import operations as sales_operations
    from wattwerk.sales.tests.factories import energy

    sales_operations.add_line(parent=lead, values=energy(), acting_user=owner, now=timezone.now())
    html = client.get(reverse("leads_detail", args=[lead.pk])).content.decode()
    qualify = reverse("leads_qualify", args=[lead.pk])
    assert f'id="stage-advance" href="{qualify}"' in html
