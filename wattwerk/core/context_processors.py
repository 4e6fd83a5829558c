from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from .querysets import Action, user_can
from .registry import registry


def navigation(request) -> dict:
    """The record types the user may read, grouped for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    # One query at most to fill Django's content type cache, not one per record type.
    ContentType.objects.get_for_models(*(record_type.model for record_type in registry))
    groups: dict[str, list[dict]] = {}
    for record_type in registry:
        if user_can(user, record_type.model, Action.READ):
            groups.setdefault(record_type.menu_group, []).append(
                {
                    "label": record_type.verbose_name_plural,
                    "icon": record_type.icon,
                    "url": reverse(record_type.url_name("list")),
                }
            )
    return {"navigation": [{"label": label, "items": items} for label, items in groups.items()]}
