"""The application shell: health, German pages, CSP, commands."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from rest_framework.authtoken.models import Token

from wattwerk.access.models import Department, User


@pytest.mark.django_db
def test_health_answers_200_when_the_database_answers(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_health_answers_503_when_the_database_does_not(client, monkeypatch):
    def unreachable(self):
        raise OperationalError("connection refused")

    # The edge of the world: the database server is gone.
    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", unreachable)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_pages_need_login_and_the_login_page_is_german(client):
    response = client.get("/departments/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    page = client.get("/login/")
    assert page["Content-Language"] == "de"
    assert "Anmelden" in page.content.decode()


@pytest.mark.django_db
def test_english_is_the_second_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    page = client.get("/login/")
    assert page["Content-Language"] == "en"
    assert "Log in" in page.content.decode()


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_for_our_own_origin_only(client, admin_user):
    client.force_login(admin_user)
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_unknown_page_is_a_german_404(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/departments/999999/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


@pytest.mark.django_db
def test_front_end_files_are_served_by_the_app(client):
    for path in (
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/bootstrap/bootstrap.min.css",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    ):
        response = client.get(path)
        assert response.status_code == 200, path


@pytest.mark.django_db
def test_schema_is_openapi_3(client):
    response = client.get("/api/v1/schema/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/departments/" in schema["paths"]
    assert "/api/v1/users/{id}/" in schema["paths"]


@pytest.mark.django_db
def test_load_demo_is_idempotent(capsys):
    call_command("load_demo")
    counts = (Department.objects.count(), User.objects.count())
    call_command("load_demo")
    assert (Department.objects.count(), User.objects.count()) == counts
    assert Department.objects.get(code="vertrieb-gk").parent.code == "vertrieb"
    assert User.objects.get(username="kredit").department.name == "Kreditmanagement"
    assert User.objects.get(username="admin").check_password("wattwerk-demo")
    assert "vertrieb" in capsys.readouterr().out


@pytest.mark.django_db
def test_create_api_token_prints_a_working_token(capsys, make_user, api_client):
    user = make_user("access.view_department")
    call_command("create_api_token", user.username)
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=user).key == key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/departments/").status_code == 200


def test_production_settings_pass_the_deployment_checks(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wattwerk.settings.production",
        "SECRET_KEY": "x" * 64 + "-not-a-real-key-but-long-and-random-enough-" + "y" * 16,
        "ALLOWED_HOSTS": "crm.example.org",
        "WATTWERK_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "wattwerk.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_numbers_and_dates_are_german():
    from datetime import date
    from decimal import Decimal

    from django.utils import formats, translation

    with translation.override("de"):
        assert formats.localize(Decimal("1234.5")) == "1.234,5"
        assert formats.date_format(date(2026, 12, 31), "SHORT_DATE_FORMAT") == "31.12.2026"
    with translation.override("en"):
        assert formats.localize(Decimal("1234.5")) == "1,234.5"


@pytest.mark.django_db
def test_forbidden_action_is_a_german_403(client, make_user):
    client.force_login(make_user())
    response = client.get("/departments/add/")
    assert response.status_code == 403
    assert "Keine Berechtigung" in response.content.decode()


def test_server_error_page_is_german_and_needs_no_database(rf):
    from django.utils import translation

    from wattwerk.urls import handler500

    with translation.override("de"):
        response = handler500(rf.get("/"))
    assert response.status_code == 500
    assert "Interner Fehler" in response.content.decode()
