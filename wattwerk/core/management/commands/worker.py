from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Führt Hintergrundaufgaben aus: mit REDIS_URL als RQ-Worker (beliebig viele), sonst als "
        "Worker der Datenbank-Warteschlange."
    )

    def handle(self, *args, **options):
        if settings.REDIS_URL:
            # The scheduler inside RQ runs deferred jobs (an e-mail's retry); one worker holds it.
            call_command(
                "rqworker",
                *settings.TASK_QUEUES,
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
            )
        else:
            call_command("db_worker", queue_name="*")
