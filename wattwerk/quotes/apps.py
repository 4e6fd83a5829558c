from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuotesConfig(AppConfig):
    name = "wattwerk.quotes"
    label = "quotes"
    verbose_name = _("Angebote")

    def ready(self) -> None:
        from . import operations, records  # noqa: F401  (hooks, record type)
