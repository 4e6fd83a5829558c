from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "wattwerk.customers"
    label = "customers"
    verbose_name = _("Kunden")

    def ready(self) -> None:
        from . import records  # noqa: F401  (registers the record types)
