from django.core.management.base import BaseCommand
from django.utils import timezone

from wattwerk.core import outbox


class Command(BaseCommand):
    help = "Sendet alle fälligen E-Mails aus dem Postausgang (z. B. nach einer Störung)."

    def handle(self, *args, **options):
        counts = outbox.deliver_due(now=timezone.now())
        self.stdout.write(
            ", ".join(f"{status}: {n}" for status, n in counts.items()) or "nichts fällig"
        )
