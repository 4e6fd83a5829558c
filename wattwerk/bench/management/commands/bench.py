"""``wattwerk bench --size S --out FILE``: run the benchmark suite on the current database."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wattwerk.bench import suite


class Command(BaseCommand):
    help = (
        "Misst Listen, Datensatzseiten, Suche, Berichte, Import, Export und Hintergrundjobs "
        "auf der aktuellen Datenbank (erzeugt mit `wattwerk generate`) und schreibt JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", required=True, help="Name des erzeugten Datenbestands")
        parser.add_argument("--out", type=Path, required=True, help="JSON-Datei")
        parser.add_argument("--user", default="gk", help="Vertriebsbenutzer (Standard: gk)")
        parser.add_argument("--repeat", type=int, default=20, help="Wiederholungen je Fall")
        parser.add_argument("--import-rows", type=int, default=20_000, help="Zeilen im Import")
        parser.add_argument("--jobs", type=int, default=200, help="Jobs durch den Worker")

    def handle(self, *args, size, out, user, repeat, import_rows, jobs, verbosity, **options):
        started = time.perf_counter()

        def progress(text: str) -> None:
            if verbosity:
                self.stdout.write(f"{time.perf_counter() - started:7.1f} s  {text}")

        try:
            result = suite.run(
                size=size,
                username=user,
                repeat=repeat,
                import_rows=import_rows,
                jobs=jobs,
                progress=progress,
            )
        except suite.BenchError as error:
            raise CommandError(str(error)) from error
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
        self.stdout.write(f"{out} geschrieben ({result['seconds']} s).")
