"""The stage bar on the record pages of leads and opportunities that run a process."""

from wattwerk.core.querysets import Action
from wattwerk.core.registry import Banner, registry
from wattwerk.sales.models import Lead, Opportunity

from . import queries


def stage_bar(request, record) -> dict | None:
    can_write = Action.WRITE in _actions(request, record)
    found = queries.state(record, user=request.user, can_write=can_write)
    if found is None:
        choices = queries.switch_choices(record) if can_write and record.status == "open" else []
        slug = registry.for_model(type(record)).slug
        return (
            {"state": None, "record": record, "choices": choices, "slug": slug} if choices else None
        )
    return {
        "state": found,
        "record": record,
        "can_write": can_write,
        "choices": queries.switch_choices(record) if can_write and not found.finished else [],
        "slug": registry.for_model(type(record)).slug,
    }


def _actions(request, record) -> set[str]:
    writable = type(record).objects.restrict(request.user, Action.WRITE).filter(pk=record.pk)
    return {Action.WRITE} if writable.exists() else set()


for model in (Lead, Opportunity):
    registry.add_banners(model, Banner("process", "processes/stage_bar.html", stage_bar))
