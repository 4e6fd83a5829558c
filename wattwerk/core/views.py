"""Generic record views: list, record page, history tab, create, edit and delete.

They are driven by the registry; a record type brings its model, form, table and filterset.
Every queryset passes ``restrict(user, action)``; a record out of reach answers 404, so its
existence does not leak. On an htmx request a view answers with the fragment only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django_tables2 import RequestConfig

from . import changelog, exports, forms, operations, timeline
from .models import SavedView
from .pagination import PAGE_SIZE, BoundedPaginator
from .querysets import (
    Action,
    explain_access,
    field_rights,
    hidden_in_history,
    secured_fields,
    secured_holders,
    secured_name,
    user_can,
)
from .registry import RecordType, registry
from .search import global_search

PAGINATE = {"per_page": PAGE_SIZE, "paginator_class": BoundedPaginator}


def render_page(
    request: HttpRequest, template: str, context: dict, partial: str = ""
) -> HttpResponse:
    """The whole page, or only the named partial when htmx targets the element of that id."""
    name = (
        f"{template}#{partial}"
        if partial and request.htmx and request.htmx.target == partial
        else template
    )
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


class RecordView(View):
    record_type: RecordType | None = None

    @property
    def model(self):
        return self.record_type.model

    def related(self, queryset):
        names = self.record_type.list_select_related
        return queryset.select_related(*names) if names else queryset

    def restricted(self, action: str):
        return self.model.objects.restrict(self.request.user, action)

    def get_object(self, action: str):
        queryset = self.related(self.model.objects.all())
        return queryset.get_for(self.request.user, action, pk=self.kwargs["pk"])

    def base_context(self, **extra) -> dict:
        """What the user may do: on this record when there is one, else on the record type."""
        user, instance = self.request.user, extra.get("object")

        def may(action: str) -> bool:
            if instance is None or instance.pk is None:
                return user_can(user, self.model, action)
            return self.restricted(action).filter(pk=instance.pk).exists()

        def banners() -> list:  # called only where the page shows them (not in a tab's partial)
            if instance is None or instance.pk is None:
                return []
            shown = []
            for banner in self.record_type.banners:
                context = banner.context(self.request, instance)
                if context is not None:
                    shown.append((banner.template, context))
            return shown

        return {
            "record_type": self.record_type,
            "record_banners": banners,
            "can_create": user_can(user, self.model, Action.CREATE),
            "can_write": may(Action.WRITE),
            "can_delete": may(Action.DELETE),
            **extra,
        }


class RecordListView(RecordView):
    template_name = "core/record_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        # No 403 here: records shared with the user show even without a read privilege.
        queryset = self.related(self.restricted(Action.READ))
        filterset = self.record_type.filterset_class(
            request.GET, queryset=queryset, request=request
        )
        hidden = field_rights(request.user, self.model).hidden
        columns = [
            (name, column.header)
            for name, column in self.record_type.table_class.base_columns.items()
            if name not in hidden
        ]
        chosen = set(request.GET.getlist("columns"))
        if not chosen and "columns_chosen" not in request.GET:
            chosen = {name for name, _header in columns}  # no choice made: every column
        chosen.add(columns[0][0])  # the first column links to the record
        table = self.record_type.table_class(
            filterset.qs if filterset.is_valid() else queryset.none(),
            exclude=tuple(hidden | {name for name, _header in columns if name not in chosen}),
        )
        export = request.GET.get("export")
        if export in exports.FORMATS:
            RequestConfig(request, paginate=False).configure(table)
            name = f"{self.record_type.slug}-{timezone.localdate():%Y-%m-%d}"
            return exports.export_response(table, export, name)
        RequestConfig(request, paginate=PAGINATE).configure(table)
        context = self.base_context(
            filterset=filterset,
            table=table,
            columns=[(name, header, name in chosen) for name, header in columns],
            saved_views=SavedView.objects.filter(
                user=request.user, record_type=self.record_type.slug
            ),
        )
        return render_page(request, self.template_name, context, partial="results")


class RecordChoicesView(RecordView):
    """What a record picker suggests for the text typed so far (sent under the field's name):
    the first readable records the list's search finds, as ``<option>``s. For a picker of
    several (``add``: the field, ``into``: its id) a picked suggestion comes back as a chip to
    add, and the typing field empty again."""

    LIMIT = 20

    def get(self, request: HttpRequest) -> HttpResponse:
        field, into = request.GET.get("add", ""), request.GET.get("into", "")
        if field:
            text = request.GET.get(f"{field}-search", "").strip()
        else:
            text = next(iter(request.GET.values()), "").strip()
        picked = forms.PICKED.search(text)
        if field and into and picked:
            record = self.restricted(Action.READ).filter(pk=picked.group(1)).first()
            context = {"name": field, "id": into, "url": request.path, "oob": True}
            if record is not None:
                context.update(pk=record.pk, label=str(record))
            return render(request, "core/record_pick_added.html", context)
        labels = []
        if text and not picked:
            filterset = self.record_type.filterset_class(
                {"q": text}, queryset=self.related(self.restricted(Action.READ)), request=request
            )
            if filterset.is_valid():
                # The browser shows only suggestions that hold the text typed: one found
                # through another field (an opportunity by its account's name) says which.
                labels = [
                    forms.picked_label(record, context=filterset.found_in(record, text))
                    for record in filterset.qs[: self.LIMIT]
                ]
        return render(request, "core/record_choices.html", {"labels": labels})


class RecordDetailView(RecordView):
    template_name = "core/record_detail.html"

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        instance = self.get_object(Action.READ)
        hidden = field_rights(request.user, self.model).hidden
        fields = changelog.field_rows(
            instance, self.record_type.detail_fields, hidden, reader=request.user
        )
        context = self.base_context(object=instance, fields=fields, active_tab="overview")
        return render_page(request, self.template_name, context, partial="tab")


class RecordHistoryView(RecordView):
    template_name = "core/record_history.html"

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        instance = self.get_object(Action.READ)
        entries = list(changelog.history_for(instance)[:200])
        hidden = hidden_in_history(request.user, self.model)
        for entry in entries:
            entry.rows = changelog.change_rows(self.model, entry, hidden=hidden)
        context = self.base_context(object=instance, entries=entries, active_tab="history")
        return render_page(request, self.template_name, context, partial="tab")


class RecordTimelineView(RecordView):
    """Tab "Zeitleiste": changes, business events and activities together, newest first;
    ``?kinds=…`` filters, ``?before=<moment>`` gives the next older page (htmx appends it)."""

    template_name = "core/record_timeline.html"

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        instance = self.get_object(Action.READ)
        kinds = set(request.GET.getlist("kinds")) & timeline.KINDS.keys() or set(timeline.KINDS)
        try:
            before = parse_datetime(request.GET.get("before", ""))
        except ValueError:
            before = None  # a mangled paging link: the newest page
        seen = frozenset(filter(None, request.GET.get("seen", "").split(",")))
        entries = timeline.entries(instance, request.user, kinds=kinds, before=before, seen=seen)
        more = None
        if len(entries) >= timeline.PAGE:
            moment, shown = timeline.next_page(entries, before, seen)
            query = request.GET.copy()
            query["before"], query["seen"] = moment.isoformat(), ",".join(sorted(shown))
            more = query.urlencode()
        context = self.base_context(
            object=instance,
            active_tab="timeline",
            entries=entries,
            kinds=[(kind, label, kind in kinds) for kind, label in timeline.KINDS.items()],
            actions=timeline.actions(instance, request.user),
            more=more,
        )
        partial = "timeline-more" if before is not None else "tab"
        return render_page(request, self.template_name, context, partial=partial)


class RecordAccessView(RecordView):
    """ "Warum sehe ich das?": the roles, depths, teams and shares that give the user access."""

    template_name = "core/record_access.html"

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        instance = self.get_object(Action.READ)
        reasons = explain_access(request.user, instance)
        by_action = [
            (label, [r for r in reasons if r.action == action and not r.field])
            for action, label in Action.choices
            if action in {Action.READ, Action.WRITE, Action.DELETE}
        ]
        secured = []
        for part, holder in secured_holders(self.model):
            rights = field_rights(request.user, holder)
            for field in holder._meta.concrete_fields:
                if field.name not in secured_fields(holder):
                    continue
                if not rights.may_read(field.name):
                    state = _("verborgen")
                elif rights.may_write(field.name):
                    state = _("lesen und schreiben")
                else:
                    state = _("nur lesen")
                label = field.verbose_name
                if part:  # "Angebotszeilen · Arbeitspreis (ct/kWh)"
                    label = f"{holder._meta.verbose_name_plural} · {label}"
                name = secured_name(part, field.name)
                texts = sorted({r.text for r in reasons if r.field == name})
                secured.append((label, state, texts))
        context = self.base_context(
            object=instance, by_action=by_action, secured=secured, active_tab="access"
        )
        return render_page(request, self.template_name, context, partial="tab")


class RecordEditView(RecordView):
    """Create (no pk) or edit (pk) a record through its form."""

    template_name = "core/record_form.html"

    def get_instance(self):
        if "pk" in self.kwargs:
            return self.get_object(Action.WRITE)
        if not user_can(self.request.user, self.model, Action.CREATE):
            raise PermissionDenied
        return self.model()

    def get(self, request: HttpRequest, pk=None) -> HttpResponse:
        instance = self.get_instance()
        initial = {}
        if instance.pk is None:  # "Neue Aktivität zu diesem Lead": ?regarding_type=…&…
            fields = self.record_type.form_class.base_fields
            initial = {name: request.GET[name] for name in request.GET if name in fields}
        form = self.record_type.form_class(instance=instance, user=request.user, initial=initial)
        return render(request, self.template_name, self.base_context(form=form, object=instance))

    def post(self, request: HttpRequest, pk=None) -> HttpResponse:
        instance = self.get_instance()
        creating = instance.pk is None
        form = self.record_type.form_class(request.POST, instance=instance, user=request.user)
        if form.is_valid():
            now = timezone.now()
            links = {
                field.name: form.cleaned_data[field.name]
                for field in self.model._meta.many_to_many
                if field.name in form.cleaned_data
            }
            write = operations.create_record if creating else operations.update_record
            try:
                write(instance=form.instance, acting_user=request.user, now=now, many_to_many=links)
            except operations.ValidationError as error:
                form.add_operation_error(error)
            else:
                messages.success(
                    request,
                    (
                        _("„%(record)s“ wurde angelegt.")
                        if creating
                        else _("„%(record)s“ wurde gespeichert.")
                    )
                    % {"record": form.instance},
                )
                return redirect(form.instance.get_absolute_url())
        response = render(
            request, self.template_name, self.base_context(form=form, object=instance)
        )
        response.status_code = 422
        return response


class RecordDeleteView(RecordView):
    template_name = "core/record_confirm_delete.html"

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        instance = self.get_object(Action.DELETE)
        return render(request, self.template_name, self.base_context(object=instance))

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        instance = self.get_object(Action.DELETE)
        name = str(instance)
        try:
            operations.delete_record(
                instance=instance, acting_user=request.user, now=timezone.now()
            )
        except operations.UnableToDeleteRecord as error:
            messages.error(request, str(error))
            return redirect(instance.get_absolute_url())
        messages.success(request, _("„%(record)s“ wurde gelöscht.") % {"record": name})
        return redirect(reverse(self.record_type.url_name("list")))


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 while the database answers, 503 when it does not; for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return JsonResponse({"status": "error", "database": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def error_view(template: str, status: int):
    @login_not_required
    def view(request: HttpRequest, exception=None) -> HttpResponse:
        if status >= 500:
            # No request context: the database may be what failed.
            return HttpResponse(render_to_string(template), status=status)
        return render(request, template, {}, status=status)

    return view


class SearchView(View):
    """Global search over accounts, contacts, leads, opportunities and delivery points."""

    def get(self, request: HttpRequest) -> HttpResponse:
        text = request.GET.get("q", "").strip()
        results = global_search(request.user, text) if len(text) >= 2 else []
        return render(request, "core/search.html", {"q": text, "results": results})


class RelatedRecordsView(RecordView):
    """A tab with the records of another type that belong to this one (an account's contacts,
    opportunities, delivery points): that type's table, restricted and field-secured."""

    template_name = "core/record_related.html"
    tab = None

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        instance = self.get_object(Action.READ)
        related = registry[self.tab.related]
        queryset = related.model.objects.restrict(request.user, Action.READ)
        names = related.list_select_related
        queryset = queryset.select_related(*names) if names else queryset
        table = related.table_class(
            queryset.filter(**{self.tab.lookup: instance}),
            exclude=tuple(field_rights(request.user, related.model).hidden),
        )
        RequestConfig(request, paginate=PAGINATE).configure(table)
        context = self.base_context(
            object=instance, active_tab=self.tab.name, table=table, related=related
        )
        return render_page(request, self.template_name, context, partial="tab")


class SavedViewSaveView(View):
    """Save the list as it is shown (filters, search, sort, columns) under a name."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        record_type = _record_type_or_404(slug)
        name = request.POST.get("name", "").strip()[:100]
        query = request.POST.get("query", "")[:2000]
        list_url = reverse(record_type.url_name("list"))
        if not name:
            messages.error(request, _("Bitte der Ansicht einen Namen geben."))
            return redirect(f"{list_url}?{query}")
        SavedView.objects.update_or_create(
            user=request.user, record_type=slug, name=name, defaults={"query": query}
        )
        messages.success(request, _("Ansicht „%(name)s“ gespeichert.") % {"name": name})
        return redirect(f"{list_url}?{query}")


class SavedViewDeleteView(View):
    def post(self, request: HttpRequest, slug: str, pk: int) -> HttpResponse:
        record_type = _record_type_or_404(slug)
        SavedView.objects.filter(user=request.user, record_type=slug, pk=pk).delete()
        return redirect(record_type.url_name("list"))


def _record_type_or_404(slug: str) -> RecordType:
    try:
        return registry[slug]
    except KeyError as error:
        raise Http404 from error
