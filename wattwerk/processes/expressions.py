"""Conditions in process templates: CEL (Common Expression Language) through cel-python.

CEL is small, side-effect free and always terminates; a template can read the data, never run
code. What a condition sees (documented in ``docs/processes.md``):

- ``record``: the lead's or opportunity's fields by name (a link as the linked record's number;
  ``customer_type`` as the customer type's name — for an opportunity, its account's);
- ``lines``: its lines (potential and demand), each with ``kind`` ("energy"/"service"),
  ``line_set``, ``commodity`` (code), ``price_model``, ``product`` and ``service`` (names),
  ``delivery_point``, ``malo_id``, ``active_from``,
  ``active_to``, ``annual_kwh``, ``price_ct_kwh``, ``service``, ``scope``, ``value_eur``, …;
- ``account`` and ``contact``: the linked account and contact, or ``null``;
- ``activities``: the record's activities with ``kind``, ``status`` and ``subject``;
- ``tasks``: the stage tasks of its process (on its current template) with ``key``, ``stage``
  and ``status``
  (``tasks.exists(t, t.key == "vertrag" && t.status == "completed")``);
- ``lead``: for an opportunity, the lead it was qualified from, or ``null``.

Empty texts read as ``null``, and anything compares with ``null``; every number is a double,
and a whole number written beside it compares as one (``record.probability >= 50`` and
``l.annual_kwh > 0.5`` both work), dates as ISO texts (``"2027-01-01"``), which compare in
order. A condition that cannot be evaluated (a comparison with a missing value, say) counts as
not met.
"""

from datetime import date, datetime
from decimal import Decimal
from functools import cache

import celpy
from celpy import celtypes, evaluation
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _
from lark import Tree

from wattwerk.activities.models import Activity
from wattwerk.customers.models import Account, Contact
from wattwerk.sales.models import Lead, Line, Opportunity

from .models import ProcessTask

RECORD_MODELS = {"lead": Lead, "opportunity": Opportunity}
_ENVIRONMENT = celpy.Environment()
_NAME_ERRORS = ("undeclared reference", "no such member")


class ConditionError(ValueError):
    pass


def _coerced(a, b) -> tuple:
    """An int beside a double compares as a double (``record.probability >= 50``)."""
    whole = (celtypes.IntType, celtypes.UintType)
    if isinstance(a, celtypes.DoubleType) and isinstance(b, whole):
        return a, celtypes.DoubleType(b)
    if isinstance(b, celtypes.DoubleType) and isinstance(a, whole):
        return celtypes.DoubleType(a), b
    return a, b


def _equality(compare, *, negated: bool):
    """Any value compares with null (``record.contact != null``); CEL itself refuses a number
    or a map beside null."""

    def equal(a, b):
        if a is None or b is None:
            return celtypes.BoolType((a is None and b is None) != negated)
        return compare(*_coerced(a, b))

    return equal


def _ordering(compare):
    return lambda a, b: compare(*_coerced(a, b))


OPERATORS = {
    "_==_": _equality(evaluation.bool_eq, negated=False),
    "_!=_": _equality(evaluation.bool_ne, negated=True),
    "_<_": _ordering(evaluation.bool_lt),
    "_<=_": _ordering(evaluation.bool_le),
    "_>_": _ordering(evaluation.bool_gt),
    "_>=_": _ordering(evaluation.bool_ge),
}


@cache
def _program(text: str):
    try:
        return _ENVIRONMENT.program(_ENVIRONMENT.compile(text), functions=OPERATORS)
    except celpy.CELParseError as error:
        raise ConditionError(
            _("Ungültiger Ausdruck (Zeichen %(column)s): %(text)s")
            % {"column": getattr(error, "column", "?"), "text": " ".join(text.split())}
        ) from error


def holds(text: str, context: dict) -> bool:
    """Whether the condition is true for this context; one that cannot be evaluated is not."""
    try:
        result = _program(text).evaluate(context)
    except (ConditionError, celpy.CELEvalError, TypeError, ValueError):
        return False
    return isinstance(result, celtypes.BoolType) and bool(result)


def check(text: str, sample: dict) -> str:
    """Why the condition is unusable — it does not compile, or it names a variable or a field
    that does not exist (read from the expression, so also in a branch not taken) — or ""."""
    try:
        _program(text)
    except ConditionError as error:
        return str(error)
    tree = _ENVIRONMENT.compile(text)
    unknown = []
    _unknown_names(tree, sample, {}, unknown)
    if unknown:
        return _("Unbekannter Name: %(names)s") % {"names": ", ".join(dict.fromkeys(unknown))}
    return ""


MACROS = {"exists", "exists_one", "all", "filter", "map"}
FUNCTIONS = {name for name in evaluation.base_functions if name.isidentifier()} | {"has", "dyn"}


def _root(node) -> str | None:
    """The variable a member chain starts from (``lines`` in ``lines.filter(…).all(…)``)."""
    while isinstance(node, Tree):
        if node.data == "primary":
            first = node.children[0] if node.children else None
            if isinstance(first, Tree) and first.data == "ident":
                return str(first.children[0])
            return None
        node = node.children[0] if node.children else None
    return None


def _fields_of(name: str | None, sample: dict, bound: dict):
    """The fields a variable has (a dict), or None when not known."""
    if name in bound:
        return bound[name]
    value = sample.get(name)
    return value if isinstance(value, dict) else None


