"""Load the demo organisation "Stadtwerke Musterstadt" (idempotent: run it as often as you like)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from wattwerk.core import demo


class Command(BaseCommand):
    help = "Lädt die Demodaten (Stadtwerke Musterstadt); mehrfach ausführbar."

    def handle(self, *args, **options):
        autodiscover_modules("demo")
        with transaction.atomic():
            for loader in demo.loaders:
                loader(now=timezone.now())
        from django.conf import settings

        self.stdout.write(self.style.SUCCESS("Demodaten geladen."))
        self.stdout.write("")
        self.stdout.write(f"  Wattwerk läuft auf {settings.SITE_URL}/")
        self.stdout.write(f"  API-Dokumentation: {settings.SITE_URL}/api/v1/docs/")
        self.stdout.write("  Demo-Anmeldungen (nur Demo!):")
        for username, password, description in demo.logins:
            self.stdout.write(f"    {username:<16} {password:<15} {description}")
        self.stdout.write("")
