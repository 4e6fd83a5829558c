"""Departments and users through the generic record suite (UI and API)."""

import itertools

from django.contrib.contenttypes.models import ContentType

from wattwerk.access.models import Depth, Privilege, RolePrivilege
from wattwerk.core.registry import registry
from wattwerk.core.testing import Position, RecordTypeSuite

from .factories import DepartmentFactory, RoleFactory, TeamFactory, UserFactory

_numbers = itertools.count(1)


class TestDepartmentRecords(RecordTypeSuite):
    slug = "departments"
    factory = DepartmentFactory
    api_path = "/api/v1/departments/"
    change_field = "name"
    change_value = "Großkundenvertrieb"
    bad_field = ("email", "keine-adresse")
    # One's own department has oneself as a member: deleting it is refused as still in use.
    in_use_positions = (Position.DEPARTMENT,)

    def valid_form_data(self):
        return {"name": "Energiedienstleistungen", "code": "eds", "email": "eds@example.org"}

    def place(self, position, user):
        if position == Position.OWN:
            return None  # a department has no owner
        return self.department_at(position, user)

    def new_record_data(self, position, user, *, api):
        if position in (Position.OWN, Position.DEPARTMENT):
            return None  # a new department is never one's own
        n = next(_numbers)
        parent = self.department_at(position, user)
        return {"name": f"Neue Abteilung {n}", "code": f"neu-{n}", "parent": parent.pk}

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
    # One's own account cannot be deleted by oneself: refused like a record still in use.
    in_use_positions = (Position.OWN,)

    def valid_form_data(self):
        return {"username": "neu", "first_name": "Nina", "last_name": "Neumann", "is_active": "on"}

    def place(self, position, user):
        return self.user_at(position, user)  # "own": one's own user record

    def new_record_data(self, position, user, *, api):
        if position == Position.OWN:
            return None  # a new user is never oneself
        data = {
            "username": f"neu{next(_numbers)}",
            "first_name": "Nina",
            "last_name": "Neumann",
            "department": self.department_at(position, user).pk,
        }
        return data if api else {**data, "is_active": "on"}

    def valid_api_data(self):
        return {"username": "neu", "first_name": "Nina", "last_name": "Neumann"}

    def grow_related(self, record, n):
        super().grow_related(record, n)
        record.roles.add(*RoleFactory.create_batch(n))


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

    def place(self, position, user):
        # "own": a team one is a member of (in one's own department; test_rights covers a team
        # of another department).
        members = [user] if position == Position.OWN else []
        return TeamFactory(department=self.department_at(position, user), members=members)

    def new_record_data(self, position, user, *, api):
        data = {
            "name": f"Neues Team {next(_numbers)}",
            "department": self.department_at(position, user).pk,
        }
        if position == Position.OWN:
            data["members"] = [user.pk]  # one's own: one is a member
        return data

    def valid_api_data(self):
        return {"name": "Key Account Stadtwerke", "department": DepartmentFactory().pk}

    def grow_related(self, record, n):
        super().grow_related(record, n)
        record.members.add(*UserFactory.create_batch(n))
        record.roles.add(*RoleFactory.create_batch(n))


class TestRoleRecords(RecordTypeSuite):
    slug = "roles"
    factory = RoleFactory
    api_path = "/api/v1/roles/"
    change_field = "name"
    change_value = "Vertrieb Nord"
    bad_field = ("name", "")

    def valid_form_data(self):
        return {"name": "Energiedienstleistungen", "description": "EDL-Vertrieb"}

    def new_record_data(self, position, user, *, api):
        if position != Position.ORGANISATION:
            return None
        return {"name": f"Neue Rolle {next(_numbers)}"}

    def valid_api_data(self):
        return {"name": "Energiedienstleistungen"}

    def grow_related(self, record, n):
        """Privileges on ``n`` more record types."""
        super().grow_related(record, n)
        held = set(record.privileges.values_list("content_type", flat=True))
        models = [rt.model for rt in registry]
        types = ContentType.objects.get_for_models(*models).values()
        for content_type in [t for t in types if t.pk not in held][:n]:
            for privilege in (Privilege.READ, Privilege.WRITE):
                RolePrivilege.objects.create(
                    role=record, content_type=content_type, privilege=privilege, depth=Depth.OWN
                )
