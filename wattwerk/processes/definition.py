"""Process templates as YAML: read, check against the schema and the data they refer to, and
turn into the normalised definition instances run on.

Every problem is reported at once, each with the file, the line and the path within the
template (``stages[2].gate[0].when``), in German. Conditions are CEL expressions
(:mod:`wattwerk.processes.expressions`), compiled here so that a broken one never reaches a
record.
"""

import re
from dataclasses import dataclass

import yaml
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from . import expressions

SLUG = r"^[a-z0-9][a-z0-9_-]*$"
KINDS = ("task", "call", "email", "appointment", "letter")
ASSIGNEE = r"^(owner|(role|team|department):.+)$"

_CONDITION = {"type": "string", "minLength": 1}
_SCHEMA = {
    "type": "object",
    "required": ["key", "version", "name", "record", "stages"],
    "additionalProperties": False,
    "properties": {
        "key": {"type": "string", "pattern": SLUG, "maxLength": 60},
        "version": {"type": "integer", "minimum": 1},
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": {"type": "string"},
        "record": {"enum": ["lead", "opportunity"]},
        "segment": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "probability": {"enum": ["keep_manual", "template"]},
        "stages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["key", "name"],
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string", "pattern": SLUG, "maxLength": 60},
                    "name": {"type": "string", "minLength": 1, "maxLength": 200},
                    "probability": {"type": "integer", "minimum": 0, "maximum": 100},
                    "required": {"type": "array", "items": {"type": "string"}},
                    "gate": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["when", "message"],
                            "additionalProperties": False,
                            "properties": {
                                "when": _CONDITION,
                                "message": {"type": "string", "minLength": 1},
                            },
                        },
                    },
                    "tasks": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "subject"],
                            "additionalProperties": False,
                            "properties": {
                                "key": {"type": "string", "pattern": SLUG, "maxLength": 60},
                                "subject": {"type": "string", "minLength": 1, "maxLength": 200},
                                "description": {"type": "string"},
                                "kind": {"enum": list(KINDS)},
                                "priority": {"enum": ["low", "normal", "high"]},
                                "assignee": {"type": "string", "pattern": ASSIGNEE},
                                "department": {"type": "string", "minLength": 1},
                                "start": {"type": "integer", "minimum": 0},
                                "due": {"type": "integer", "minimum": 0},
                                "notify": {"type": "boolean"},
                                "auto_close": {
                                    "type": "object",
                                    "required": ["when"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "when": _CONDITION,
                                        "field": {"type": "string", "maxLength": 200},
                                    },
                                },
                            },
                        },
                    },
                    "next": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["when", "stage"],
                            "additionalProperties": False,
                            "properties": {"when": _CONDITION, "stage": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}
_VALIDATOR = Draft202012Validator(_SCHEMA)
_STAGE_VALIDATOR = Draft202012Validator(_SCHEMA["properties"]["stages"]["items"])

_TYPES = {
    "string": "Text",
    "integer": "ganze Zahl",
    "number": "Zahl",
    "boolean": "true oder false",
    "array": "Liste",
    "object": "Abschnitt mit Angaben (Schlüssel: Wert)",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a template: where (file, line, path) and what."""

    filename: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.filename or _("Vorlage")
        if self.line is not None:
            where += _(", Zeile %(line)s") % {"line": self.line}
        if self.path:
            where += f", {self.path}"
        return f"{where}: {self.message}"


class TemplateError(ValueError):
    """A template that cannot be used; ``problems`` lists every reason, located."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def path_text(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Lines:
    """The line of every node in the YAML, by its path, for locating problems."""

    def __init__(self, node: yaml.Node | None):
        self.lines: dict[tuple, int] = {}
        self.duplicates: list[tuple] = []
        if node is not None:
            self._walk(node, ())

    def _walk(self, node: yaml.Node, path: tuple) -> None:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, value_node in node.value:
                key = key_node.value
                if key in seen:
                    self.duplicates.append((*path, key))
                seen.add(key)
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                if isinstance(value_node, yaml.CollectionNode):
                    self._walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._walk(item, (*path, index))

    def of(self, path: tuple) -> int | None:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)


