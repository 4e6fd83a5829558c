"""API endpoints of the reference data, one per record type, built from its declaration."""

from wattwerk.core.api.routers import router
from wattwerk.core.api.serializers import RecordSerializer
from wattwerk.core.api.views import RecordViewSet
from wattwerk.core.registry import registry

from ..records import REFERENCES, Reference


def build_viewset(reference: Reference) -> type:
    read_only = ["scheme"] if reference.slug == "network-operators" else []
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
