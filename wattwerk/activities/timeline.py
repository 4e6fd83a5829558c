"""The activities' part of every record's timeline (see :mod:`wattwerk.core.timeline`)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from wattwerk.core import timeline
from wattwerk.core.querysets import Action, user_can

from .forms import regarding_models
from .models import Activity, Chain


def with_moment(queryset):
    """When an activity stands in a timeline: an open one at its due date (or start), a closed
    one when it was completed or cancelled."""
    return queryset.annotate(
        moment=Case(
            When(status=Activity.Status.OPEN, then=Coalesce("due", "start", "created_at")),
            default=Coalesce("status_changed_at", "created_at"),
        )
    )


TEMPLATE = "activities/_timeline_activity.html"


@timeline.source
def activities_of(instance, user, *, kinds, before, seen, limit) -> list[timeline.Entry]:
    if "activities" not in kinds or type(instance) not in regarding_models():
        return []
    readable = Activity.objects.restrict(user, Action.READ).filter(
        regarding_type=ContentType.objects.get_for_model(type(instance)),
        regarding_id=instance.pk,
    )
    found = with_moment(readable).select_related("owner", "owner_team", "assigned_department")
    if before is not None:
        found = found.filter(moment__lte=before).exclude(pk__in=timeline.seen_ids(seen, "a"))
    activities = list(found.order_by(F("moment").desc(), "-pk")[:limit])
    writable = set(
        Activity.objects.restrict(user, Action.WRITE)
        .filter(pk__in=[activity.pk for activity in activities])
        .values_list("pk", flat=True)
    )
    for activity in activities:
        activity.can_write = activity.pk in writable
    return [
        timeline.Entry(activity.moment, "activities", TEMPLATE, activity, key=f"a{activity.pk}")
        for activity in activities
    ]


@timeline.action
def new_activity(instance, user):
    if type(instance) not in regarding_models() or not user_can(user, Activity, Action.CREATE):
        return None
    return _("Neue Aktivität"), f"{reverse('activities_add')}?{_regarding(instance)}"


@timeline.action
def start_chain(instance, user):
    if type(instance) not in regarding_models() or not user_can(user, Chain, Action.CREATE):
        return None
    return _("Aktivitätenkette starten"), f"{reverse('chains_add')}?{_regarding(instance)}"


def _regarding(instance) -> str:
    """The query string that preselects the record on a new activity's or chain's form."""
    content_type = ContentType.objects.get_for_model(type(instance))
    return urlencode({"regarding_type": content_type.pk, "regarding_id": instance.pk})
