import signal
import time

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from wattwerk.core import schedule


class Command(BaseCommand):
    help = "Reiht periodische Aufgaben ein, sobald sie fällig sind (läuft neben dem Worker)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Alles Fällige einmal einreihen.")
        parser.add_argument("--tick", type=float, default=5.0, help="Sekunden zwischen Prüfungen.")

    def handle(self, *args, once, tick, **options):
        autodiscover_modules("tasks")
        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        last_run: dict = {}
        while running:
            now = timezone.now()
            for entry in schedule.due(last_run, now):
                entry.task.enqueue()
                last_run[entry.task.name] = now
                self.stdout.write(f"{now:%H:%M:%S} eingereiht: {entry.task.name}")
            if once:
                return
            time.sleep(tick)
