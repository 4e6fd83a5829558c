"""Fixtures shared by every app's tests, the browser fixtures included (loaded once here:
two conftests importing them would start two browsers in one session)."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from wattwerk.access.rights import forget_rights
from wattwerk.access.tests.factories import AccessHooks, UserFactory, profile_with
from wattwerk.core.tests.browser import *  # noqa: F403


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def make_user(db):
    """``make_user("access.view_department", ...)``: a user holding exactly these permissions."""

    def make(*permissions: str, **fields):
        return UserFactory(permissions=list(permissions), **fields)

    return make


@pytest.fixture
def grant_fields(db):
    """``grant_fields(user, Model, "rating", write=True)``: a field security profile for them."""

    def grant(user, model, *field_names: str, write: bool = False):
        profile = profile_with(model, *field_names, write=write, users=[user])
        forget_rights(user)
        return profile

    return grant


@pytest.fixture
def rights_hooks():
    """Builders for the generic permission suite (see wattwerk.core.testing_rights)."""
    return AccessHooks()


@pytest.fixture
def reference_data(transactional_db):
    """The shipped reference data again, for tests after a transactional test emptied the
    database (migrations load it only once)."""
    from wattwerk.core.references import load_shipped_data

    load_shipped_data()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server; Django's default mailer sends to it for the test's duration."""
    from wattwerk.core.tests.smtp import SmtpServer

    server = SmtpServer()
    server.controller.start()
    settings.MAILERS = {"default": server.mailer()}
    yield server
    server.controller.stop()
