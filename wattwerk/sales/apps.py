from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "wattwerk.sales"
    label = "sales"
    verbose_name = _("Vertrieb")

    def ready(self) -> None:
        from . import operations, records  # noqa: F401  (record types, after-write hooks)
