from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnergyConfig(AppConfig):
    name = "wattwerk.energy"
    label = "energy"
    verbose_name = _("Energiewirtschaft")

    def ready(self) -> None:
        from . import records  # noqa: F401  (registers the record types)
