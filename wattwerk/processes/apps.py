from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "wattwerk.processes"
    label = "processes"
    verbose_name = _("Vertriebsprozesse")

    def ready(self) -> None:
        from . import operations, records  # noqa: F401  (hooks, stage bar)
