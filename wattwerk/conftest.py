"""Fixtures shared by every app's tests."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from wattwerk.access.tests.factories import UserFactory


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
def api_client():
    return APIClient()
