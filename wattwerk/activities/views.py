"""Pages of the activities app beyond the generic record pages: completing an activity from a
timeline (htmx answers with its card), a chain's and a template's steps, cancelling a chain, the
work lists with their actions in place, the week calendar and the iCalendar feed."""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wattwerk.access.models import User
from wattwerk.core import operations as core_operations
from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry
from wattwerk.core.views import RecordView, render_page

from . import calendar, chains, operations, queries
from .models import Activity, CalendarFeed, Chain, ChainTemplate


class RescheduleForm(forms.Form):
    due = forms.DateTimeField(
        label=gettext_lazy("fällig am"), input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"]
    )


class CompleteView(RecordView):
    """POST: the activity is done (needs write); optional ``outcome``."""

    @property
    def record_type(self):
        return registry.for_model(Activity)

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        activity = self.get_object(Action.WRITE)
        try:
            activity = operations.complete_activity(
                activity=activity,
                acting_user=request.user,
                now=timezone.now(),
                outcome=request.POST.get("outcome", ""),
            )
        except ValidationError as error:
            if request.htmx:
                activity.refresh_from_db()
                activity.can_write = True
                context = {"entry": activity, "error": " ".join(error.messages)}
                return render(request, "activities/_timeline_activity.html", context, status=422)
            messages.error(request, " ".join(error.messages))
            return redirect(activity.get_absolute_url())
        if request.htmx:
            activity.can_write = False  # done: nothing more to press
            return render(request, "activities/_timeline_activity.html", {"entry": activity})
        messages.success(request, _("„%(activity)s“ ist erledigt.") % {"activity": activity})
        regarding = activity.regarding if activity.regarding_type_id else None
        return redirect((regarding and regarding.get_absolute_url()) or activity.get_absolute_url())


class ChainStepsView(RecordView):
    """Tab "Schritte" of a chain: each step's activity with its status, start and due."""

    template_name = "activities/chain_steps.html"

    @property
    def record_type(self):
        return registry.for_model(Chain)

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        chain = self.get_object(Action.READ)
        activities = list(
            chain.activities.select_related("step", "assigned_department").order_by(
                "step__position"
            )
        )
        readable = set(
            Activity.objects.restrict(request.user, Action.READ)
            .filter(pk__in=[activity.pk for activity in activities])
            .values_list("pk", flat=True)
        )
        rows = [(activity, activity.pk in readable) for activity in activities]
        context = self.base_context(object=chain, active_tab="steps", rows=rows)
        return render_page(request, self.template_name, context, partial="tab")


WORKLISTS = (
    ("mine", gettext_lazy("Meine offenen")),
    ("today", gettext_lazy("Heute")),
    ("week", gettext_lazy("Diese Woche")),
    ("overdue", gettext_lazy("Überfällig")),
    ("department", gettext_lazy("Meine Abteilung")),
)
WORKLIST_PAGE = 50


class WorklistView(View):
    """Meine Arbeit: my open activities, today's, this week's, the overdue ones and my
    department's queue; each completed, rescheduled or handed on in place (htmx)."""

    template_name = "activities/worklist.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        name = request.GET.get("list", "mine")
        if name not in dict(WORKLISTS):
            name = "mine"
        found = queries.worklist(request.user, name, now=timezone.now())
        activities = list(
            found.select_related(
                "regarding_type", "owner", "owner_team", "assigned_department"
            ).prefetch_related("regarding")[: WORKLIST_PAGE + 1]
        )
        context = {
            "more": len(activities) > WORKLIST_PAGE,
            "page": WORKLIST_PAGE,
            "lists": WORKLISTS,
            "current": name,
            "rows": self.rows(request.user, activities[:WORKLIST_PAGE]),
            "assignees": self.assignees(request.user),
            "now": timezone.now(),
        }
        return render_page(request, self.template_name, context, partial="worklist")

    @staticmethod
    def rows(user, activities) -> list:
        readable = queries.readable_regarding(user, activities)
        writable = set(
            Activity.objects.restrict(user, Action.WRITE)
            .filter(pk__in=[activity.pk for activity in activities])
            .values_list("pk", flat=True)
        )
        for activity in activities:
            activity.can_write = activity.pk in writable
            key = (activity.regarding_type_id, activity.regarding_id)
            activity.regarding_readable = key in readable
        return activities

    @staticmethod
    def assignees(user) -> list:
        """Whom an activity may be handed to from the list: the people of my department."""
        if user.department_id is None:
            return []
        people = User.objects.restrict(user, Action.READ)
        return list(people.filter(department_id=user.department_id, is_active=True))


