"""API of processes: ``/api/v1/<leads|opportunities>/<id>/process/`` (state, advance, back,
switch, history) and ``/api/v1/process-templates/`` (list, import, activate, report).

The stage of a record changes only through these actions: advancing answers 400 with every
unmet check of the gate (``errors[].code == "gate"``)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers, views
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from wattwerk.core.api.routers import extra_urlpatterns
from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry

from .. import operations, queries
from ..definition import TemplateError
from ..models import ProcessTemplate

RECORD_TYPES = ("leads", "opportunities")
RECORD_TYPE = OpenApiParameter(
    "record_type",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=RECORD_TYPES,
    description="leads oder opportunities",
)


def record_for(request, record_type: str, pk: int, action: str = Action.READ):
    if record_type not in RECORD_TYPES:
        raise exceptions.NotFound
    return registry[record_type].model.objects.all().get_for(request.user, action, pk=pk)


class CheckSerializer(serializers.Serializer):
    message = serializers.CharField()
    met = serializers.BooleanField()


class StageSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    probability = serializers.IntegerField(allow_null=True)
    state = serializers.ChoiceField(choices=["done", "current", "upcoming", "skipped"])


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    start = serializers.DateTimeField(allow_null=True)
    due = serializers.DateTimeField(allow_null=True)


class VisitSerializer(serializers.Serializer):
    template = serializers.CharField(source="template.key")
    version = serializers.IntegerField(source="template.version")
    stage = serializers.CharField()
    stage_name = serializers.CharField()
    how = serializers.CharField()
    entered_at = serializers.DateTimeField()
    entered_by = serializers.CharField(source="entered_by.username", allow_null=True)
    left_at = serializers.DateTimeField(allow_null=True)
    left_by = serializers.CharField(source="left_by.username", allow_null=True)
    seconds = serializers.SerializerMethodField(help_text="Dauer in Sekunden (bis jetzt)")

    def get_seconds(self, visit) -> int:
        return int(queries.duration(visit).total_seconds())


class StateSerializer(serializers.Serializer):
    template = serializers.CharField(source="instance.template.key")
    version = serializers.IntegerField(source="instance.template.version")
    template_name = serializers.CharField(source="instance.template.name")
    stage = serializers.CharField(source="instance.stage")
    stage_name = serializers.CharField(source="instance.stage_name")
    status = serializers.CharField(source="instance.status")
    outcome = serializers.CharField(source="instance.outcome")
    probability_by_hand = serializers.BooleanField(source="instance.probability_by_hand")
    probability_note = serializers.CharField()
    stages = StageSerializer(many=True)
    checks = CheckSerializer(many=True)
    unmet = serializers.ListField(child=serializers.CharField())
    next_stage = serializers.SerializerMethodField()
    tasks = TaskSerializer(many=True)

    def get_next_stage(self, state) -> str | None:
        return state.next_stage["key"] if state.next_stage else None


class SwitchSerializer(serializers.Serializer):
    template = serializers.PrimaryKeyRelatedField(
        queryset=ProcessTemplate.objects.filter(is_active=True)
    )


def _state(request, record):
    found = queries.state(record, user=request.user)
    if found is None:
        raise exceptions.NotFound(_("„%(record)s“ hat keinen Prozess.") % {"record": record})
    return Response(StateSerializer(found).data)


def _django_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A refused stage change as 400, each reason its own error on ``stage`` (an unmet check
    of the gate with the code ``gate``)."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(get_error_detail(error))
    codes = [item.code or "invalid" for item in error.error_list]
    return serializers.ValidationError(
        {
            "stage": [
                serializers.ErrorDetail(message, code=code)
                for message, code in zip(error.messages, codes, strict=True)
            ]
        }
    )


class ProcessView(views.APIView):
    """The record's process: template, current stage, gate checklist, tasks of the stage."""

    @extend_schema(parameters=[RECORD_TYPE], responses=StateSerializer)
    def get(self, request, record_type: str, pk: int):
        return _state(request, record_for(request, record_type, pk))


class ProcessActionView(views.APIView):
    """POST: ``advance`` (400 listing every unmet check), ``back`` or ``switch``."""

    action = ""

    @extend_schema(parameters=[RECORD_TYPE], request=None, responses=StateSerializer)
    def post(self, request, record_type: str, pk: int):
        record = record_for(request, record_type, pk, Action.WRITE)
        template = None
        if self.action == "switch":
            data = SwitchSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            template = data.validated_data["template"]
        try:
            operations.change_stage(
                record=record,
                action=self.action,
                template=template,
                acting_user=request.user,
                now=timezone.now(),
            )
        except DjangoValidationError as error:
            raise _django_error(error) from error
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        record.refresh_from_db()
        return _state(request, record)


class SwitchView(ProcessActionView):
    action = "switch"

    @extend_schema(parameters=[RECORD_TYPE], request=SwitchSerializer, responses=StateSerializer)
    def post(self, request, record_type: str, pk: int):
        return super().post(request, record_type, pk)