def _unknown_names(node, sample: dict, bound: dict, unknown: list) -> None:
    if not isinstance(node, Tree):
        return
    if node.data == "ident" and node.children:
        name = str(node.children[0])
        if name not in sample and name not in bound:
            unknown.append(name)
        return
    if node.data == "ident_arg" and node.children:
        name = str(node.children[0])
        if name not in FUNCTIONS:
            unknown.append(f"{name}()")
        for child in node.children[1:]:
            _unknown_names(child, sample, bound, unknown)
        return
    if node.data == "member_dot":
        inner, field = node.children[0], str(node.children[1])
        if isinstance(inner, Tree) and inner.data == "member" and _direct(inner):
            known = _fields_of(_root(inner), sample, bound)
            if known is not None and field not in known:
                unknown.append(f"{_root(inner)}.{field}")
        _unknown_names(inner, sample, bound, unknown)
        return
    if node.data == "member_dot_arg" and len(node.children) == 3:
        inner, method, arguments = node.children
        if str(method) in MACROS and arguments.children:
            variable = _root(arguments.children[0])
            items = sample.get(_root(inner))
            item = items[0] if isinstance(items, list) and items else None
            _unknown_names(inner, sample, bound, unknown)
            inside = {**bound, variable: item if isinstance(item, dict) else None}
            for argument in arguments.children[1:]:
                _unknown_names(argument, sample, inside, unknown)
            return
    for child in node.children:
        _unknown_names(child, sample, bound, unknown)


def _direct(member) -> bool:
    """Whether a member node is a plain variable (not a call or an index)."""
    return (
        len(member.children) == 1
        and isinstance(member.children[0], Tree)
        and member.children[0].data == "primary"
    )


def _value(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_value(item) for item in value]
    return str(value)


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if field.name != "id"]


def _values(instance, model: type[models.Model]) -> dict:
    values = {"id": float(instance.pk)}
    for field in _fields(model):
        values[field.name] = _value(getattr(instance, field.attname))
    return values


def _nulls(model: type[models.Model]) -> dict:
    return {"id": None} | {field.name: None for field in _fields(model)}


def record_fields(record_kind: str) -> list[str]:
    names = [field.name for field in _fields(RECORD_MODELS[record_kind])]
    return names if "customer_type" in names else [*names, "customer_type"]


def sample_context(record_kind: str) -> dict:
    """A context of the record kind's shape with every value null (and one line, one
    activity), for checking the names a condition uses."""
    record = _nulls(RECORD_MODELS[record_kind]) | {"customer_type": None}
    return {
        "record": record,
        "lines": [_nulls(Line)],
        "account": _nulls(Account),
        "contact": _nulls(Contact),
        "activities": [{"kind": None, "status": None, "subject": None}],
        "tasks": [{"key": None, "stage": None, "status": None}],
        "lead": _nulls(Lead) if record_kind == "opportunity" else None,
    }


# Links of a line that a condition sees by their name (or code) rather than their number.
NAMED_LINE_LINKS = ("commodity", "price_model", "product", "service")


def _line_values(line) -> dict:
    values = _values(line, Line)
    for name in NAMED_LINE_LINKS:
        linked = getattr(line, name)
        values[name] = None if linked is None else getattr(linked, "code", None) or str(linked)
    return values


def context_customer_type(record: Lead | Opportunity) -> str | None:
    """The name of the record's customer type (an opportunity's: its account's)."""
    if isinstance(record, Opportunity):
        record = record.account
    return record.customer_type.name if record.customer_type_id else None


def context(record: Lead | Opportunity) -> dict:
    """What a condition sees of the record, read afresh (a handful of queries)."""
    return contexts([record])[0]


def contexts(records: list) -> list[dict]:
    """:func:`context` for many records of one type, in the same handful of queries."""
    if not records:
        return []
    model = type(records[0])
    ids = [record.pk for record in records]
    links = model._meta.get_field("lines")
    lines = _grouped(
        links.related_model.objects.filter(**{f"{links.field.name}__in": ids}).select_related(
            *NAMED_LINE_LINKS
        ),
        key=lambda line: getattr(line, links.field.attname),
        value=_line_values,
    )
    kind = {"app_label": model._meta.app_label, "model": model._meta.model_name}
    activities = _grouped(
        Activity.objects.filter(
            regarding_type__app_label=kind["app_label"],
            regarding_type__model=kind["model"],
            regarding_id__in=ids,
        ).values("regarding_id", "kind", "status", "subject"),
        key=lambda row: row.pop("regarding_id"),
        value=_row_values,
    )
    tasks = _grouped(
        ProcessTask.objects.filter(
            instance__record_type__app_label=kind["app_label"],
            instance__record_type__model=kind["model"],
            instance__record_id__in=ids,
            visit__template=F("instance__template"),  # the current template's only
        ).values(
            "key",
            record=F("instance__record_id"),
            stage=F("visit__stage"),
            status=F("activity__status"),
        ),
        key=lambda row: row.pop("record"),
        value=_row_values,
    )
    # the linked records each context names: one query per link, not one per record
    linked = (
        ("account__customer_type", "contact", "lead")
        if model is Opportunity
        else ("account", "contact", "customer_type")
    )
    models.prefetch_related_objects(records, *linked)
    found = []
    for record in records:
        values = _values(record, model)
        account = record.account if record.account_id else None
        values["customer_type"] = context_customer_type(record)
        found.append(
            celpy.json_to_cel(
                {
                    "record": values,
                    "lines": lines.get(record.pk, []),
                    "account": _values(account, Account) if account else None,
                    "contact": _values(record.contact, Contact) if record.contact_id else None,
                    "activities": activities.get(record.pk, []),
                    "tasks": tasks.get(record.pk, []),
                    "lead": _values(record.lead, Lead)
                    if isinstance(record, Opportunity) and record.lead_id
                    else None,
                }
            )
        )
    return found


def _grouped(rows, *, key, value) -> dict:
    groups: dict = {}
    for row in rows:
        groups.setdefault(key(row), []).append(value(row))
    return groups


def _row_values(row: dict) -> dict:
    return {name: _value(item) for name, item in row.items()}
