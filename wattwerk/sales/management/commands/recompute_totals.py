from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wattwerk.sales import totals


class Command(BaseCommand):
    help = (
        "Berechnet alle Summen (Leads, Verkaufschancen, Firmen, Firmenverkaufschancen) neu. "
        "Mit --check nur vergleichen und Abweichungen melden (Exit-Code 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="nur prüfen, nichts ändern")

    def handle(self, *args, check: bool = False, **options):
        found = totals.differences()
        for line in found:
            self.stdout.write(line)
        if check:
            if found:
                raise CommandError(f"{len(found)} Summen weichen ab.")
            self.stdout.write(self.style.SUCCESS("Alle Summen stimmen."))
            return
        with transaction.atomic():
            totals.recompute_all()
        self.stdout.write(self.style.SUCCESS(f"Neu berechnet; {len(found)} Abweichungen behoben."))
