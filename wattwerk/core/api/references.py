"""API endpoints of reference lists, one per declared list (see :mod:`wattwerk.core.references`)."""

from wattwerk.core.references import Reference
from wattwerk.core.registry import registry

from .routers import router
from .serializers import RecordSerializer
from .views import RecordViewSet


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


def register_reference_endpoints(references: list[Reference]) -> None:
    for reference in references:
        router.register(
            reference.slug, build_viewset(reference), basename=reference.model._meta.model_name
        )
