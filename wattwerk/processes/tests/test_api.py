"""The process API: state, advance (400 with every unmet check), back, switch, history, and
templates; and no write endpoint of a record moves its stage past an unmet gate."""

import pytest
from django.urls import reverse
from django.utils import timezone

from wattwerk.activities.models import Activity
from wattwerk.core.testing import history
from wattwerk.energy.calendars import is_working_day
from wattwerk.processes import operations
from wattwerk.processes.models import ProcessTemplate
from wattwerk.sales.tests.factories import energy

from .helpers import activate, contact_for, industrial_opportunity, new_lead, place_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def industry():
    activate("verkaufschance-industrie", "lead-industrie")


@pytest.fixture
def opportunity(industry):
    return industrial_opportunity()


@pytest.fixture
def client_of(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


def process_url(record, action=""):
    slug = "opportunities" if record._meta.model_name == "opportunity" else "leads"
    name = f"record-process-{action}" if action else "record-process"
    return reverse(name, kwargs={"record_type": slug, "pk": record.pk})


def line_values(**changes) -> dict:
    values = energy() | changes
    values["commodity"] = values["commodity"].pk
    return {key: str(value) for key, value in values.items()}


def test_three_unmet_checks_are_all_listed_and_advancing_works_after_the_data_is_entered(
    opportunity, client_of
):
    client = client_of(opportunity.owner)
    answer = client.post(process_url(opportunity, "advance"))
    assert answer.status_code == 400
    messages = [error["message"] for error in answer.json()["errors"]]
    assert messages == [
        "„Ansprechpartner“ ist anzugeben.",
        "„erwarteter Abschluss“ ist anzugeben.",
        "Mindestens eine Zeile (Abnahmestelle oder Dienstleistung) erfassen.",
    ]
    assert {error["code"] for error in answer.json()["errors"]} == {"gate"}
    state = client.get(process_url(opportunity)).json()
    assert state["unmet"] == messages
    assert state["stage"] == "bedarfsanalyse"

    record_url = reverse("opportunity-detail", args=[opportunity.pk])
    contact = contact_for(opportunity)
    answer = client.patch(
        record_url, {"contact": contact.pk, "expected_close": "2027-03-31"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    answer = client.post(
        reverse("opportunity-lines", args=[opportunity.pk]), line_values(), format="json"
    )
    assert answer.status_code == 201, answer.json()

    answer = client.post(process_url(opportunity, "advance"))
    assert answer.status_code == 200, answer.json()
    state = answer.json()
    assert state["stage"] == "lastgang"
    [task] = state["tasks"]
    assert task["subject"] == "Lastgang und Verbrauchsdaten der Abnahmestellen anfordern"
    activity = Activity.objects.get(pk=task["id"])
    assert is_working_day(activity.due.date())
    assert is_working_day(activity.start.date())
    assert activity.due > activity.start
    # The task of the first stage that asked for the contact closed itself on the PATCH.
    named = Activity.objects.get(subject="Ansprechpartner benennen")
    assert named.status == "completed"
    assert history(named)[-1].message.startswith("automatisch erledigt: Ansprechpartner")


def test_history_lists_every_stay_with_time_of_day_and_who(opportunity, client_of):
    place_at(opportunity, "lastgang", opportunity.created_at)
    answer = client_of(opportunity.owner).get(process_url(opportunity, "history"))
    assert answer.status_code == 200
    stays = answer.json()
    assert [stay["stage"] for stay in stays] == ["bedarfsanalyse", "lastgang"]
    assert stays[0]["entered_by"] == opportunity.owner.username
    assert stays[0]["left_at"] is not None
    assert "T" in stays[0]["entered_at"]
    assert stays[1]["left_at"] is None


def test_back_and_switch(opportunity, client_of):
    client = client_of(opportunity.owner)
    place_at(opportunity, "lastgang", opportunity.created_at)
    answer = client.post(process_url(opportunity, "back"))
    assert answer.status_code == 200
    assert answer.json()["stage"] == "bedarfsanalyse"
    answer = client.post(process_url(opportunity, "back"))
    assert answer.status_code == 400
    assert "ersten Stufe" in answer.json()["errors"][0]["message"]
    inactive = ProcessTemplate.objects.get(key="verkaufschance-stadtwerk")
    answer = client.post(
        process_url(opportunity, "switch"), {"template": inactive.pk}, format="json"
    )
    assert answer.status_code == 400  # only an active template


def test_a_reader_who_may_not_write_cannot_advance(opportunity, client_of, make_user):
    reader = make_user("sales.view_opportunity")
    client = client_of(reader)
    assert client.get(process_url(opportunity)).status_code == 200
    assert client.post(process_url(opportunity, "advance")).status_code in (403, 404)


class TestNoWriteEndpointPassesAnUnmetGate:
    """Every write endpoint of an opportunity and a lead, tried with the gate unmet: the stage
    stays where it is."""

    def stage(self, record) -> str:
        return operations.instance_of(record).stage

    def test_patch_and_put_of_a_stage_field_are_refused(self, opportunity, client_of):
        client = client_of(opportunity.owner)
        url = reverse("opportunity-detail", args=[opportunity.pk])
        answer = client.patch(url, {"stage": "abschluss"}, format="json")
        assert answer.status_code == 400
        assert answer.json()["errors"][0]["field"] == "stage"
        record = client.get(url).json()
        answer = client.put(url, record | {"stage": "abschluss", "probability": 90}, format="json")
        assert answer.status_code == 400
        assert self.stage(opportunity) == "bedarfsanalyse"

    def test_plain_field_and_line_writes_leave_the_stage(self, opportunity, client_of):
        client = client_of(opportunity.owner)
        url = reverse("opportunity-detail", args=[opportunity.pk])
        assert client.patch(url, {"probability": 95}, format="json").status_code == 200
        lines = reverse("opportunity-lines", args=[opportunity.pk])
        line = client.post(lines, line_values(), format="json").json()
        line_url = reverse("opportunity-line", args=[opportunity.pk, line["id"]])
        assert client.patch(line_url, {"annual_kwh": "42"}, format="json").status_code == 200
        assert client.delete(line_url).status_code == 204
        assert self.stage(opportunity) == "bedarfsanalyse"

    def test_closing_as_won_before_the_last_stage_is_refused(self, opportunity, client_of):
        client = client_of(opportunity.owner)
        answer = client.post(
            reverse("opportunity-close", args=[opportunity.pk]), {"won": True}, format="json"
        )
        assert answer.status_code == 400
        assert "Erst in der letzten Stufe" in answer.json()["errors"][0]["message"]
        opportunity.refresh_from_db()
        assert opportunity.status == "open"

    def test_closing_as_won_in_the_last_stage_with_the_gate_unmet_is_refused(
        self, opportunity, client_of
    ):
        place_at(opportunity, "abschluss", opportunity.created_at)
        client = client_of(opportunity.owner)
        answer = client.post(
            reverse("opportunity-close", args=[opportunity.pk]), {"won": True}, format="json"
        )
        assert answer.status_code == 400
        assert [error["message"] for error in answer.json()["errors"]] == [
            "Den unterschriebenen Vertrag erhalten (Aufgabe „Vertrag“ erledigen)."
        ]
        opportunity.refresh_from_db()
        assert opportunity.status == "open"

    def test_qualifying_a_lead_before_its_last_stage_is_refused(self, industry, client_of):
        lead = new_lead()
        owner = lead.owner
        assert self.stage(lead) == "erfassung"
        client = client_of(owner)
        answer = client.post(reverse("lead-qualify", args=[lead.pk]), {}, format="json")
        assert answer.status_code == 400
        lead.refresh_from_db()
        assert lead.status == "open"
        url = reverse("lead-detail", args=[lead.pk])
        assert client.patch(url, {"stage": "bedarf"}, format="json").status_code == 400
        assert self.stage(lead) == "erfassung"


def test_templates_are_listed_imported_and_validated(client_of, make_user):
    admin = make_user(is_superuser=True)
    client = client_of(admin)
    listed = client.get(reverse("process-templates")).json()
    assert {item["key"] for item in listed} >= {"verkaufschance-industrie", "lead-stadtwerk"}
    source = "key: probe\nversion: 1\nname: Probe\nrecord: lead\nstages:\n  - key: a\n    nme: A\n"
    answer = client.post(
        reverse("process-templates"), {"source": source, "filename": "p.yaml"}, format="json"
    )
    assert answer.status_code == 400
    messages = [error["message"] for error in answer.json()["errors"]]
    assert messages == [
        "p.yaml, Zeile 6, stages[0]: Die Angabe „name“ fehlt.",
        "p.yaml, Zeile 7, stages[0].nme: Unbekannte Angabe „nme“ (erlaubt: gate, key, name, "
        "next, probability, required, tasks).",
    ]
    good = source.replace("nme:", "name:")
    checked = client.post(
        reverse("process-templates"), {"source": good, "validate_only": True}, format="json"
    )
    assert checked.status_code == 200
    assert checked.json()["valid"] is True
    assert not ProcessTemplate.objects.filter(key="probe").exists()
    created = client.post(
        reverse("process-templates"), {"source": good, "activate": True}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["is_active"] is True


def test_only_administrators_import(client_of, make_user):
    client = client_of(make_user("sales.view_lead"))
    answer = client.post(reverse("process-templates"), {"source": "key: x"}, format="json")
    assert answer.status_code == 403


WRITE_METHODS = ("post", "put", "patch", "delete")
ATTEMPT = {"stage": "abschluss", "won": True, "status": "won", "probability": 100}


def write_endpoints(viewset, basename: str, pk: int, line_id: int):
    """Every write endpoint of one record: its own PUT/PATCH/DELETE and each extra action."""
    from django.urls import NoReverseMatch

    yield from (("put", reverse(f"{basename}-detail", args=[pk])),)
    yield ("patch", reverse(f"{basename}-detail", args=[pk]))
    for action in viewset.get_extra_actions():
        if not action.detail:
            continue
        for method in set(action.mapping) & set(WRITE_METHODS):
            try:
                url = reverse(f"{basename}-{action.url_name}", args=[pk])
            except NoReverseMatch:  # an action on a line of the record
                url = reverse(f"{basename}-{action.url_name}", args=[pk, line_id])
            yield (method, url)
    for name in ("record-shares", "record-process-back", "record-process-switch"):
        slug = "opportunities" if basename == "opportunity" else "leads"
        yield ("post", reverse(name, kwargs={"record_type": slug, "pk": pk}))
    yield ("delete", reverse(f"{basename}-detail", args=[pk]))  # last: it takes the record


@pytest.mark.parametrize("kind", ["opportunity", "lead"])
def test_no_write_endpoint_moves_a_record_past_an_unmet_gate(kind, industry, client_of):
    """Each write endpoint, called with everything that might move the stage on: afterwards the
    process stands where it stood (or is gone with a deleted record), never won or qualified."""
    from wattwerk.sales import operations as sales_operations
    from wattwerk.sales.api.urls import LeadViewSet, OpportunityViewSet

    from .helpers import SALES, UserFactory

    owner = UserFactory(permissions=[*SALES, "sales.delete_opportunity", "sales.delete_lead"])
    if kind == "opportunity":
        record, viewset = industrial_opportunity(owner=owner), OpportunityViewSet
        first = "bedarfsanalyse"
    else:
        record, viewset, first = new_lead(owner), LeadViewSet, "erfassung"
    line = sales_operations.add_line(
        parent=record, values=energy(), acting_user=owner, now=timezone.now()
    )
    client = client_of(owner)
    tried = []
    for method, url in write_endpoints(viewset, kind, record.pk, line.pk):
        body = ATTEMPT | ({"template": 0, "reason": "Test"} if "switch" in url else {})
        answer = getattr(client, method)(url, body, format="json")
        tried.append((method, url, answer.status_code))
        instance = operations.instance_of(record)
        if method == "delete" and url == reverse(f"{kind}-detail", args=[record.pk]):
            assert answer.status_code == 204, tried
            assert instance is None
            continue
        assert instance.stage == first, tried
        assert instance.outcome not in ("won", "qualified"), tried
        record.refresh_from_db()
        assert record.status != ("won" if kind == "opportunity" else "qualified"), tried
    actions = {url.rstrip("/").rsplit("/", 1)[-1] for _method, url, _status in tried}
    expected = {"close"} if kind == "opportunity" else {"qualify", "disqualify"}
    assert expected <= actions
