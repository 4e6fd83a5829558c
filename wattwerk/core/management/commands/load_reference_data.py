from django.core.management.base import BaseCommand

from wattwerk.core.references import load_shipped_data


class Command(BaseCommand):
    help = "Lädt die mitgelieferten Stammdaten aller Apps (nur fehlende Einträge)."

    def handle(self, *args, **options):
        load_shipped_data()
        self.stdout.write(self.style.SUCCESS("Stammdaten geladen."))
