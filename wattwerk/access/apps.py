from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "wattwerk.access"
    label = "access"
    verbose_name = _("Organisation und Rechte")

    def ready(self) -> None:
        from . import records  # noqa: F401  (registers the record types)
