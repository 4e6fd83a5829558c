"""Property-based fuzzing of the whole REST API: no request may end in a server error.

Run alone with ``pytest -m fuzz``. Every operation of the OpenAPI schema is a test of its own;
each sends valid and invalid requests as an administrator against a small organisation.
"""

import pytest
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from wattwerk.access.tests.factories import (
    DepartmentFactory,
    RoleFactory,
    TeamFactory,
    UserFactory,
    profile_with,
)
from wattwerk.core.tests.sample.models import Note

from . import fuzz

schema = fuzz.load_api_schema(max_examples=50)


@pytest.fixture
def api_headers(db):
    """A department tree with members, and an administrator's token."""
    root = DepartmentFactory(name="Vertrieb", code="vertrieb")
    child = DepartmentFactory(name="Geschäftskunden", code="vertrieb-gk", parent=root)
    leaf = DepartmentFactory(name="Großkunden Nord", code="vertrieb-gk-nord", parent=child)
    DepartmentFactory(name="Kreditmanagement", code="kredit")
    for department in (root, child, leaf):
        UserFactory(department=department)
    UserFactory(department=child, is_active=False)
    # A role, a team and a note, so that paths with an id (matrix, shares) meet real records.
    role = RoleFactory(name="Vertrieb")
    TeamFactory(name="Ausschreibungen", department=root)
    admin = UserFactory(username="fuzz-admin", is_superuser=True, is_staff=True, department=None)
    Note.objects.create(title="Bonität prüfen", owner=admin, rating="B")
    profile_with(Note, "rating", name="Kreditmanagement")
    admin.roles.add(role)
    token = Token.objects.create(user=admin)
    with fuzz.keep_connection_open():
        yield {"Authorization": f"Token {token.key}"}


@pytest.mark.fuzz
@schema.parametrize()
# The rows are created once per operation; each request's writes are rolled back on their own.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_without_server_error(case, api_headers):
    fuzz.call_in_savepoint(case, headers=api_headers)
