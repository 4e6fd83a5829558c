from django.core.management.base import BaseCommand, CommandError

from wattwerk.core import history


class Command(BaseCommand):
    help = (
        "Prüft die Hash-Kette des Verlaufs und meldet jeden Eintrag, der direkt in der "
        "Datenbank geändert, gelöscht oder eingefügt wurde."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Einträge je Abfrage (begrenzt den Speicherbedarf).",
        )

    def handle(self, *args, batch_size: int, **options):
        verification = history.verify_chain(batch_size=batch_size)
        if verification.intact:
            self.stdout.write(verification.summary)
            return
        for finding in verification.findings:
            self.stdout.write(finding.message)
        if verification.findings_left_out:
            self.stdout.write(
                f"… und {verification.findings_left_out} weitere Befunde (nicht aufgeführt)."
            )
        raise CommandError(verification.summary, returncode=1)
