"""``wattwerk generate --size S|M --seed N``: a large utility's data for the benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wattwerk.bench import generator


class Command(BaseCommand):
    help = "Erzeugt Daten in der Größe eines großen Stadtwerks (reproduzierbar je Startwert)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(generator.SIZES), default="S")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, size, seed, verbosity, **options):
        started = time.perf_counter()

        def progress(text: str) -> None:
            if verbosity:
                self.stdout.write(f"{time.perf_counter() - started:7.1f} s  {text}")

        try:
            counts = generator.generate(size=size, seed=seed, now=timezone.now(), progress=progress)
        except generator.AlreadyGenerated as error:
            raise CommandError(str(error)) from error
        if verbosity:
            shown = ", ".join(f"{name} {count}" for name, count in counts.items())
            self.stdout.write(f"Fertig in {time.perf_counter() - started:.0f} s: {shown}")
