"""Departments and users through the generic record suite (UI and API)."""

from wattwerk.core.testing import RecordTypeSuite

from .factories import DepartmentFactory, UserFactory


class TestDepartmentRecords(RecordTypeSuite):
    slug = "departments"
    factory = DepartmentFactory
    api_path = "/api/v1/departments/"
    change_field = "name"
    change_value = "Großkundenvertrieb"
    bad_field = ("email", "keine-adresse")

    def valid_form_data(self):
        return {"name": "Energiedienstleistungen", "code": "eds", "email": "eds@example.org"}

    def valid_api_data(self):
        return {"name": "Energiedienstleistungen", "code": "eds"}


class TestUserRecords(RecordTypeSuite):
    slug = "users"
    factory = UserFactory
    api_path = "/api/v1/users/"
    change_field = "last_name"
    change_value = "Schröder"
    bad_field = ("email", "keine-adresse")
    related_permissions = ("access.view_department",)

    def valid_form_data(self):
        return {"username": "neu", "first_name": "Nina", "last_name": "Neumann", "is_active": "on"}

    def valid_api_data(self):
        return {"username": "neu", "first_name": "Nina", "last_name": "Neumann"}
