"""Pages of the customers app beyond the generic record pages: a contact's positions at its
accounts (tab "Firmen", edited in place with htmx)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry
from wattwerk.core.views import RecordView, render_page

from . import operations
from .forms import PositionForm
from .models import Account, AccountContact, Contact


class PositionsView(RecordView):
    """Tab "Firmen" of a contact: where the person works, as what and in which department.
    Accounts the user may not read are listed without their name."""

    template_name = "customers/positions.html"

    @property
    def record_type(self):
        return registry.for_model(Contact)

    def render_tab(self, contact, form=None, editing=None, status=200) -> HttpResponse:
        links = list(AccountContact.objects.filter(contact=contact).select_related("account"))
        readable = set(
            Account.objects.restrict(self.request.user, Action.READ)
            .filter(pk__in=[link.account_id for link in links])
            .values_list("pk", flat=True)
        )
        rows = [(link, link.account_id in readable) for link in links]
        context = self.base_context(
            object=contact, active_tab="accounts", rows=rows, editing=editing
        )
        if context["can_write"]:
            context["form"] = form or PositionForm(user=self.request.user, instance=editing)
            if editing is not None:
                context["form"].fields["account"].disabled = True
        response = render_page(self.request, self.template_name, context, partial="tab")
        response.status_code = status
        return response

    def _link(self, contact, account_id) -> AccountContact:
        if not str(account_id).isdigit():
            raise Http404
        links = AccountContact.objects.filter(contact=contact).select_related("account")
        return get_object_or_404(links, account_id=account_id)

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        contact = self.get_object(Action.READ)
        editing = self._link(contact, request.GET["edit"]) if request.GET.get("edit") else None
        return self.render_tab(contact, editing=editing)

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        contact = self.get_object(Action.WRITE)
        editing = None
        if request.POST.get("editing"):
            editing = self._link(contact, request.POST["editing"])
        form = PositionForm(request.POST, user=request.user, instance=editing)
        if editing is not None:
            form.fields["account"].disabled = True
        if not form.is_valid():
            return self.render_tab(contact, form, editing, status=422)
        try:
            operations.set_position(
                contact=contact,
                account=form.cleaned_data["account"],
                position=form.cleaned_data["position"],
                department=form.cleaned_data["department"],
                acting_user=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_operation_error(error)
            return self.render_tab(contact, form, editing, status=422)
        messages.success(request, _("Gespeichert."))
        return self.render_tab(contact)


class RemovePositionView(PositionsView):
    def post(self, request: HttpRequest, pk, account_id) -> HttpResponse:
        contact = self.get_object(Action.WRITE)
        link = self._link(contact, account_id)
        operations.remove_position(
            contact=contact, account=link.account, acting_user=request.user, now=timezone.now()
        )
        return self.render_tab(contact)
