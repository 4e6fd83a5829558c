"""API endpoints of the reference data, one per record type, built from its declaration, and of
the delivery points with their load-curve upload."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from wattwerk.core.api.references import register_reference_endpoints
from wattwerk.core.api.routers import router
from wattwerk.core.api.serializers import RecordSerializer
from wattwerk.core.api.views import RecordViewSet, record_action
from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry

from .. import loadcurves, operations
from ..forms import DELIVERY_POINT_FIELDS
from ..models import DeliveryPoint
from ..records import REFERENCES

register_reference_endpoints(REFERENCES)


class DeliveryPointSerializer(RecordSerializer):
    melo_ids = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Zählpunktbezeichnungen"
    )
    full_load_hours = serializers.DecimalField(
        max_digits=12, decimal_places=0, read_only=True, allow_null=True, help_text="h/a"
    )

    class Meta:
        model = DeliveryPoint
        fields = [
            "id",
            "display",
            *DELIVERY_POINT_FIELDS,
            "full_load_hours",
            "owning_department",
        ]
        read_only_fields = ["owning_department"]
        extra_kwargs = {"owner": {"required": False}}


class LoadCurveUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV oder XLSX: je Zeile Zeitpunkt und Wert (oder Datum, Uhrzeit und Wert)"
    )
    unit = serializers.ChoiceField(choices=list(loadcurves.Unit), help_text="kW oder kWh")
    take_over = serializers.BooleanField(
        default=False,
        help_text="Jahresverbrauch, Höchstlast und Messung in die Lieferstelle übernehmen",
    )

    def validate_file(self, upload):
        if upload.size > loadcurves.MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(_("Die Datei ist größer als 20 MB."))
        return upload


class LoadCurveProblemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="unreadable, duplicate, gap, nonexistent_time, interval")
    line = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()


class LoadCurveResultSerializer(serializers.Serializer):
    interval_minutes = serializers.IntegerField(allow_null=True)
    count = serializers.IntegerField(help_text="gelesene Intervalle")
    start = serializers.DateTimeField(allow_null=True)
    end = serializers.DateTimeField(allow_null=True)
    total_kwh = serializers.DecimalField(max_digits=18, decimal_places=3)
    annual_kwh = serializers.DecimalField(max_digits=18, decimal_places=3, allow_null=True)
    peak_kw = serializers.DecimalField(max_digits=15, decimal_places=3)
    peak_at = serializers.DateTimeField(allow_null=True)
    full_load_hours = serializers.DecimalField(max_digits=12, decimal_places=0, allow_null=True)
    metering = serializers.CharField(help_text="SLP oder RLM nach den Schwellen")
    problem_counts = serializers.DictField(child=serializers.IntegerField())
    problems = LoadCurveProblemSerializer(many=True, help_text="die ersten 50")
    taken_over = serializers.BooleanField()


RESULT_FIGURES = (
    "count",
    "start",
    "end",
    "total_kwh",
    "annual_kwh",
    "peak_kw",
    "peak_at",
    "full_load_hours",
    "problems",
)


class DeliveryPointViewSet(RecordViewSet):
    """Lieferstellen: one market location (MaLo) of one commodity each."""

    model = DeliveryPoint
    serializer_class = DeliveryPointSerializer
    filterset_class = registry.for_model(DeliveryPoint).filterset_class
    select_related = ("commodity", "owner")
    ordering_fields = ["malo_id", "name", "annual_kwh", "peak_kw"]

    @extend_schema(request=LoadCurveUploadSerializer, responses=LoadCurveResultSerializer)
    @record_action(
        url_path="load-curve",
        parser_classes=[MultiPartParser],
    )
    def load_curve(self, request, *args, **kwargs):
        """Analyse a load curve (Lastgang) of this delivery point: gaps, duplicates,
        daylight-saving problems, annual consumption, peak load, full-load hours and SLP/RLM.
        With ``take_over`` the figures are written into the delivery point. Needs write."""
        upload = LoadCurveUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        # The rights first, then the file is read without holding a lock; the take-over locks
        # the delivery point for its own short transaction.
        point = self.related(DeliveryPoint.objects.all()).get_for(
            request.user, Action.WRITE, pk=kwargs["pk"]
        )
        try:
            result = loadcurves.analyse_rows(loadcurves.read_file(data["file"]), data["unit"])
        except loadcurves.UnreadableFile as error:
            raise serializers.ValidationError({"file": [str(error)]}) from error
        if not result.count:
            raise serializers.ValidationError(
                {"file": [_("Die Datei enthält keine lesbaren Werte.")]}
            )
        metering = result.metering(point.commodity.code)
        if data["take_over"]:
            operations.take_over_load_curve(
                delivery_point=point,
                annual_kwh=result.annual_kwh,
                peak_kw=result.peak_kw,
                metering=metering,
                acting_user=request.user,
                now=timezone.now(),
            )
        interval = result.interval.total_seconds() // 60 if result.interval else None
        answer = {
            **{name: getattr(result, name) for name in RESULT_FIGURES},
            "interval_minutes": interval,
            "metering": metering,
            "problem_counts": dict(result.problem_counts),
            "taken_over": data["take_over"],
        }
        return Response(LoadCurveResultSerializer(answer).data)


router.register("delivery-points", DeliveryPointViewSet, basename="deliverypoint")
