"""API of activities: CRUD, and the actions complete, cancel and reschedule."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from wattwerk.core.api.routers import router
from wattwerk.core.api.serializers import RecordSerializer
from wattwerk.core.api.views import RecordViewSet, record_action
from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry

from .. import chains, operations, queries
from ..forms import (
    ACTIVITY_DERIVED,
    ACTIVITY_FIELDS,
    CHAIN_DERIVED,
    CHAIN_FIELDS,
    check_activity,
    regarding_models,
)
from ..models import Activity, Chain, ChainTemplate


def _slugs() -> list[str]:
    return [registry.for_model(model).slug for model in regarding_models()]


@extend_schema_field(OpenApiTypes.STR)
class RegardingTypeField(serializers.Field):
    """The regarding record's type by its slug ("leads", "opportunities", "accounts", …)."""

    def to_representation(self, value: ContentType) -> str:
        return registry.for_model(value.model_class()).slug

    def to_internal_value(self, data) -> ContentType:
        if data not in _slugs():
            raise serializers.ValidationError(
                f"Unbekannte Art „{data}“; erlaubt: {', '.join(sorted(_slugs()))}."
            )
        return ContentType.objects.get_for_model(registry[data].model)


class ActivitySerializer(RecordSerializer):
    regarding_type = RegardingTypeField(
        required=False, allow_null=True, help_text="Art des Bezugs, z. B. opportunities"
    )
    regarding_display = serializers.SerializerMethodField(help_text="Name des Bezugs")

    class Meta:
        model = Activity
        fields = [
            "id",
            "display",
            *ACTIVITY_FIELDS,
            "regarding_display",
            *ACTIVITY_DERIVED,
            "owning_department",
        ]
        read_only_fields = [*ACTIVITY_DERIVED, "owning_department"]
        extra_kwargs = {"owner": {"required": False}}

    def get_regarding_display(self, activity) -> str:
        return regarding_display(self, activity)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        values = {**self._current(), **attrs}
        errors = check_activity(values, self.acting_user)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _current(self) -> dict:
        if self.instance is None:
            return {}
        return {
            "kind": self.instance.kind,
            "regarding_type": self.instance.regarding_type,
            "regarding_id": self.instance.regarding_id,
        }


def _answered(serializer) -> list:
    """The records of this answer: the page of a list, or the one record."""
    root = serializer.root.instance
    return list(root) if isinstance(root, list | QuerySet) else [root]


def regarding_display(serializer, record) -> str:
    """The regarding record's name, only when the caller may read it (one query per record
    type for a whole page)."""
    if not record.regarding_type_id:
        return ""
    readable = serializer.context.get("_readable_regarding")
    if readable is None:
        readable = serializer.context["_readable_regarding"] = queries.readable_regarding(
            serializer.acting_user, _answered(serializer)
        )
    key = (record.regarding_type_id, record.regarding_id)
    return str(record.regarding) if key in readable else ""


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(required=False, allow_blank=True, help_text="Ergebnis")


class RescheduleSerializer(serializers.Serializer):
    start = serializers.DateTimeField(allow_null=True)
    due = serializers.DateTimeField(allow_null=True)


class ActivityViewSet(RecordViewSet):
    """Aktivitäten (Aufgaben, Telefonate, E-Mails, Termine, Briefe) zu beliebigen Datensätzen."""

    model = Activity
    serializer_class = ActivitySerializer
    filterset_class = registry.for_model(Activity).filterset_class
    select_related = ("owner", "assigned_department", "regarding_type", "status_changed_by")
    prefetch_related = ("contacts", "users", "regarding")
    ordering_fields = ["due", "start", "priority", "subject"]

    def _change(self, request, operation, **values):
        activity = self.get_object()
        try:
            activity = operation(
                activity=activity, acting_user=request.user, now=timezone.now(), **values
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from error
        return Response(self.get_serializer(activity).data)

    @extend_schema(request=OutcomeSerializer, responses=ActivitySerializer)
    @record_action(object_action=Action.WRITE)
    def complete(self, request, *args, **kwargs):
        """Mark the activity done (needs write); optional outcome."""
        data = OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._change(request, operations.complete_activity, **data.validated_data)

    @extend_schema(request=OutcomeSerializer, responses=ActivitySerializer)
    @record_action(object_action=Action.WRITE)
    def cancel(self, request, *args, **kwargs):
        data = OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._change(request, operations.cancel_activity, **data.validated_data)

    @extend_schema(request=RescheduleSerializer, responses=ActivitySerializer)
    @record_action(object_action=Action.WRITE)
    def reschedule(self, request, *args, **kwargs):
        """New start and due of an open activity (needs write)."""
        data = RescheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._change(request, operations.reschedule_activity, **data.validated_data)


class ChainStepSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="step.key")
    activity = serializers.IntegerField(source="pk")

    class Meta:
        model = Activity
        fields = ["key", "activity", "subject", "status", "start", "due", "assigned_department"]


