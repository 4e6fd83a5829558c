"""The base viewset of every record type: restricted querysets, ETags and If-Match."""

import functools
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, serializers, views, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from wattwerk.core import operations
from wattwerk.core.importing import MAX_UPLOAD_BYTES, ImportFailed, get_importers
from wattwerk.core.querysets import Action, explain_access, user_can
from wattwerk.core.search import global_search
from wattwerk.core.tabular import UnreadableFile

from .exceptions import PROBLEM_CONTENT_TYPE, Conflict, PreconditionFailed
from .serializers import AccessReasonSerializer

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="ETag aus der letzten Antwort; passt er nicht mehr, antwortet die API mit 412.",
)

_ACTION_BY_METHOD = {
    "GET": Action.READ,
    "HEAD": Action.READ,
    "OPTIONS": Action.READ,
    "POST": Action.CREATE,
    "PUT": Action.WRITE,
    "PATCH": Action.WRITE,
    "DELETE": Action.DELETE,
}


def etag_for(data) -> str:
    payload = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()
    return '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'


class RecordPermission(permissions.IsAuthenticated):
    """Signed in; creating also needs the create privilege (other actions: the restriction)."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method == "POST":
            return user_can(request.user, view.model, Action.CREATE)
        return True


@extend_schema_view(
    update=extend_schema(parameters=[IF_MATCH]),
    partial_update=extend_schema(parameters=[IF_MATCH]),
    destroy=extend_schema(parameters=[IF_MATCH]),
)
class RecordViewSet(viewsets.ModelViewSet):
    """List, read, create, change and delete one record type.

    Every response for one record carries an ``ETag``; a write whose ``If-Match`` does not match
    the record's current ETag is refused with 412 and changes nothing.
    """

    model = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()  # many-to-many fields in the answer
    permission_classes = [RecordPermission]
    # The right an extra action needs on its record, e.g. ``@action(object_action=Action.WRITE)``
    # for a POST that changes the record (by default: the right of the HTTP method).
    object_action: str | None = None
    # Actions whose operation locks the rows it writes itself, in an order of its own (a parent
    # before its children): get_object must not lock the record first, or two requests could
    # each hold what the other waits for.
    locked_by_operation: frozenset[str] = frozenset()

    def get_queryset(self):
        return self.related(self.model.objects.restrict(self.request.user, Action.READ))

    def related(self, queryset):
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def get_object(self):
        action = self.object_action or _ACTION_BY_METHOD.get(self.request.method, Action.READ)
        queryset = self.related(self.model.objects.all())
        if action in {Action.WRITE, Action.DELETE} and self.action not in self.locked_by_operation:
            # Locked until the write commits, so two writers with the same ETag cannot both pass.
            queryset = queryset.select_for_update(of=("self",))
        lookup_kwarg = self.lookup_url_kwarg or self.lookup_field
        instance = queryset.get_for(
            self.request.user, action, **{self.lookup_field: self.kwargs[lookup_kwarg]}
        )
        self.check_object_permissions(self.request, instance)
        return instance

    def with_etag(self, response: Response) -> Response:
        response["ETag"] = etag_for(response.data)
        return response

    def check_if_match(self, instance) -> None:
        expected = self.request.headers.get("If-Match")
        if not expected or expected.strip() == "*":
            return
        current = etag_for(self.get_serializer(instance).data)
        candidates = {tag.strip().removeprefix("W/") for tag in expected.split(",")}
        if current not in candidates:
            raise PreconditionFailed

    def retrieve(self, request, *args, **kwargs):
        return self.with_etag(super().retrieve(request, *args, **kwargs))

    def create(self, request, *args, **kwargs):
        return self.with_etag(super().create(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            self.check_if_match(instance)
            serializer = self.get_serializer(
                instance, data=request.data, partial=kwargs.get("partial", False)
            )
            serializer.is_valid(raise_exception=True)
            serializer.save()
        return self.with_etag(Response(self.get_serializer(serializer.instance).data))

    @extend_schema(responses=AccessReasonSerializer(many=True))
    @action(
        detail=True, methods=["get"], url_path="access", pagination_class=None, filter_backends=[]
    )
    def access(self, request, *args, **kwargs):
        """Why the caller may read, write or delete this record (roles, depth, teams, shares)."""
        instance = self.get_object()
        reasons = explain_access(request.user, instance)
        return Response(AccessReasonSerializer(reasons, many=True).data)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object()
            self.check_if_match(instance)
            try:
                operations.delete_record(
                    instance=instance, acting_user=request.user, now=timezone.now()
                )
            except operations.UnableToDeleteRecord as error:
                raise Conflict(str(error)) from error
        return Response(status=204)


class NotFoundView(views.APIView):
    """Anything else under /api/v1/: a 404 problem+json, not the HTML error page."""

    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound


class SearchResultSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Datensatztyp, z. B. accounts")
    id = serializers.IntegerField()
    display = serializers.CharField()
    url = serializers.CharField(help_text="Seite des Datensatzes")


class SearchView(views.APIView):
    """Global search over accounts, contacts, leads, opportunities and delivery points (name,
    number, MaLo-ID, city), restricted like every list: at most 10 hits per record type."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True)],
        responses=SearchResultSerializer(many=True),
    )
    def get(self, request, *args, **kwargs):
        text = request.query_params.get("q", "").strip()
        if len(text) < 2:
            raise exceptions.ValidationError({"q": [_("Mindestens zwei Zeichen.")]})
        hits = [
            {
                "type": record_type.slug,
                "id": record.pk,
                "display": str(record),
                "url": record.get_absolute_url(),
            }
            for record_type, records, _more in global_search(request.user, text)
            for record in records
        ]
        return Response(SearchResultSerializer(hits, many=True).data)


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV oder XLSX, erste Zeile die Spaltenüberschriften")
    dry_run = serializers.BooleanField(default=False, help_text="nur prüfen, nichts speichern")

    def validate_file(self, upload):
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(_("Die Datei ist größer als 50 MB."))
        return upload


class ImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text="gelesene Zeilen")
    created = serializers.DictField(child=serializers.IntegerField(), help_text="angelegt je Typ")
    dry_run = serializers.BooleanField()


class ImportAPIView(views.APIView):
    """Import accounts, contacts or leads with lines (``type``) from a CSV or XLSX file: every
    row is checked first; a file with problems imports nothing and answers 400 with each
    problem's row, column and message."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(request=ImportRequestSerializer, responses=ImportResultSerializer)
    def post(self, request, type, *args, **kwargs):
        importer_class = get_importers().get(type)
        if importer_class is None:
            raise exceptions.NotFound
        data = ImportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        importer = importer_class(request.user, timezone.now())
        dry_run = data.validated_data["dry_run"]
        try:
            result = importer.run(data.validated_data["file"], dry_run=dry_run)
        except UnreadableFile as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from error
        except ImportFailed as error:
            result = error
        if result.problems:
            problem = {
                "type": "about:blank",
                "status": 400,
                "title": _("Ungültige Eingabe"),
                "detail": _("%(count)d Fehler; nichts importiert.")
                % {"count": len(result.problems)},
                "errors": [
                    {"row": p.row, "field": p.column, "message": p.message} for p in result.problems
                ],
            }
            return Response(problem, status=400, content_type=PROBLEM_CONTENT_TYPE)
        answer = {"rows": result.rows, "created": result.created, "dry_run": dry_run}
        return Response(ImportResultSerializer(answer).data)


def record_action(**options):
    """``@record_action(object_action=Action.WRITE)``: an extra action on one record — POST by
    default, for signed-in users, the right on the record checked as ``object_action`` says.

    The action runs in one transaction: the record it writes is locked from ``get_object`` until
    the answer (PostgreSQL refuses a row lock outside a transaction)."""
    defaults = {
        "detail": True,
        "methods": ["post"],
        "permission_classes": [permissions.IsAuthenticated],
        "filter_backends": [],
        "pagination_class": None,
    }

    def decorate(function):
        @functools.wraps(function)
        def in_transaction(self, request, *args, **kwargs):
            with transaction.atomic():
                return function(self, request, *args, **kwargs)

        return action(**{**defaults, **options})(in_transaction)

    return decorate
