"""The import page: upload a CSV or XLSX file, see every problem of the dry run, then import
all of it (or nothing)."""

import re
import secrets
from datetime import timedelta
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .importing import MAX_UPLOAD_BYTES, ImportFailed, get_importers
from .querysets import Action, user_can
from .registry import registry
from .tabular import UnreadableFile

TOKEN = re.compile(r"^\d+-[A-Za-z0-9_-]{20,}$")


KEEP_CHECKED_FILES = timedelta(hours=12)


def import_dir() -> Path:
    """Where a checked file waits for the "import now"; files not imported within
    ``KEEP_CHECKED_FILES`` are removed (they hold customer data)."""
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    oldest = (timezone.now() - KEEP_CHECKED_FILES).timestamp()
    for stale in path.iterdir():
        if stale.is_file() and stale.stat().st_mtime < oldest:
            stale.unlink(missing_ok=True)
    return path


def allowed_types(user) -> list[tuple[str, str]]:
    return [
        (slug, registry[slug].verbose_name_plural)
        for slug, importer in sorted(get_importers().items())
        if user_can(user, importer.model, Action.CREATE)
    ]


class ImportForm(forms.Form):
    type = forms.ChoiceField(label=gettext_lazy("Datensätze"))
    file = forms.FileField(
        label=gettext_lazy("Datei (CSV oder XLSX)"),
        help_text=gettext_lazy("Erste Zeile: die Spaltenüberschriften."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = allowed_types(user)
        self.fields["type"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Die Datei ist größer als 50 MB."))
        return upload


class ImportView(View):
    template_name = "core/import.html"

    def page(self, request, form, status=200, **context) -> HttpResponse:
        context = {"form": form, "types": allowed_types(request.user), **context}
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, ImportForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("token"):
            return self.run(request)
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.page(request, form, status=422)
        kind = form.cleaned_data["type"]
        token = f"{request.user.pk}-{secrets.token_urlsafe(24)}"
        stored = import_dir() / token
        with stored.open("wb") as handle:
            for chunk in form.cleaned_data["file"].chunks():
                handle.write(chunk)
        importer = get_importers()[kind](request.user, timezone.now())
        try:
            with stored.open("rb") as handle:
                result = importer.run(handle, dry_run=True)
        except UnreadableFile as error:
            stored.unlink(missing_ok=True)
            form.add_error("file", str(error))
            return self.page(request, form, status=422)
        if result.problems:
            stored.unlink(missing_ok=True)
        return self.page(
            request,
            form,
            status=422 if result.problems else 200,
            result=result,
            token="" if result.problems else token,
            kind=kind,
        )

    def run(self, request: HttpRequest) -> HttpResponse:
        token, kind = request.POST["token"], request.POST.get("type", "")
        if not TOKEN.match(token) or not token.startswith(f"{request.user.pk}-"):
            raise Http404
        importer_class = get_importers().get(kind)
        stored = import_dir() / token
        if importer_class is None or not stored.exists():
            raise Http404
        importer = importer_class(request.user, timezone.now())
        try:
            with stored.open("rb") as handle:
                result = importer.run(handle)
        except ImportFailed as error:
            result = None
            problems = error.problems
        else:
            problems = result.problems
        finally:
            stored.unlink(missing_ok=True)
        if problems:
            form = ImportForm(user=request.user)
            return self.page(request, form, status=422, problems=problems)
        messages.success(request, _("Importiert: %(created)s.") % {"created": result.summary()})
        return redirect(f"{kind}_list")
