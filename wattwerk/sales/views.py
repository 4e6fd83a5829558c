"""Pages of the sales app beyond the generic record pages: the lines of a lead or an
opportunity (edited in place with htmx), qualifying a lead, closing an opportunity."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wattwerk.core.forms import RecordForm
from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry
from wattwerk.core.views import RecordView, render_page
from wattwerk.customers.models import Account, Contact
from wattwerk.energy.models import Commodity

from . import operations, queries
from .models import AccountOpportunity, Lead, LeadLine, LineSet, Opportunity, OpportunityLine

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LineForm(RecordForm):
    class Meta:
        model = LeadLine
        fields = operations.LINE_FIELDS
        widgets = {"active_from": DATE, "active_to": DATE}

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        account = getattr(parent, "account", None)
        if "delivery_point" in self.fields and account is not None:
            field = self.fields["delivery_point"]
            field.queryset = field.queryset.filter(account=account) | field.queryset.filter(
                account=None
            )


class OpportunityLineForm(LineForm):
    class Meta(LineForm.Meta):
        model = OpportunityLine


class LinesView(RecordView):
    """Tab "Zeilen": the potential and the total demand, with a form to add or change a line."""

    template_name = "sales/lines.html"
    model_class = Lead

    @property
    def record_type(self):
        return registry.for_model(self.model_class)

    def form_class(self):
        return LineForm if self.model_class is Lead else OpportunityLineForm

    def render_tab(self, parent, form=None, editing=None, status=200) -> HttpResponse:
        lines = list(
            parent.lines.select_related(
                "commodity", "delivery_point", "service", "price_model", "product"
            )
        )
        sets = [
            (
                label,
                [
                    (line, [(share.label, share.quantity) for share in line.year_shares()])
                    for line in lines
                    if line.line_set == value
                ],
            )
            for value, label in LineSet.choices
        ]
        context = self.base_context(object=parent, active_tab="lines", sets=sets, editing=editing)
        if context["can_write"] and parent.status == parent.Status.OPEN:
            context["form"] = form or self.form_class()(
                user=self.request.user, parent=parent, instance=editing
            )
        response = render_page(self.request, self.template_name, context, partial="tab")
        response.status_code = status
        return response

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        parent = self.get_object(Action.READ)
        editing = None
        if request.GET.get("edit"):
            editing = get_object_or_404(parent.lines.all(), pk=request.GET["edit"])
        return self.render_tab(parent, editing=editing)

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        parent = self.get_object(Action.WRITE)
        editing = None
        if request.POST.get("line"):
            editing = get_object_or_404(parent.lines.all(), pk=request.POST["line"])
        form = self.form_class()(request.POST, user=request.user, parent=parent, instance=editing)
        if not form.is_valid():
            return self.render_tab(parent, form, editing, status=422)
        values = {name: form.cleaned_data[name] for name in operations.LINE_FIELDS}
        try:
            if editing is None:
                operations.add_line(
                    parent=parent, values=values, acting_user=request.user, now=timezone.now()
                )
            else:
                stored = parent.lines.get(pk=editing.pk)  # the form has changed ``editing``
                operations.change_line(
                    line=stored, values=values, acting_user=request.user, now=timezone.now()
                )
        except ValidationError as error:
            form.add_operation_error(error)
            return self.render_tab(parent, form, editing, status=422)
        parent.refresh_from_db()
        messages.success(request, _("Zeile gespeichert."))
        return self.render_tab(parent)


class RemoveLineView(LinesView):
    def post(self, request: HttpRequest, pk, line_id) -> HttpResponse:
        parent = self.get_object(Action.WRITE)
        line = get_object_or_404(parent.lines.all(), pk=line_id)
        try:
            operations.remove_line(line=line, acting_user=request.user, now=timezone.now())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        parent.refresh_from_db()
        return self.render_tab(parent)


class OpportunityLinesView(LinesView):
    model_class = Opportunity


class OpportunityRemoveLineView(RemoveLineView):
    model_class = Opportunity


class QualifyForm(forms.Form):
    account = forms.ModelChoiceField(
        Account.objects.none(),
        required=False,
        label=gettext_lazy("Firma"),
        empty_label=gettext_lazy("– neue Firma aus den Daten des Leads –"),
    )
    contact = forms.ModelChoiceField(
        Contact.objects.none(),
        required=False,
        label=gettext_lazy("Kontakt"),
        empty_label=gettext_lazy("– neuer Kontakt aus der Person des Leads –"),
    )
    opportunity_name = forms.CharField(
        required=False, max_length=200, label=gettext_lazy("Name der Verkaufschance")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.restrict(user, Action.READ)
        self.fields["contact"].queryset = Contact.objects.restrict(user, Action.READ)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css


class QualifyView(RecordView):
    """Tab "Qualifizieren": choose or create account and contact, with duplicate suggestions."""

    template_name = "sales/qualify.html"

    @property
    def record_type(self):
        return registry.for_model(Lead)

    def render_tab(self, lead, form, status=200) -> HttpResponse:
        accounts, contacts = queries.duplicate_suggestions(lead=lead, user=self.request.user)
        context = self.base_context(
            object=lead,
            active_tab="qualify",
            form=form,
            suggestions=accounts,
            contact_suggestions=contacts,
        )
        response = render_page(self.request, self.template_name, context, partial="tab")
        response.status_code = status
        return response

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        lead = self.get_object(Action.READ)
        return self.render_tab(lead, QualifyForm(user=request.user))

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        lead = self.get_object(Action.WRITE)
        form = QualifyForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_tab(lead, form, status=422)
        try:
            opportunity = operations.qualify_lead(
                lead=lead,
                account=form.cleaned_data["account"],
                contact=form.cleaned_data["contact"],
                opportunity_name=form.cleaned_data["opportunity_name"],
                acting_user=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
            return self.render_tab(lead, form, status=422)
        messages.success(
            request,
            _("Lead qualifiziert: Verkaufschance „%(opportunity)s“ angelegt.")
            % {"opportunity": opportunity},
        )
        response = redirect(opportunity.get_absolute_url())
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = opportunity.get_absolute_url()
        return response


class DisqualifyView(QualifyView):
    """Disqualify the lead (on the tab "Qualifizieren"), with a reason."""

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        lead = self.get_object(Action.WRITE)
        try:
            operations.disqualify_lead(
                lead=lead,
                reason=request.POST.get("reason", ""),
                acting_user=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("leads_qualify", pk=lead.pk)
        messages.success(request, _("Lead disqualifiziert."))
        return redirect(lead.get_absolute_url())


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Ergebnis"),
        choices=[("won", gettext_lazy("gewonnen")), ("lost", gettext_lazy("verloren"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=gettext_lazy("Verlustgrund"), required=False, max_length=200)


class CloseView(RecordView):
    """Tab "Abschließen" of an open opportunity: won, or lost with a reason."""

    template_name = "sales/close.html"

    @property
    def record_type(self):
        return registry.for_model(Opportunity)

    def render_tab(self, opportunity, form, status=200) -> HttpResponse:
        context = self.base_context(object=opportunity, active_tab="close", form=form)
        response = render_page(self.request, self.template_name, context, partial="tab")
        response.status_code = status
        return response

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        return self.render_tab(self.get_object(Action.READ), CloseForm())

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        opportunity = self.get_object(Action.WRITE)
        form = CloseForm(request.POST)
        if not form.is_valid():
            return self.render_tab(opportunity, form, status=422)
        try:
            operations.close_opportunity(
                opportunity=opportunity,
                won=form.cleaned_data["outcome"] == "won",
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.render_tab(opportunity, form, status=422)
        messages.success(request, _("Verkaufschance abgeschlossen."))
        return redirect(opportunity.get_absolute_url())


SET_LABELS = {
    "potential": gettext_lazy("Potenzial"),
    "demand": gettext_lazy("Gesamtbedarf"),
    "won": gettext_lazy("gewonnen"),
}


def totals_rows(totals: dict) -> list[tuple]:
    """(set label, commodity, [(year, kWh)], annual kWh) from a stored ``totals`` breakdown."""
    names = dict(Commodity.objects.values_list("code", "name"))
    rows = []
    for key, label in SET_LABELS.items():
        for code, entry in sorted(totals.get(key, {}).items()):
            years = [(year, Decimal(kwh)) for year, kwh in entry.get("years", {}).items()]
            rows.append((label, names.get(code, code), years, Decimal(entry["annual_kwh"])))
    return rows


class TotalsView(RecordView):
    """Tab "Summen": the stored totals per commodity and delivery year."""

    template_name = "sales/totals.html"
    model_class = Lead

    @property
    def record_type(self):
        return registry.for_model(self.model_class)

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        record = self.get_object(Action.READ)
        names = dict(Commodity.objects.values_list("code", "name"))
        remaining = []
        for key, kwh in record.totals.get("remaining_by_year", {}).items():
            code, year = key.split(" ", 1)
            remaining.append((names.get(code, code), year, Decimal(kwh)))
        context = self.base_context(
            object=record,
            active_tab="totals",
            rows=totals_rows(record.totals),
            remaining=remaining,
            services=record.totals.get("services_eur", {}),
            revenue=record.totals.get("revenue_eur", {}),
        )
        return render_page(request, self.template_name, context, partial="tab")


class OpportunityTotalsView(TotalsView):
    model_class = Opportunity


class AccountOpportunityTotalsView(TotalsView):
    model_class = AccountOpportunity


class AccountTotalsView(TotalsView):
    model_class = Account