class RowActionView(RecordView):
    """POST on one activity of a work list; answers with its row (htmx) or back to the list."""

    @property
    def record_type(self):
        return registry.for_model(Activity)

    def act(self, request, activity) -> Activity:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        activity = self.get_object(Action.WRITE)
        error = ""
        try:
            activity = self.act(request, activity)
        except ValidationError as problem:
            error = " ".join(problem.messages)
            activity.refresh_from_db()
        if not request.htmx:
            if error:
                messages.error(request, error)
            target = request.POST.get("next", "")
            safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
            return redirect(target if target and safe else "activities_worklist")
        [activity] = WorklistView.rows(request.user, [activity])
        context = {
            "activity": activity,
            "error": error,
            "assignees": WorklistView.assignees(request.user),
            "now": timezone.now(),
        }
        return render(
            request, "activities/_worklist_row.html", context, status=422 if error else 200
        )


class RescheduleView(RowActionView):
    def act(self, request, activity) -> Activity:
        form = RescheduleForm(request.POST)
        if not form.is_valid():
            raise ValidationError(
                [
                    f"{form.fields[name].label}: {error}"
                    for name, errors in form.errors.items()
                    for error in errors
                ]
            )
        return operations.move_activity(
            activity=activity,
            due=form.cleaned_data["due"],
            acting_user=request.user,
            now=timezone.now(),
        )


class ReassignView(RowActionView):
    def act(self, request, activity) -> Activity:
        chosen = request.POST.get("owner", "")
        people = User.objects.restrict(request.user, Action.READ)
        owner = people.filter(pk=chosen).first() if chosen.isdigit() else None
        if owner is None:
            raise ValidationError(_("Bitte wählen, wem die Aktivität übergeben wird."))
        activity.owner, activity.owner_team = owner, None
        core_operations.update_record(
            instance=activity, acting_user=request.user, now=timezone.now()
        )
        return activity


class CompleteRowView(RowActionView):
    def act(self, request, activity) -> Activity:
        return operations.complete_activity(
            activity=activity, acting_user=request.user, now=timezone.now()
        )


class CalendarView(View):
    """Kalender: the week of the user's open dated activities, and the personal feed."""

    template_name = "activities/calendar.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            day = date.fromisoformat(request.GET.get("week", ""))
        except ValueError:
            day = timezone.localdate()
        monday, _days = calendar.week_of(day)
        feed = CalendarFeed.objects.filter(user=request.user).first()
        context = {
            "days": calendar.week(request.user, monday).items(),
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "today": timezone.localdate(),
            "feed_url": request.build_absolute_uri(reverse("activities_feed", args=[feed.secret]))
            if feed
            else "",
        }
        return render_page(request, self.template_name, context, partial="week")


class FeedManageView(View):
    """POST ``issue`` (a new secret address; the old one stops working) or ``revoke``."""

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("action") == "revoke":
            calendar.revoke_feed(request.user)
            messages.success(request, _("Das Kalender-Abonnement ist widerrufen."))
        else:
            calendar.issue_feed(request.user)
            messages.success(
                request, _("Neue Abonnement-Adresse ausgestellt; die alte gilt nicht mehr.")
            )
        return redirect("activities_calendar")


@method_decorator(login_not_required, name="dispatch")
class FeedView(View):
    """The iCalendar feed: its secret address is the credential (calendar programs sign in
    with nothing else)."""

    def get(self, request: HttpRequest, secret: str) -> HttpResponse:
        feed = get_object_or_404(CalendarFeed.objects.select_related("user"), secret=secret)
        if not feed.user.is_active:
            raise Http404
        response = HttpResponse(
            calendar.ics(feed.user), content_type="text/calendar; charset=utf-8"
        )
        response["Cache-Control"] = "private, max-age=300"
        return response


class TemplateStepsView(RecordView):
    """Tab "Schritte" of a chain template: what, by whom, how long, after what."""

    template_name = "activities/template_steps.html"

    @property
    def record_type(self):
        return registry.for_model(ChainTemplate)

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        template = self.get_object(Action.READ)
        steps = template.steps.select_related("department", "role").prefetch_related(
            "predecessors__template"  # a step's name includes its template's
        )
        context = self.base_context(object=template, active_tab="steps", steps=steps)
        return render_page(request, self.template_name, context, partial="tab")


class CancelChainView(RecordView):
    """POST: stop a running chain (its waiting and open steps are cancelled)."""

    @property
    def record_type(self):
        return registry.for_model(Chain)

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        chain = self.get_object(Action.WRITE)
        try:
            chains.cancel_chain(chain=chain, acting_user=request.user, now=timezone.now())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Die Kette ist abgebrochen."))
        return redirect(reverse("chains_steps", args=[chain.pk]))
