"""Reading activities: a record's last completed and next open one, and what a user may link
an activity to."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry

from .models import Activity, ActivityLinks


def regarding(regarding_type: ContentType, regarding_id) -> QuerySet[Activity]:
    return Activity.objects.filter(regarding_type=regarding_type, regarding_id=regarding_id)


def last_and_next(regarding_type: ContentType, regarding_id) -> tuple[int | None, int | None]:
    """(the last completed, the next open) activity's id: the last by when it was completed,
    the next by the earliest due date, then start (undated ones after dated ones)."""
    activities = regarding(regarding_type, regarding_id)
    return (
        last_of(activities).values_list("pk", flat=True).first(),
        next_of(activities).values_list("pk", flat=True).first(),
    )


def last_of(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """The completed ones, the last first (see :func:`last_and_next`)."""
    return activities.filter(status=Activity.Status.COMPLETED).order_by("-status_changed_at", "-pk")


def next_of(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """The open ones, the next first (see :func:`last_and_next`)."""
    return activities.filter(status=Activity.Status.OPEN).order_by(
        F("due").asc(nulls_last=True), F("start").asc(nulls_last=True), "pk"
    )


def linked_models() -> list[type]:
    """The registered record types that show their last and next activity."""
    return [rt.model for rt in registry if issubclass(rt.model, ActivityLinks)]


def link_differences() -> list[str]:
    """Every record whose stored last/next activity differs from a fresh computation."""
    found = []
    for model in linked_models():
        content_type = ContentType.objects.get_for_model(model)
        stored = model._base_manager.values_list("pk", "last_activity_id", "next_activity_id")
        for pk, last, upcoming in stored.iterator():
            fresh = last_and_next(content_type, pk)
            if (last, upcoming) != fresh:
                found.append(
                    f"{model._meta.verbose_name} {pk}: gespeichert {(last, upcoming)}, "
                    f"neu berechnet {fresh}"
                )
    return found


def owned_by(user) -> Q:
    """Activities a person is responsible for: their own and their teams'."""
    return Q(owner=user) | Q(owner_team__members=user)


def worklist(user, name: str, *, now: datetime):
    """The activities of one work list, readable by the user, soonest first:
    ``mine`` (open, mine or my teams'), ``department`` (open, assigned to my department),
    ``overdue``, ``today`` and ``week`` (mine, by due date)."""
    readable = Activity.objects.restrict(user, Action.READ)
    local = timezone.localtime(now)
    today = local.date()
    mine = readable.filter(owned_by(user), status=Activity.Status.OPEN)
    if name == "department":
        found = readable.filter(
            assigned_department_id=user.department_id, status=Activity.Status.OPEN
        )
    elif name == "overdue":
        found = mine.filter(due__lt=now)
    elif name == "today":
        found = mine.filter(due__date=today)
    elif name == "week":
        monday = today - timedelta(days=today.weekday())
        found = mine.filter(due__date__gte=monday, due__date__lt=monday + timedelta(days=7))
    else:
        found = mine
    return found.order_by(F("due").asc(nulls_last=True), F("start").asc(nulls_last=True), "pk")


def calendar_entries(user, *, start: datetime | None = None, end: datetime | None = None):
    """The user's open dated activities they may read (start or due in [start, end))."""
    found = Activity.objects.restrict(user, Action.READ).filter(
        owned_by(user),
        status=Activity.Status.OPEN,
    )
    found = found.filter(Q(start__isnull=False) | Q(due__isnull=False))
    if start is not None and end is not None:
        moment = Coalesce("start", "due")
        found = found.annotate(moment=moment).filter(moment__gte=start, moment__lt=end)
    return found.order_by(F("start").asc(nulls_last=True), "due", "pk")


def readable_regarding(user, activities) -> set[tuple[int, int]]:
    """(content type, id) of the records the activities regard that the user may read: one
    query per record type, whatever the number of activities."""
    wanted = defaultdict(set)
    for activity in activities:
        if activity.regarding_type_id:
            wanted[activity.regarding_type].add(activity.regarding_id)
    readable = set()
    for content_type, ids in wanted.items():
        model = content_type.model_class()
        found = model.objects.restrict(user, Action.READ).filter(pk__in=ids)
        readable |= {(content_type.pk, pk) for pk in found.values_list("pk", flat=True)}
    return readable
