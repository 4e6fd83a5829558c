"""Templates as YAML: every problem reported at once, located by file, line and path, in German;
the shipped templates are valid; conditions are CEL and never Python."""

import celpy
import pytest

from wattwerk.processes import definition, expressions, operations, reference

pytestmark = pytest.mark.django_db

VALID = """\
key: probe
version: 1
name: Probe
record: opportunity
stages:
  - key: eins
    name: Eins
    probability: 10
    required: [expected_close]
    gate:
      - when: size(lines) > 0
        message: Eine Zeile erfassen.
  - key: zwei
    name: Zwei
"""


def parse(source: str, filename: str = "probe.yaml") -> dict:
    return operations.parse(source, filename=filename)


def problems(source: str) -> list[definition.Problem]:
    with pytest.raises(definition.TemplateError) as caught:
        parse(source)
    return caught.value.problems


def test_a_valid_template_is_normalised_with_required_fields_as_checks():
    parsed = parse(VALID)
    first = parsed["stages"][0]
    assert [check["message"] for check in first["gate"]] == [
        "„erwarteter Abschluss“ ist anzugeben.",
        "Eine Zeile erfassen.",
    ]
    assert first["gate"][0]["when"] == "record.expected_close != null"
    assert parsed["probability"] == "keep_manual"
    assert parsed["stages"][1]["probability"] is None


def test_two_schema_errors_are_located():
    source = VALID.replace("    probability: 10\n", "    probability: 110\n").replace(
        "    name: Zwei\n", "    name: Zwei\n    colour: blau\n"
    )
    found = problems(source)
    assert [(problem.line, problem.path) for problem in found] == [
        (8, "stages[0].probability"),
        (15, "stages[1].colour"),
    ]
    assert "Höchstens 100" in found[0].message
    assert str(found[0]).startswith("probe.yaml, Zeile 8, stages[0].probability:")
    assert "Unbekannte Angabe „colour“" in found[1].message


def test_two_meaning_errors_are_located():
    source = VALID.replace("size(lines) > 0", "size(lines) >").replace(
        "required: [expected_close]", "required: [expected_closing]"
    )
    found = problems(source)
    assert [(problem.line, problem.path) for problem in found] == [
        (9, "stages[0].required[0]"),
        (11, "stages[0].gate[0].when"),
    ]
    assert "Das Feld „expected_closing“ gibt es nicht" in found[0].message
    assert found[1].message.startswith("Ungültiger Ausdruck")


def test_missing_parts_and_unknown_names_are_named():
    source = "key: Probe Eins\nversion: 0\nrecord: kunde\nstages: []\n"
    messages = [str(problem) for problem in problems(source)]
    assert "probe.yaml, Zeile 1: Die Angabe „name“ fehlt." in messages
    assert any("key" in message and "nur Kleinbuchstaben" in message for message in messages)
    assert any("version: Mindestens 1" in message for message in messages)
    assert any("„kunde“ ist nicht erlaubt" in message for message in messages)
    assert any("stages: Mindestens ein Eintrag" in message for message in messages)


def test_a_condition_naming_an_unknown_field_or_variable_is_refused():
    source = VALID.replace("size(lines) > 0", "record.volume > 0 || offer.sent")
    [found] = problems(source)
    assert found.path == "stages[0].gate[0].when"
    assert "Unbekannter Name" in found.message
    assert "volume" in found.message


def test_branches_go_to_later_stages_only_and_keys_are_unique():
    source = (
        VALID
        + "    next:\n      - when: 'true'\n        stage: eins\n  - key: zwei\n    name: Nochmal\n"
    )
    messages = [problem.message for problem in problems(source)]
    assert any("Verzweigung nur zu einer späteren Stufe" in message for message in messages)
    assert any("Die Stufe „zwei“ gibt es doppelt" in message for message in messages)


def test_broken_yaml_names_the_line():
    [found] = problems(VALID.replace("  - key: zwei", "  - key: [zwei"))
    assert found.line is not None
    assert found.line >= 13
    assert found.message.startswith("Kein gültiges YAML")


def test_leads_have_no_probability_and_segments_must_exist():
    source = VALID.replace("record: opportunity", "record: lead\nsegment: [Bäckerei]")
    messages = [str(problem) for problem in problems(source)]
    assert any("Nur Verkaufschancen haben eine Wahrscheinlichkeit" in m for m in messages)
    assert any("segment[0]" in m and "Kundentyp „Bäckerei“" in m for m in messages)


def test_the_shipped_templates_are_valid_and_stored_inactive():
    from wattwerk.processes.models import ProcessTemplate

    shipped = reference.shipped()
    assert len(shipped) == 4
    for filename, source in shipped:
        parse(source, filename)
    stored = ProcessTemplate.objects.all()
    assert stored.count() == 4
    assert not stored.filter(is_active=True).exists()
    kinds = sorted(stored.values_list("record_kind", flat=True))
    assert kinds == ["lead", "lead", "opportunity", "opportunity"]


def test_conditions_cannot_run_python():
    sample = expressions.sample_context("opportunity")
    assert not expressions.holds("__import__('os').system('true')", celpy.json_to_cel(sample))
    assert expressions.check("__import__('os')", sample)


def test_schema_and_meaning_errors_are_reported_together():
    source = VALID.replace("record: opportunity", "record: opportunity\ncolour: blau").replace(
        "size(lines) > 0", "record.volume > 0"
    )
    found = problems(source)
    assert [problem.path for problem in found] == ["colour", "stages[0].gate[0].when"]


def test_a_task_without_due_is_due_at_its_start_and_keys_are_bounded():
    source = VALID + "    tasks:\n      - key: t\n        subject: Aufgabe\n        start: 2\n"
    assert parse(source)["stages"][1]["tasks"][0]["due"] == 2
    [found] = problems(VALID.replace("key: probe", "key: " + "p" * 61))
    assert (found.path, found.message) == ("key", "Höchstens 60 Zeichen.")
