"""The benchmark suite on the smallest data set: every case and goal is measured and reported,
ratios are positive numbers, and the Markdown states each goal with its ratio and verdict."""

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from wattwerk.bench import generator, report, suite

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
IMPORT_ROWS = 40


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """One run on XS data (generated once for the module, then removed again)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            generator.generate(size="XS", seed=3, now=NOW, progress=lambda text: None)
            result = suite.run(
                size="XS",
                repeat=2,
                warmup=0,
                import_rows=IMPORT_ROWS,
                jobs=0,
                progress=lambda text: None,
            )
            transaction.set_rollback(True)
    return result


def expected_cases() -> set[str]:
    names = {
        f"{spec.slug}.{kind}" for spec in suite.LISTS for kind in ("list", "partial", "api", "raw")
    }
    pages = ["record.account", *(f"record.account.{tab}" for tab in suite.ACCOUNT_TABS)]
    pages += ["record.opportunity", "record.opportunity.timeline", "search.name", "search.malo"]
    pages += [f"report.{key}" for key in suite.REPORTS]
    return names | set(pages) | {f"{page}.raw" for page in pages}


def test_every_case_is_measured_with_positive_times(measured):
    assert set(measured["cases"]) == expected_cases()
    for name, case in measured["cases"].items():
        assert case["median_ms"] > 0, name
        assert case["p95_ms"] >= case["median_ms"], name
        assert case["cpu_ms"] >= 0, name
        assert case["queries"] >= 1, name
        assert case["repeat"] == 2


def test_the_raw_reference_returns_the_page_of_the_api(measured):
    for spec in suite.LISTS:
        visible = measured["visible"][spec.slug]
        rows = measured["cases"][f"{spec.slug}.raw"]["rows"]
        assert 0 < rows <= min(visible, suite.PAGE)
        assert rows == measured["cases"][f"{spec.slug}.api"]["rows"], spec.slug  # not the count


def test_every_goal_of_a_run_is_judged_with_a_positive_ratio(measured):
    goals = {(goal["goal"], goal["case"]) for goal in measured["goals"]}
    for spec in suite.LISTS:
        for key in ("api_cpu_vs_raw", "html_vs_api", "partial_vs_page"):
            assert (key, spec.slug) in goals
        for kind in ("list", "partial", "api"):
            assert ("queries_constant", f"{spec.slug}.{kind}") in goals
    assert ("queries_constant", "record.account") in goals
    assert ("queries_constant", "record.opportunity.timeline") in goals
    assert {("import_rate", "leads"), ("import_memory", "leads")} <= goals
    assert {("export_memory", "leads.csv"), ("export_memory", "leads.xlsx")} <= goals
    for goal in measured["goals"]:
        assert goal["ratio"] > 0, goal
        assert goal["holds"] == (
            goal["ratio"] >= goal["limit"] if goal["at_least"] else goal["ratio"] <= goal["limit"]
        )


def test_the_import_created_the_leads_with_their_lines_and_left_nothing(measured):
    imported = measured["import"]
    assert imported["created"] == {"leads": IMPORT_ROWS // 2, "lines": IMPORT_ROWS}
    assert imported["rows_per_s"] > 0
    assert imported["raw_rows_per_s"] > 0
    assert all(peak > 0 for peak in imported["memory_peak_bytes"])


def test_jobs_not_measured_are_reported_as_such(measured):
    assert measured["jobs"] == {"skipped": "jobs=0"}


def test_merge_judges_growth_from_s_to_m_and_names_what_did_not_run(measured):
    small = {**measured, "database": "sqlite", "size": "S"}
    medium = {**measured, "database": "sqlite", "size": "M"}

    merged = report.merge([small, medium])

    growth = [goal for goal in merged["goals"] if goal["goal"] == "p95_m_vs_s"]
    assert {goal["case"] for goal in growth} == {
        name for name, case in measured["cases"].items() if case["group"] in report.GROWTH_GROUPS
    }
    assert all(goal["ratio"] == 1.0 and goal["holds"] for goal in growth)
    assert merged["not_run"] == ["postgresql S", "postgresql M"]


def test_markdown_states_every_goal_with_ratio_and_verdict(measured):
    merged = report.merge([{**measured, "database": "sqlite", "size": "S"}])

    text = report.markdown(merged)

    assert "| Ziel | Fall | DB | Größe | Verhältnis | hält | Beleg |" in text
    for goal in merged["goals"]:
        verdict = "ja" if goal["holds"] else "**nein**"
        row = f"| {goal['goal']} | {goal['case']} | sqlite | S | {report._ratio(goal)} | {verdict}"
        assert row in text
    assert "**Nicht gelaufen:** sqlite M, postgresql S, postgresql M." in text
    assert "| leads.api |" in text


def test_bench_report_command_writes_json_and_markdown(measured, tmp_path):
    run = tmp_path / "run.json"
    run.write_text(json.dumps({**measured, "database": "sqlite", "size": "S"}))

    call_command(
        "bench_report",
        str(run),
        "--json",
        str(tmp_path / "latest.json"),
        "--markdown",
        str(tmp_path / "latest.md"),
        stdout=io.StringIO(),
    )

    written = json.loads((tmp_path / "latest.json").read_text())
    assert len(written["runs"]) == 1
    assert written["goals"]
    assert (tmp_path / "latest.md").read_text().startswith("# Wattwerk – Benchmark")


def test_every_goal_has_a_short_label_and_its_own_plan():
    """The labels head the table; the plans (what to do when a goal fails) are kept apart. A
    plan written into a label went unnoticed twice."""
    assert set(report.GOALS) == set(report.PLANS)
    for goal, label in report.GOALS.items():
        assert len(label) <= 120, goal
        assert label != report.PLANS[goal], goal