def _schema_message(error) -> tuple[tuple, str]:
    """The path and German message of one schema violation."""
    path = tuple(error.absolute_path)
    match error.validator:
        case "required":
            name = re.match(r"'(.+)' is a required property", error.message)
            return path, _("Die Angabe „%(name)s“ fehlt.") % {
                "name": name.group(1) if name else error.message
            }
        case "additionalProperties":
            allowed = set(error.schema.get("properties", {}))
            extra = sorted(str(key) for key in error.instance if key not in allowed)
            return (*path, extra[0]) if extra else path, _(
                "Unbekannte Angabe „%(name)s“ (erlaubt: %(allowed)s)."
            ) % {"name": ", ".join(extra), "allowed": ", ".join(sorted(allowed))}
        case "type":
            return path, _("Erwartet: %(type)s.") % {
                "type": _TYPES.get(error.validator_value, error.validator_value)
            }
        case "enum":
            return path, _("„%(value)s“ ist nicht erlaubt; erlaubt: %(allowed)s.") % {
                "value": error.instance,
                "allowed": ", ".join(str(value) for value in error.validator_value),
            }
        case "minimum":
            return path, _("Mindestens %(value)s.") % {"value": error.validator_value}
        case "maximum":
            return path, _("Höchstens %(value)s.") % {"value": error.validator_value}
        case "minItems":
            return path, _("Mindestens ein Eintrag ist nötig.")
        case "minLength":
            return path, _("Darf nicht leer sein.")
        case "maxLength":
            return path, _("Höchstens %(value)s Zeichen.") % {"value": error.validator_value}
        case "pattern" if error.validator_value == ASSIGNEE:
            return path, _(
                "„%(value)s“: erwartet owner, role:<Rolle>, team:<Team> oder "
                "department:<Abteilung>."
            ) % {"value": error.instance}
        case "pattern":
            return path, _(
                "„%(value)s“: nur Kleinbuchstaben, Ziffern, - und _ (am Anfang ein Buchstabe "
                "oder eine Ziffer)."
            ) % {"value": error.instance}
    return path, error.message


def parse(source: str, *, filename: str = "", references=None) -> dict:
    """The normalised definition of a template's YAML, or TemplateError with every problem.

    ``references`` checks names against the data (record fields, customer types, roles, teams,
    departments; see :class:`wattwerk.processes.operations.References`); without it only the
    template's own consistency is checked.
    """
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise TemplateError(
            [
                Problem(
                    filename,
                    mark.line + 1 if mark else None,
                    "",
                    _("Kein gültiges YAML: %(problem)s") % {"problem": problem},
                )
            ]
        ) from error
    lines = _Lines(node)
    problems: list[Problem] = []

    def problem(path: tuple, message: str) -> None:
        problems.append(Problem(filename, lines.of(path), path_text(path), message))

    for path in lines.duplicates:
        problem(path, _("Die Angabe „%(name)s“ steht doppelt.") % {"name": path[-1]})
    if not isinstance(data, dict):
        problem((), _("Erwartet: eine Vorlage (Abschnitt mit key, version, name, …)."))
        raise TemplateError(problems)
    for error in sorted(_VALIDATOR.iter_errors(data), key=lambda error: list(error.path)):
        problem(*_schema_message(error))
    if data.get("record") in ("lead", "opportunity") and isinstance(data.get("stages"), list):
        _check_meaning(data, problem, references)  # also beside schema errors: all at once
    if problems:
        problems.sort(key=lambda item: (item.line or 0, item.path))
        raise TemplateError(problems)
    return _normalised(data, references)


