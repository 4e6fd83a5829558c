"""Sales controlling pages: every report with a chart and a table, exported as CSV or XLSX; and
the start page (dashboard) with the user's next activities, quotes about to expire, their
pipeline and their department's."""

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from wattwerk.activities.models import Activity
from wattwerk.core import exports
from wattwerk.core.querysets import Action
from wattwerk.quotes.models import Quote

from . import queries

NEXT_ACTIVITIES = 8


def tables(request: HttpRequest, now) -> dict:
    """Every report by its key, the pipeline grouped as ``?by=`` asks."""
    return queries.catalogue(request.user, now, by=request.GET.get("by", "stage"))


def report(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    found = {key: build() for key, build in tables(request, now).items()}
    charts = {
        "pipeline": found["pipeline"].chart("weighted_eur", lambda row: row["group"]),
        "volume": found["volume"].chart(
            "weighted_mwh",
            lambda row: " ".join(
                part for part in (row["year"], row["commodity"], row["area"]) if part != "–"
            ),
        ),
    }
    context = {
        "tables": found,
        "charts": charts,
        "by": request.GET.get("by", "stage"),
        "groups": queries.PIPELINE_GROUPS,
    }
    return render(request, "reports/report.html", context)


def export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    builders = tables(request, timezone.now())
    if key not in builders or fmt not in exports.FORMATS:
        raise Http404
    table = builders[key]()
    return exports.export_response(table, fmt, f"{key}-{timezone.localdate():%Y-%m-%d}")


def dashboard(request: HttpRequest) -> HttpResponse:
    """The start page (a fixed number of queries)."""
    user, now = request.user, timezone.now()
    activities = (
        Activity.objects.restrict(user, Action.READ)
        .filter(owner=user, status=Activity.Status.OPEN)
        .select_related("regarding_type")
        .order_by("due", "pk")[:NEXT_ACTIVITIES]
    )
    own_quotes = Quote.objects.restrict(user, Action.READ).filter(
        Q(owner=user) | Q(owner_team__in=user.teams.all())
    )
    mine = queries.open_opportunities(user).filter(owner=user)
    context = {
        "activities": list(activities),
        "ending": queries.ending_soon(user, now, quotes=own_quotes),
        "my_pipeline": queries.pipeline(user, "stage", opportunities=mine).totals,
    }
    department = getattr(user, "department", None)
    if department is not None:
        theirs = queries.open_opportunities(user).filter(owning_department=department)
        context["department"] = department
        context["department_pipeline"] = queries.pipeline(user, "owner", opportunities=theirs)
    return render(request, "reports/dashboard.html", context)
