from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "wattwerk.access"
    label = "access"
    verbose_name = _("Organisation und Rechte")

    def ready(self) -> None:
        from wattwerk.core.querysets import set_rights_provider

        from . import records  # noqa: F401  (registers the record types)
        from .rights import AccessRights

        set_rights_provider(AccessRights())
