from django.core.management.base import BaseCommand

from wattwerk.energy import reference


class Command(BaseCommand):
    help = "Lädt die mitgelieferten Stammdaten der Energiewirtschaft (fehlende Einträge)."

    def handle(self, *args, **options):
        reference.load()
        self.stdout.write(self.style.SUCCESS("Stammdaten geladen."))