class HistoryView(views.APIView):
    """Every stay in a stage: entered and left (with time of day), by whom, how long."""

    @extend_schema(parameters=[RECORD_TYPE], responses=VisitSerializer(many=True))
    def get(self, request, record_type: str, pk: int):
        record = record_for(request, record_type, pk)
        instance = operations.instance_of(record)
        if instance is None:
            raise exceptions.NotFound(_("„%(record)s“ hat keinen Prozess.") % {"record": record})
        visits = instance.visits.select_related("template", "entered_by", "left_by")
        return Response(VisitSerializer(visits, many=True).data)


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcessTemplate
        fields = [
            "id",
            "key",
            "version",
            "name",
            "record_kind",
            "segments",
            "description",
            "is_active",
            "imported_at",
            "definition",
        ]


class ImportSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="die Vorlage als YAML")
    filename = serializers.CharField(required=False, allow_blank=True, default="")
    activate = serializers.BooleanField(required=False, default=False)
    validate_only = serializers.BooleanField(
        required=False, default=False, help_text="nur prüfen, nichts speichern"
    )


class ManageTemplates(permissions.BasePermission):
    """Reading for everyone signed in; importing and activating for administrators."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.has_perm("processes.change_processtemplate")


def _template_problems(error: TemplateError) -> serializers.ValidationError:
    return serializers.ValidationError(
        {
            "source": [
                serializers.ErrorDetail(str(problem), code="template") for problem in error.problems
            ]
        }
    )


class TemplatesView(views.APIView):
    """The process templates; POST imports one (``validate_only``: check it, store nothing)."""

    permission_classes = [permissions.IsAuthenticated, ManageTemplates]

    @extend_schema(responses=TemplateSerializer(many=True))
    def get(self, request):
        return Response(TemplateSerializer(ProcessTemplate.objects.all(), many=True).data)

    @extend_schema(request=ImportSerializer, responses={201: TemplateSerializer})
    def post(self, request):
        data = ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            if values["validate_only"]:
                parsed = operations.parse(values["source"], filename=values["filename"])
                return Response({"valid": True, "definition": parsed})
            template = operations.import_template(
                source=values["source"],
                filename=values["filename"],
                activate=values["activate"],
                acting_user=request.user,
                now=timezone.now(),
            )
        except TemplateError as error:
            raise _template_problems(error) from error
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from error
        return Response(TemplateSerializer(template).data, status=201)


class ActivateView(views.APIView):
    permission_classes = [permissions.IsAuthenticated, ManageTemplates]

    active = True

    @extend_schema(request=None, responses=TemplateSerializer)
    def post(self, request, pk: int):
        template = get_object_or_404(ProcessTemplate, pk=pk)
        change = operations.activate_template if self.active else operations.deactivate_template
        try:
            change(template=template, acting_user=request.user, now=timezone.now())
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from error
        return Response(TemplateSerializer(template).data)


class FiguresSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    entered = serializers.IntegerField(help_text="Prozesse, die die Stufe erreichten")
    advanced = serializers.IntegerField(help_text="davon von hier weitergegangen")
    conversion = serializers.FloatField(allow_null=True, help_text="weiter / erreicht")
    median_seconds = serializers.FloatField(allow_null=True)
    average_seconds = serializers.FloatField(allow_null=True)


class Administrators(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("processes.change_processtemplate")


class ReportView(views.APIView):
    """Time in stage (median, average) and conversion from stage to stage, over every version
    of the template's key, across the organisation (for administrators, as on the page)."""

    permission_classes = [permissions.IsAuthenticated, Administrators]

    @extend_schema(responses=FiguresSerializer(many=True))
    def get(self, request, pk: int):
        template = get_object_or_404(ProcessTemplate, pk=pk)
        _versions, figures = queries.report(template.key)
        return Response(FiguresSerializer(figures, many=True).data)


extra_urlpatterns += [
    path("<slug:record_type>/<int:pk>/process/", ProcessView.as_view(), name="record-process"),
    path(
        "<slug:record_type>/<int:pk>/process/advance/",
        ProcessActionView.as_view(action="advance"),
        name="record-process-advance",
    ),
    path(
        "<slug:record_type>/<int:pk>/process/back/",
        ProcessActionView.as_view(action="back"),
        name="record-process-back",
    ),
    path(
        "<slug:record_type>/<int:pk>/process/switch/",
        SwitchView.as_view(),
        name="record-process-switch",
    ),
    path(
        "<slug:record_type>/<int:pk>/process/history/",
        HistoryView.as_view(),
        name="record-process-history",
    ),
    path("process-templates/", TemplatesView.as_view(), name="process-templates"),
    path(
        "process-templates/<int:pk>/activate/",
        ActivateView.as_view(),
        name="process-template-activate",
    ),
    path(
        "process-templates/<int:pk>/report/", ReportView.as_view(), name="process-template-report"
    ),
]
