"""API errors as RFC 9457 problem details (``application/problem+json``) naming each bad field."""

from http import HTTPStatus

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "Der Datensatz wurde inzwischen geändert (If-Match passt nicht zum ETag)."
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Der Vorgang widerspricht dem Zustand des Datensatzes."
    default_code = "conflict"


def flatten_errors(detail, prefix: str = "") -> list[dict]:
    """``{"lines": [{"qty": ["bad"]}]}`` → ``[{"field": "lines.0.qty", "message": "bad"}]``."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and detail and all(isinstance(i, dict | list) for i in detail):
        items = ((str(index), item) for index, item in enumerate(detail))
    else:
        messages = detail if isinstance(detail, list) else [detail]
        field = prefix or None
        if field in {"non_field_errors", "__all__"}:
            field = None
        return [
            {"field": field, "message": str(message), "code": getattr(message, "code", "invalid")}
            for message in messages
        ]
    errors = []
    for key, value in items:
        name = str(key) if key not in {"non_field_errors", "__all__"} else ""
        errors += flatten_errors(value, f"{prefix}.{name}".strip(".") if name != "" else prefix)
    return errors


def problem_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    problem = {"type": "about:blank", "status": code}
    if isinstance(exc, exceptions.ValidationError):
        problem["title"] = _("Ungültige Eingabe")
        problem["errors"] = flatten_errors(response.data)
        problem["detail"] = "; ".join(
            f"{error['field']}: {error['message']}" if error["field"] else error["message"]
            for error in problem["errors"]
        )
    else:
        try:
            problem["title"] = HTTPStatus(code).phrase
        except ValueError:
            problem["title"] = str(code)
        detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
        problem["detail"] = str(detail)
    response.data = problem
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
