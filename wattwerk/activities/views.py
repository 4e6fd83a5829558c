"""Pages of the activities app beyond the generic record pages: completing an activity from a
timeline or a work list (htmx answers with the activity's card)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry
from wattwerk.core.views import RecordView, render_page

from . import operations
from .models import Activity, Chain


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
            messages.error(request, " ".join(error.messages))
        if request.htmx:
            activity.can_write = False  # done: nothing more to press
            return render(request, "activities/_timeline_activity.html", {"entry": activity})
        messages.success(request, _("„%(activity)s“ ist erledigt.") % {"activity": activity})
        target = activity.regarding if activity.regarding_type_id else activity
        return redirect(target.get_absolute_url() or activity.get_absolute_url())


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
