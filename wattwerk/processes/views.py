"""Pages of the processes app: the stage bar's actions (advance, back, switch) and the
administration of templates (import, validate, preview, activate) with their report."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry

from . import operations, queries
from .definition import TemplateError
from .models import ProcessTemplate

RECORD_SLUGS = ("leads", "opportunities")


def _record(request: HttpRequest, slug: str, pk: int):
    if slug not in RECORD_SLUGS:
        raise Http404
    model = registry[slug].model
    return model.objects.get_for(request.user, Action.READ, pk=pk)


class StageActionView(View):
    """POST: advance, move back or switch the record's process; back to its page, with the
    reasons when it was refused."""

    action = ""

    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        record = _record(request, slug, pk)
        template = None
        if self.action == "switch":
            template = get_object_or_404(
                ProcessTemplate, pk=request.POST.get("template") or 0, is_active=True
            )
        try:
            operations.change_stage(
                record=record,
                action=self.action,
                template=template,
                acting_user=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except PermissionDenied as error:
            messages.error(request, str(error) or _("Dazu fehlt Ihnen das Recht."))
        return redirect(record.get_absolute_url())


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("YAML-Datei"), required=False)
    source = forms.CharField(
        label=gettext_lazy("oder YAML hier einfügen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
    )
    activate = forms.BooleanField(label=gettext_lazy("gleich aktivieren"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            try:
                data["source"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise ValidationError({"file": _("Die Datei ist kein UTF-8-Text.")}) from None
            data["filename"] = upload.name
        elif not (data.get("source") or "").strip():
            raise ValidationError(_("Bitte eine YAML-Datei wählen oder YAML einfügen."))
        else:
            data["filename"] = ""
        return data


class AdminMixin(PermissionRequiredMixin):
    permission_required = "processes.change_processtemplate"
    raise_exception = True


class TemplateListView(AdminMixin, View):
    """The templates by key and version; import (with ``validate``: check only, nothing
    stored) and activate."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, ImportForm())

    def page(self, request, form, problems=(), checked=None, status=200) -> HttpResponse:
        return render(
            request,
            "processes/template_list.html",
            {
                "templates": ProcessTemplate.objects.select_related("imported_by"),
                "form": form,
                "problems": problems,
                "checked": checked,
                "warnings": operations.warnings(checked) if checked else [],
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, form, status=422)
        source, filename = form.cleaned_data["source"], form.cleaned_data["filename"]
        try:
            if "validate" in request.POST:
                checked = operations.parse(source, filename=filename)
                return self.page(request, form, checked=checked)
            template = operations.import_template(
                source=source,
                filename=filename,
                activate=form.cleaned_data["activate"],
                acting_user=request.user,
                now=timezone.now(),
            )
        except TemplateError as error:
            return self.page(request, form, problems=error.problems, status=422)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.page(request, form, status=422)
        messages.success(request, _("Vorlage „%(template)s“ importiert.") % {"template": template})
        return redirect("process_template", pk=template.pk)


class TemplateView(AdminMixin, View):
    """Preview of one template version: stages, gates, tasks, branches — and its report."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = get_object_or_404(ProcessTemplate, pk=pk)
        versions, figures = queries.report(template.key)
        return render(
            request,
            "processes/template_detail.html",
            {
                "template": template,
                "definition": template.definition,
                "warnings": operations.warnings(template.definition),
                "versions": versions,
                "figures": figures,
            },
        )


class ActivateView(AdminMixin, View):
    """POST: activate (or, with ``active=False``, deactivate) one template version."""

    active = True

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = get_object_or_404(ProcessTemplate, pk=pk)
        change = operations.activate_template if self.active else operations.deactivate_template
        try:
            change(template=template, acting_user=request.user, now=timezone.now())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            done = (
                _("„%(template)s“ ist aktiv.") if self.active else _("„%(template)s“ ist inaktiv.")
            )
            messages.success(request, done % {"template": template})
        return redirect("process_template", pk=template.pk)