class ChainSerializer(RecordSerializer):
    regarding_type = RegardingTypeField(help_text="Art des Bezugs, z. B. opportunities")
    regarding_display = serializers.SerializerMethodField(help_text="Name des Bezugs")
    steps = serializers.SerializerMethodField(help_text="die Schritte mit Status und Terminen")

    class Meta:
        model = Chain
        fields = [
            "id",
            "display",
            *CHAIN_FIELDS,
            "regarding_display",
            *CHAIN_DERIVED,
            "steps",
            "owning_department",
        ]
        read_only_fields = [*CHAIN_DERIVED, "owning_department"]
        extra_kwargs = {"owner": {"required": False}}

    def get_regarding_display(self, chain) -> str:
        return regarding_display(self, chain)

    @extend_schema_field(ChainStepSerializer(many=True))
    def get_steps(self, chain) -> list:
        """The steps the caller may read (like the tab "Schritte")."""
        readable = self.context.get("_readable_steps")
        if readable is None:
            chains = _answered(self)
            readable = self.context["_readable_steps"] = set(
                Activity.objects.restrict(self.acting_user, Action.READ)
                .filter(chain__in=chains)
                .values_list("pk", flat=True)
            )
        activities = sorted(
            (activity for activity in chain.activities.all() if activity.pk in readable),
            key=lambda activity: activity.step.position,
        )
        return ChainStepSerializer(activities, many=True).data

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = check_activity(attrs, self.acting_user)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ChainViewSet(RecordViewSet):
    """Aktivitätenketten: starten (POST) plant jeden Schritt der Vorlage als Aktivität, vorwärts
    ab dem Beginn oder rückwärts ab der Frist; lesen zeigt den Stand der Schritte."""

    model = Chain
    serializer_class = ChainSerializer
    filterset_class = registry.for_model(Chain).filterset_class
    select_related = ("template", "owner", "regarding_type")
    prefetch_related = ("regarding", "activities__step")
    ordering_fields = ["anchor_at", "created_at"]

    @extend_schema(request=None, responses=ChainSerializer)
    @record_action(object_action=Action.WRITE)
    def cancel(self, request, *args, **kwargs):
        """Stop the chain: its waiting and open steps are cancelled (needs write)."""
        chain = self.get_object()
        try:
            chain = chains.cancel_chain(chain=chain, acting_user=request.user, now=timezone.now())
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from error
        return Response(self.get_serializer(Chain.objects.get(pk=chain.pk)).data)


class ChainTemplateSerializer(RecordSerializer):
    steps = serializers.SerializerMethodField(help_text="Schritte mit Dauer und Vorgängern")

    class Meta:
        model = ChainTemplate
        fields = ["id", "display", "name", "anchor", "description", "steps"]

    def get_steps(self, template) -> list[dict]:
        return [
            {
                "key": step.key,
                "kind": step.kind,
                "subject": step.subject,
                "department": step.department_id,
                "role": step.role_id,
                "working_days": step.working_days,
                "predecessors": [other.key for other in step.predecessors.all()],
            }
            for step in template.steps.all()
        ]


class ChainTemplateViewSet(RecordViewSet):
    """Kettenvorlagen (Schritte, Dauer in Werktagen, Vorgänger)."""

    model = ChainTemplate
    serializer_class = ChainTemplateSerializer
    filterset_class = registry.for_model(ChainTemplate).filterset_class
    prefetch_related = ("steps__predecessors",)
    ordering_fields = ["name"]


router.register("activities", ActivityViewSet, basename="activity")
router.register("chains", ChainViewSet, basename="chain")
router.register("chain-templates", ChainTemplateViewSet, basename="chaintemplate")
