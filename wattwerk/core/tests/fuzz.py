"""Schemathesis fuzzing of the REST API, in-process and inside the test's database transaction.

The schema is loaded once, when the test module is collected; schemathesis turns each API
operation into a test of its own. Generated values are steered towards rows that exist: a path
id is often replaced by the primary key of a row of the viewset's model, a foreign key in a body
or a filter by a row of the related model, and a random ``If-Match`` by ``*`` or nothing, so the
requests get past 404, 400 and 412 into the code that reads and writes. Every app's viewsets
registered on the router are covered without further configuration::

    schema = fuzz.load_api_schema(max_examples=50)

    @pytest.mark.fuzz
    @schema.parametrize()
    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
    def test_api(case, api_headers):  # api_headers: creates rows, yields the auth header
        fuzz.call_in_savepoint(case, headers=api_headers)

:func:`call_in_savepoint` rolls back each request's writes, so every example sees the rows the
fixture created (no example deletes the admin or the department the next one needs), and a
database error in one request cannot abort the test's transaction on PostgreSQL.
"""

import re
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import strategies as st
from rest_framework import relations

from wattwerk.core.api.routers import router

API_PREFIX = "/api/v1/"
SCHEMA_PATH = f"{API_PREFIX}schema/"

# Checked on every response; the schema documents the problem+json answers of every operation
# (wattwerk.core.api.schema), so an undocumented status code fails too.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "content_type_conformance",
)


def fuzz_config(*, max_examples: int) -> schemathesis.Config:
    """Valid and invalid data, the same requests on every run (and in CI), no example database."""
    return schemathesis.Config.from_dict(
        {
            "generation": {
                "mode": "all",
                "max-examples": max_examples,
                "deterministic": True,
                "database": "none",
            },
            "phases": {"stateful": {"enabled": False}},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        }
    )


def load_api_schema(*, max_examples: int = 50):
    """The API schema as served by the WSGI application of the test settings."""
    # The schema view needs no database: it may be loaded while pytest collects the tests.
    schema = schemathesis.openapi.from_wsgi(
        SCHEMA_PATH, get_wsgi_application(), config=fuzz_config(max_examples=max_examples)
    )
    _steer_towards_existing_rows(schema)
    return schema


@contextmanager
def keep_connection_open() -> Iterator[None]:
    """Serve requests in the test's own connection and transaction, as Django's test client does.

    Django closes "old" connections when a request starts and ends; inside the test transaction
    that would close the connection the test's rows live in.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call_in_savepoint(case, *, headers: Mapping[str, str]):
    """Send the case, check the response, and roll back whatever the request wrote.

    A failure carries the traceback of the exception behind a 500, not only the error page.
    """
    with _server_errors() as tracebacks, transaction.atomic():
        _address_existing_row(case)
        try:
            return case.call_and_validate(headers=dict(headers))
        except BaseException as error:  # schemathesis' FailureGroup is no Exception
            for text in tracebacks:
                error.add_note(f"Server-side traceback:\n{text}")
            raise
        finally:
            transaction.set_rollback(True)


@contextmanager
def _server_errors() -> Iterator[list[str]]:
    tracebacks: list[str] = []

    def record(sender, request=None, **kwargs):
        tracebacks.append(traceback.format_exc())

    got_request_exception.connect(record, weak=False)
    try:
        yield tracebacks
    finally:
        got_request_exception.disconnect(record)


# --- Steering generated values towards existing rows -------------------------------------------


def _viewset_for(path: str):
    """The viewset registered on the router for an operation path, e.g. ``/api/v1/users/{id}/``."""
    if not path.startswith(API_PREFIX):
        return None
    rest = path.removeprefix(API_PREFIX)
    matches = [
        (len(prefix), viewset)
        for prefix, viewset, _basename in router.registry
        if rest.startswith(f"{prefix}/")
    ]
    return max(matches, key=lambda match: match[0])[1] if matches else None


def _ids(model, field: str = "pk") -> list:
    """Values of ``field`` of (up to 50) rows of ``model``, whoever may see them."""
    return list(model._base_manager.order_by("pk").values_list(field, flat=True)[:50])


def _lookup(viewset) -> tuple[str, str] | None:
    """The path parameter naming a viewset's record, and the model field it looks up."""
    if getattr(viewset, "model", None) is None:
        return None
    field = viewset.lookup_field
    parameter = viewset.lookup_url_kwarg or field
    # drf-spectacular calls a primary key parameter "id".
    return ("id" if parameter == "pk" else parameter), field


