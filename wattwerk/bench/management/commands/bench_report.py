"""``wattwerk bench_report RUN.json … --json OUT --markdown OUT``: one table from the runs."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from wattwerk.bench import report


class Command(BaseCommand):
    help = "Führt Benchmark-Läufe (JSON) zu einer JSON-Datei und einer Markdown-Tabelle zusammen."

    def add_arguments(self, parser):
        parser.add_argument("runs", nargs="+", type=Path, help="JSON-Dateien von `wattwerk bench`")
        parser.add_argument("--json", type=Path, required=True)
        parser.add_argument("--markdown", type=Path, required=True)

    def handle(self, *args, runs, json: Path, markdown: Path, **options):
        merged = report.merge([_load(path) for path in runs if path.exists()])
        for path in (json, markdown):
            path.parent.mkdir(parents=True, exist_ok=True)
        json.write_text(_dumps(merged))
        markdown.write_text(report.markdown(merged))
        held = sum(goal["holds"] for goal in merged["goals"])
        self.stdout.write(f"{markdown}: {held} von {len(merged['goals'])} Zielen gehalten.")


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


def _dumps(data) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False)
