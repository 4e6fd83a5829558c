"""Activities through the generic suite (pages, API, rights, history), and what only they check:
dates of a task, the regarding record, participants."""

from wattwerk.core.testing import RecordTypeSuite

from .factories import ActivityFactory

RELATED = ("access.read_user", "access.read_department", "sales.read_lead")


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
