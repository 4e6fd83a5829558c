from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "wattwerk.activities"
    label = "activities"
    verbose_name = _("Aktivitäten")

    def ready(self) -> None:
        from . import operations, records, timeline  # noqa: F401  (record type, hooks)
