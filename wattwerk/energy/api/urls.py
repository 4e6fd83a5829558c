"""API endpoints of the reference data, one per record type, built from its declaration."""

from rest_framework import serializers

from wattwerk.core.api.routers import router
from wattwerk.core.api.serializers import RecordSerializer
from wattwerk.core.api.views import RecordViewSet
from wattwerk.core.registry import registry

from ..forms import DELIVERY_POINT_FIELDS
from ..models import DeliveryPoint
from ..records import REFERENCES, Reference


def build_viewset(reference: Reference) -> type:
    read_only = list(reference.derived)
    meta = type(
        "Meta",
        (),
        {
            "model": reference.model,
            "fields": ["id", "display", *reference.fields, *read_only],
            "read_only_fields": read_only,
        },
    )
    serializer = type(f"{reference.model.__name__}Serializer", (RecordSerializer,), {"Meta": meta})
    record_type = registry.for_model(reference.model)
    return type(
        f"{reference.model.__name__}ViewSet",
        (RecordViewSet,),
        {
            "__doc__": f"{reference.model._meta.verbose_name_plural} (Stammdaten).",
            "model": reference.model,
            "serializer_class": serializer,
            "filterset_class": record_type.filterset_class,
            "select_related": reference.related,
            "ordering_fields": list(reference.search),
        },
    )


for reference in REFERENCES:
    router.register(
        reference.slug,
        build_viewset(reference),
        basename=reference.model._meta.model_name,
    )


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


class DeliveryPointViewSet(RecordViewSet):
    """Lieferstellen: one market location (MaLo) of one commodity each."""

    model = DeliveryPoint
    serializer_class = DeliveryPointSerializer
    filterset_class = registry.for_model(DeliveryPoint).filterset_class
    select_related = ("commodity", "owner")
    ordering_fields = ["malo_id", "name", "annual_kwh", "peak_kw"]


router.register("delivery-points", DeliveryPointViewSet, basename="deliverypoint")
