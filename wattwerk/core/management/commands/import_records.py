import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wattwerk.core.importing import ImportFailed, get_importers, importers
from wattwerk.core.tabular import UnreadableFile

BAR = 30
MAX_LISTED = 200  # problems named in the error; the dry run lists all


class Command(BaseCommand):
    help = (
        "Importiert Datensätze aus einer CSV- oder XLSX-Datei: erst werden alle Zeilen geprüft, "
        "dann alles oder nichts gespeichert. Mit --dry-run nur prüfen."
    )

    def add_arguments(self, parser):
        parser.add_argument("type", choices=sorted(get_importers()), help="Datensatztyp")
        parser.add_argument("file", type=Path, help="CSV- oder XLSX-Datei")
        parser.add_argument("--user", required=True, help="Benutzername; seine Rechte gelten")
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")

    def progress(self, done: int, total: int) -> None:
        if self.quiet or (done % 500 and done != total):
            return
        filled = BAR * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} Zeilen geprüft")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def handle(self, *args, type: str, file: Path, user: str, dry_run: bool, **options):
        self.quiet = options["verbosity"] == 0
        try:
            acting_user = get_user_model().objects.get(username=user, is_active=True)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"Benutzer „{user}“ gibt es nicht (oder er ist inaktiv).") from error
        importer = importers[type](acting_user, timezone.now())
        try:
            with file.open("rb") as handle:
                result = importer.run(handle, dry_run=dry_run, progress=self.progress)
        except (OSError, UnreadableFile) as error:
            raise CommandError(str(error)) from error
        except ImportFailed as error:
            raise CommandError(str(error)) from error
        if result.problems:
            listed = "\n".join(str(problem) for problem in result.problems[:MAX_LISTED])
            raise CommandError(
                f"{listed}\n{len(result.problems)} Fehler in {result.rows} Zeilen; "
                "nichts importiert."
            )
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"{result.rows} Zeilen geprüft, keine Fehler."))
            return
        self.stdout.write(self.style.SUCCESS(f"Importiert: {result.summary()}."))
