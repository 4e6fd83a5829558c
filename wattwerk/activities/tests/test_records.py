"""Activities through the generic suite (pages, API, rights, history), and what only they check:
dates of a task, the regarding record, participants."""

import itertools

from django.contrib.contenttypes.models import ContentType

from wattwerk.access.tests.factories import DepartmentFactory, RoleFactory
from wattwerk.activities.models import ChainTemplateStep
from wattwerk.core.testing import RecordTypeSuite
from wattwerk.energy.models import DeliveryPoint
from wattwerk.energy.tests.factories import DeliveryPointFactory

from .factories import ActivityFactory, ChainFactory, ChainTemplateFactory

NUMBERS = itertools.count(1)
RELATED = ("access.read_user", "access.read_department", "sales.read_lead")


def add_steps(template, n: int) -> list[ChainTemplateStep]:
    """``n`` more steps, each by a department and a role and after the step before it."""
    steps = list(template.steps.order_by("position"))
    for _ in range(n):
        position = len(steps) + 1
        step = ChainTemplateStep.objects.create(
            template=template,
            position=position,
            key=f"schritt-{position}",
            subject=f"Schritt {position}",
            department=DepartmentFactory(),
            role=RoleFactory(),
            working_days=1,
        )
        step.predecessors.set(steps[-1:])
        steps.append(step)
    return steps[-n:]


class TestActivityRecords(RecordTypeSuite):
    slug = "activities"
    factory = ActivityFactory
    api_path = "/api/v1/activities/"
    change_field = "subject"
    change_value = "Preisblatt nachreichen"
    bad_field = ("due", "2026-11-30T09:00")  # before the start
    related_permissions = RELATED

    def valid_form_data(self):
        return {
            "kind": "task",
            "subject": "Lastgang beim Netzbetreiber anfordern",
            "start": "2026-12-01T09:00",
            "due": "2026-12-03T17:00",
            "priority": "normal",
        }

    def valid_api_data(self):
        return {
            **self.valid_form_data(),
            "start": "2026-12-01T09:00:00+01:00",
            "due": "2026-12-03T17:00:00+01:00",
        }


class TestChainTemplateRecords(RecordTypeSuite):
    slug = "chain-templates"
    factory = ChainTemplateFactory
    api_path = "/api/v1/chain-templates/"
    change_field = "description"
    change_value = "Für Ausschreibungen öffentlicher Auftraggeber"
    bad_field = ("anchor", "seitwaerts")

    def valid_form_data(self):
        return {"name": f"Ausschreibung Gas {next(NUMBERS)}", "anchor": "backward"}

    def grow_related(self, record, n):
        super().grow_related(record, n)
        add_steps(record, n)

    def valid_api_data(self):
        return self.valid_form_data()


class TestChainRecords(RecordTypeSuite):
    slug = "chains"
    factory = ChainFactory
    api_path = "/api/v1/chains/"
    change_field = "note"
    change_value = "Vergabe 2027/014, Los 2"
    bad_field = ("anchor_at", "kein Datum")
    related_permissions = (
        *RELATED,
        "activities.read_chaintemplate",
        "activities.create_activity",
        "energy.read_deliverypoint",
        "energy.read_commodity",
    )

    def setup_method(self):
        self.point = None

    def regarding(self):
        if self.point is None:
            self.point = DeliveryPointFactory()
        return self.point

    def valid_form_data(self):
        return {
            "template": ChainTemplateFactory().pk,
            "regarding_type": ContentType.objects.get_for_model(DeliveryPoint).pk,
            "regarding_id": self.regarding().pk,
            "anchor_at": "2027-03-05T12:00",
        }

    def valid_api_data(self):
        return {
            **self.valid_form_data(),
            "regarding_type": "delivery-points",
            "anchor_at": "2027-03-05T12:00:00+01:00",
        }

    def search_term(self, record) -> str:
        return record.template.name

    def grow_related(self, record, n):
        super().grow_related(record, n)
        for step in add_steps(record.template, n):
            ActivityFactory(
                chain=record,
                step=step,
                subject=step.subject,
                assigned_department=step.department,
                regarding=record.regarding,
            )
