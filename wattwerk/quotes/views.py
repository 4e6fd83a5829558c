"""Pages of quotes beyond the generic record pages: the lines (edited in place while a draft),
sending and deciding, revisions compared, and the tab "Angebote" of an opportunity."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wattwerk.activities.forms import DATETIME
from wattwerk.core.forms import RecordForm
from wattwerk.core.querysets import Action, user_can
from wattwerk.core.registry import registry
from wattwerk.core.views import RecordView, render_page
from wattwerk.sales.models import Opportunity
from wattwerk.sales.views import DATE

from . import documents, operations, queries
from .models import Quote, QuoteLine


def _operation_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class QuoteView(RecordView):
    @property
    def record_type(self):
        return registry.for_model(Quote)

    def tab(self, name: str, status: int = 200, **context) -> HttpResponse:
        hidden = queries.hidden_prices(self.request.user)  # field security (Preisbildung)
        context = self.base_context(active_tab=name, hidden=hidden, **context)
        response = render_page(self.request, self.template_name, context, partial="tab")
        response.status_code = status
        return response


class QuoteLineForm(RecordForm):
    class Meta:
        model = QuoteLine
        fields = operations.QUOTE_LINE_FIELDS
        widgets = {"active_from": DATE, "active_to": DATE}

    def __init__(self, *args, quote=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "delivery_point" in self.fields and quote is not None:
            field = self.fields["delivery_point"]
            field.queryset = field.queryset.filter(account=quote.account) | field.queryset.filter(
                account=None
            )


class LinesView(QuoteView):
    """Tab "Zeilen": the lines with quantities per delivery year and amounts; a draft's lines
    are added, changed and removed in place."""

    template_name = "quotes/lines.html"

    def render_tab(self, quote, form=None, editing=None, status=200) -> HttpResponse:
        lines = queries.lines_with_years(quote)
        context = {"object": quote, "lines": lines, "editing": editing}
        can_write = self.restricted(Action.WRITE).filter(pk=quote.pk).exists()
        if can_write and quote.status == Quote.Status.DRAFT:
            context["form"] = form or QuoteLineForm(
                user=self.request.user, quote=quote, instance=editing
            )
        return self.tab("lines", status, **context)

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        quote = self.get_object(Action.READ)
        editing = None
        if request.GET.get("edit"):
            editing = get_object_or_404(quote.lines.all(), pk=request.GET["edit"])
        return self.render_tab(quote, editing=editing)

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        quote = self.get_object(Action.WRITE)
        editing = None
        if request.POST.get("line"):
            editing = get_object_or_404(quote.lines.all(), pk=request.POST["line"])
        form = QuoteLineForm(request.POST, user=request.user, quote=quote, instance=editing)
        if not form.is_valid():
            return self.render_tab(quote, form, editing, status=422)
        values = {name: form.cleaned_data[name] for name in form.fields}
        try:
            if editing is None:
                operations.add_line(
                    parent=quote, values=values, acting_user=request.user, now=timezone.now()
                )
            else:
                operations.change_line(
                    line=quote.lines.get(pk=editing.pk),
                    values=values,
                    acting_user=request.user,
                    now=timezone.now(),
                )
        except ValidationError as error:
            form.add_operation_error(error)
            return self.render_tab(quote, form, editing, status=422)
        quote.refresh_from_db()
        messages.success(request, _("Zeile gespeichert."))
        return self.render_tab(quote)


class RemoveLineView(LinesView):
    def post(self, request: HttpRequest, pk, line_id) -> HttpResponse:
        quote = self.get_object(Action.WRITE)
        line = get_object_or_404(quote.lines.all(), pk=line_id)
        try:
            operations.remove_line(line=line, acting_user=request.user, now=timezone.now())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        quote.refresh_from_db()
        return self.render_tab(quote)


class DocumentView(QuoteView):
    """The quote as a German PDF on the letterhead (GET), or sent to the contact (POST)."""

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        quote = self.get_object(Action.READ)
        documents.check_readable(request.user)
        response = HttpResponse(documents.render_pdf(quote, timezone.now()), documents.PDF)
        response["Content-Disposition"] = f'inline; filename="{documents.filename(quote)}"'
        return response


class SendView(QuoteView):
    template_name = "quotes/decide.html"

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        quote = self.get_object(Action.WRITE)
        try:
            quote = operations.send_quote(
                quote=quote,
                recipient=request.POST.get("recipient", ""),
                acting_user=request.user,
                now=timezone.now(),
            )
        except (ValidationError, PermissionDenied) as error:
            refused = isinstance(error, PermissionDenied)
            return self.tab(
                "decide",
                403 if refused else 422,
                object=quote,
                form=ReasonForm(),
                errors=[str(error)] if refused else error.messages,
                now=timezone.now(),
            )
        messages.success(
            request, _("Angebot %(quote)s per E-Mail versandt.") % {"quote": quote.reference}
        )
        return redirect("quotes_decide", pk=quote.pk)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Verlustgrund"), max_length=200)


ACTIONS = {
    "activate": operations.activate_quote,
    "win": operations.win_quote,
    "cancel": operations.cancel_quote,
    "revise": operations.revise_quote,
}


class DecideView(QuoteView):
    """Tab "Abgeben und entscheiden": send a draft, mark a sent quote won or lost (with a
    reason), cancel it, or revise it."""

    template_name = "quotes/decide.html"

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        quote = self.get_object(Action.READ)
        return self.tab("decide", object=quote, form=ReasonForm(), now=timezone.now())

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        quote = self.get_object(Action.WRITE)
        action = request.POST.get("action", "")
        form = ReasonForm(request.POST if action == "lose" else None)
        now = timezone.now()
        try:
            if action == "lose":
                if not form.is_valid():
                    return self.tab("decide", 422, object=quote, form=form, now=now)
                result = operations.lose_quote(
                    quote=quote,
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                    now=now,
                )
            elif action in ACTIONS:
                result = ACTIONS[action](quote=quote, acting_user=request.user, now=now)
            else:
                raise ValidationError(_("Unbekannte Aktion."))
        except ValidationError as error:
            return self.tab("decide", 422, object=quote, form=form, errors=error.messages, now=now)
        messages.success(
            request,
            _("Angebot %(quote)s: %(status)s.")
            % {"quote": result.reference, "status": result.get_status_display()},
        )
        return redirect("quotes_decide", pk=result.pk)


class RevisionsView(QuoteView):
    """Tab "Revisionen": every revision of the number; what changed between two of them."""

    template_name = "quotes/revisions.html"

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        quote = self.get_object(Action.READ)
        revisions = list(
            Quote.objects.restrict(request.user, Action.READ)
            .filter(number=quote.number)
            .order_by("revision")
        )
        by_revision = {item.revision: item for item in revisions}
        try:
            old = by_revision.get(int(request.GET.get("old", quote.revision - 1)))
            new = by_revision.get(int(request.GET.get("new", quote.revision)))
        except ValueError:
            old = new = None
        hidden = queries.hidden_prices(request.user)
        comparison = queries.compare(old, new, hidden) if old and new and old != new else None
        return self.tab(
            "revisions",
            object=quote,
            revisions=revisions,
            old=old,
            new=new,
            comparison=comparison,
        )


class NewQuoteForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Bezeichnung"), max_length=200)
    delivery_from = forms.DateField(label=gettext_lazy("Lieferbeginn"), required=False, widget=DATE)
    delivery_to = forms.DateField(
        label=gettext_lazy("Lieferende (ausschließlich)"), required=False, widget=DATE
    )
    binding_until = forms.DateTimeField(
        label=gettext_lazy("Bindefrist"), required=False, widget=DATETIME
    )
    indicative = forms.BooleanField(
        label=gettext_lazy("unverbindlich (Preisindikation)"), required=False
    )
    alternative_to = forms.ModelChoiceField(
        Quote.objects.none(),
        label=gettext_lazy("Alternative zu"),
        required=False,
        empty_label=gettext_lazy("– keine –"),
    )
    take_lines = forms.BooleanField(
        label=gettext_lazy("Zeilen aus dem Potenzial übernehmen"), required=False, initial=True
    )

    def __init__(self, *args, opportunity=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = Quote.objects.restrict(user, Action.READ).filter(opportunity=opportunity)
        self.fields["alternative_to"].queryset = choices.open()
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)


class OpportunityQuotesView(RecordView):
    """Tab "Angebote" of an opportunity: its quotes by group, and a new one from its potential
    (for a delivery period, as an alternative to another)."""

    template_name = "quotes/opportunity_quotes.html"

    @property
    def record_type(self):
        return registry.for_model(Opportunity)

    def render_tab(self, opportunity, form, status=200) -> HttpResponse:
        context = self.base_context(
            object=opportunity,
            active_tab="quotes",
            form=form,
            quotes=queries.quotes_of(opportunity, self.request.user),
            can_create=user_can(self.request.user, Quote, Action.CREATE),
        )
        response = render_page(self.request, self.template_name, context, partial="tab")
        response.status_code = status
        return response

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        opportunity = self.get_object(Action.READ)
        form = NewQuoteForm(
            opportunity=opportunity, user=request.user, initial={"name": opportunity.name}
        )
        return self.render_tab(opportunity, form)

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        opportunity = self.get_object(Action.READ)
        form = NewQuoteForm(request.POST, opportunity=opportunity, user=request.user)
        if not form.is_valid():
            return self.render_tab(opportunity, form, status=422)
        try:
            quote = operations.quote_from_opportunity(
                opportunity=opportunity,
                acting_user=request.user,
                now=timezone.now(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            _operation_errors(form, error)
            return self.render_tab(opportunity, form, status=422)
        messages.success(request, _("Angebot %(quote)s angelegt.") % {"quote": quote.reference})
        return redirect("opportunities_quotes", pk=opportunity.pk)
