"""Departments and users through the generic record suite (UI and API)."""

from wattwerk.core.testing import RecordTypeSuite

from .factories import DepartmentFactory, RoleFactory, TeamFactory, UserFactory


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


class TestTeamRecords(RecordTypeSuite):
    slug = "teams"
    factory = TeamFactory
    api_path = "/api/v1/teams/"
    change_field = "name"
    change_value = "Ausschreibungsteam Nord"
    bad_field = ("department", 999999)
    related_permissions = ("access.view_department", "access.view_user", "access.view_role")

    def valid_form_data(self):
        return {"name": "Key Account Stadtwerke", "department": DepartmentFactory().pk}

    def valid_api_data(self):
        return {"name": "Key Account Stadtwerke", "department": DepartmentFactory().pk}


class TestRoleRecords(RecordTypeSuite):
    slug = "roles"
    factory = RoleFactory
    api_path = "/api/v1/roles/"
    change_field = "name"
    change_value = "Vertrieb Nord"
    bad_field = ("name", "")

    def valid_form_data(self):
        return {"name": "Energiedienstleistungen", "description": "EDL-Vertrieb"}

    def valid_api_data(self):
        return {"name": "Energiedienstleistungen"}