def _existing(ids: list, *, many: bool = False) -> st.SearchStrategy:
    one = st.sampled_from(ids)
    return st.lists(one, max_size=3, unique=True) if many else one


def _related_fields(viewset) -> dict[str, st.SearchStrategy]:
    """Body fields that hold primary keys, with a strategy drawing existing ones."""
    serializer_class = getattr(viewset, "serializer_class", None)
    if serializer_class is None:
        return {}
    strategies = {}
    for name, field in serializer_class().fields.items():
        if field.read_only:
            continue
        many = isinstance(field, relations.ManyRelatedField)
        relation = field.child_relation if many else field
        if isinstance(relation, relations.PrimaryKeyRelatedField) and relation.queryset is not None:
            ids = _ids(relation.queryset.model)
            if ids:
                strategies[name] = _existing(ids, many=many)
    return strategies


def _filter_fields(viewset) -> dict[str, st.SearchStrategy]:
    """Query parameters that filter by a related row, with a strategy drawing existing ones."""
    filterset_class = getattr(viewset, "filterset_class", None)
    if filterset_class is None:
        return {}
    strategies = {}
    for name, filter_ in filterset_class.base_filters.items():
        queryset = getattr(filter_, "queryset", None)
        if queryset is not None and hasattr(queryset, "model"):
            ids = _ids(queryset.model)
            if ids:
                strategies[name] = _existing(ids)
    return strategies


def _some_replaced(value: dict, strategies: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """``value`` as generated, or with some of its keys replaced by values drawn from strategies."""
    strategies = {name: strategy for name, strategy in strategies.items() if name in value}
    if not strategies:
        return st.just(value)
    replaced = st.fixed_dictionaries({}, optional=strategies).map(lambda new: {**value, **new})
    return st.one_of(st.just(value), replaced)


def _steer_towards_existing_rows(schema) -> None:
    # The hooks run while hypothesis draws an example, inside the test: the rows are there.

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        lookup = _lookup(_viewset_for(context.operation.path))
        if lookup is None or lookup[0] not in (path_parameters or {}):
            return st.just(path_parameters)
        name, field = lookup
        ids = _ids(_viewset_for(context.operation.path).model, field)
        if not ids:
            return st.just(path_parameters)
        # Most examples address a row that exists; the others keep the generated value.
        return st.sampled_from([None, *ids]).map(
            lambda pk: path_parameters if pk is None else {**path_parameters, name: pk}
        )

    @schema.hook
    def flatmap_body(context, body):
        viewset = _viewset_for(context.operation.path)
        if not isinstance(body, dict) or viewset is None:
            return st.just(body)
        return _some_replaced(body, _related_fields(viewset))

    @schema.hook
    def flatmap_query(context, query):
        viewset = _viewset_for(context.operation.path)
        if not isinstance(query, dict) or viewset is None:
            return st.just(query)
        return _some_replaced(query, _filter_fields(viewset))

    @schema.hook
    def flatmap_headers(context, headers):
        # A random If-Match never matches the record's ETag: the write would always end in 412.
        if not isinstance(headers, dict) or "If-Match" not in headers:
            return st.just(headers)
        without = {name: value for name, value in headers.items() if name != "If-Match"}
        return st.sampled_from([headers, {**headers, "If-Match": "*"}, without])


def _address_existing_row(case) -> None:
    """Point a coverage-phase request for an id that names no row at one that does.

    The coverage phase builds its requests while the tests are collected, before any row exists;
    its ids would all be answered with 404. Ids that are not integers are left alone.
    """
    if case.meta is None or case.meta.phase.name != "coverage":
        return
    viewset = _viewset_for(case.operation.path)
    lookup = _lookup(viewset)
    if lookup is None or lookup[0] not in (case.path_parameters or {}) or lookup[1] != "pk":
        return
    name = lookup[0]
    value = str(case.path_parameters[name])
    if not re.fullmatch(r"-?\d+", value):
        return
    ids = _ids(viewset.model)
    if ids and int(value) not in ids:
        case.path_parameters[name] = ids[int(value) % len(ids)]