def _check_meaning(data: dict, problem, references) -> None:
    """What the schema cannot say: unique keys, branches to stages that exist (later ones),
    conditions that compile and name what exists, names the data knows."""
    record = data["record"]
    stage_keys = [stage.get("key") if isinstance(stage, dict) else None for stage in data["stages"]]
    sample = expressions.sample_context(record)
    for index, stage in enumerate(data["stages"]):
        if not _STAGE_VALIDATOR.is_valid(stage):
            continue  # its schema errors are reported; its meaning cannot be read
        at = ("stages", index)
        if stage["key"] in stage_keys[:index]:
            problem((*at, "key"), _("Die Stufe „%(key)s“ gibt es doppelt.") % stage)
        if "probability" in stage and record != "opportunity":
            problem((*at, "probability"), _("Nur Verkaufschancen haben eine Wahrscheinlichkeit."))
        for number, name in enumerate(stage.get("required", [])):
            if references is not None and not references.has_field(record, name):
                problem(
                    (*at, "required", number),
                    _("Das Feld „%(name)s“ gibt es nicht (erlaubt: %(fields)s).")
                    % {"name": name, "fields": ", ".join(references.fields(record))},
                )
        for number, check in enumerate(stage.get("gate", [])):
            _check_condition(check["when"], (*at, "gate", number, "when"), sample, problem)
        task_keys = set()
        for number, task in enumerate(stage.get("tasks", [])):
            where = (*at, "tasks", number)
            if task["key"] in task_keys:
                problem((*where, "key"), _("Die Aufgabe „%(key)s“ gibt es doppelt.") % task)
            task_keys.add(task["key"])
            if task.get("due", task.get("start", 0)) < task.get("start", 0):
                problem((*where, "due"), _("Fällig frühestens am Beginn (start ≤ due)."))
            if "auto_close" in task:
                _check_condition(
                    task["auto_close"]["when"], (*where, "auto_close", "when"), sample, problem
                )
        for number, branch in enumerate(stage.get("next", [])):
            where = (*at, "next", number)
            _check_condition(branch["when"], (*where, "when"), sample, problem)
            if branch["stage"] not in stage_keys[index + 1 :]:
                problem(
                    (*where, "stage"),
                    _("Verzweigung nur zu einer späteren Stufe; „%(stage)s“ ist keine.") % branch,
                )
    segments = data.get("segment", [])
    if references is not None and isinstance(segments, list):
        for number, name in enumerate(segments):
            if isinstance(name, str) and not references.has_segment(name):
                problem(
                    ("segment", number),
                    _("Den Kundentyp „%(name)s“ gibt es nicht.") % {"name": name},
                )


def _check_condition(text: str, path: tuple, sample: dict, problem) -> None:
    error = expressions.check(text, sample)
    if error:
        problem(path, error)


def required_message(label: str) -> str:
    return _("„%(field)s“ ist anzugeben.") % {"field": label}


def _normalised(data: dict, references) -> dict:
    """The definition as instances read it: every optional part present, required fields as
    gate checks with a message naming the field."""
    record = data["record"]
    stages = []
    for stage in data["stages"]:
        gate = []
        for name in stage.get("required", []):
            label = references.field_label(record, name) if references is not None else name
            gate.append(
                {
                    "when": f"record.{name} != null",
                    "message": required_message(label),
                    "field": name,  # the message is made again in the reader's language
                }
            )
        gate += [
            {"when": check["when"], "message": check["message"]} for check in stage.get("gate", [])
        ]
        stages.append(
            {
                "key": stage["key"],
                "name": stage["name"],
                "probability": stage.get("probability"),
                "gate": gate,
                "tasks": [
                    {
                        "key": task["key"],
                        "subject": task["subject"],
                        "description": task.get("description", ""),
                        "kind": task.get("kind", "task"),
                        "priority": task.get("priority", "normal"),
                        "assignee": task.get("assignee", "owner"),
                        "department": task.get("department", ""),
                        "start": task.get("start", 0),
                        "due": task.get("due", task.get("start", 0)),
                        "notify": task.get("notify", False),
                        "auto_close": task.get("auto_close", {}).get("when", ""),
                        "auto_close_label": task.get("auto_close", {}).get("field", ""),
                    }
                    for task in stage.get("tasks", [])
                ],
                "next": [
                    {"when": branch["when"], "stage": branch["stage"]}
                    for branch in stage.get("next", [])
                ],
            }
        )
    return {
        "key": data["key"],
        "version": data["version"],
        "name": data["name"],
        "description": data.get("description", ""),
        "record": record,
        "segments": list(data.get("segment", [])),
        "probability": data.get("probability", "keep_manual"),
        "stages": stages,
    }
