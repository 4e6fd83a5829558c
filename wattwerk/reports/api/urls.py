"""API of the sales controlling: the same figures as the pages, as JSON."""

from dataclasses import asdict
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from wattwerk.core.api.routers import router

from .. import queries


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(["text", "count", "eur", "mwh", "percent", "moment"])


class ReportSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.DictField(), help_text="je Spalte ihr Wert")
    totals = serializers.DictField(allow_null=True)
    note = serializers.CharField()


class ReportIndexSerializer(serializers.Serializer):
    key = serializers.CharField()


BY = OpenApiParameter(
    "by",
    OpenApiTypes.STR,
    enum=list(queries.PIPELINE_GROUPS),
    description="nur für pipeline: Gruppierung (Standard: stage)",
)


def _plain(row: dict) -> dict:
    """Decimals as strings, as everywhere in the API; the page's link left out."""
    return {
        key: str(value) if isinstance(value, Decimal) else value
        for key, value in row.items()
        if key != "url"
    }


class ReportViewSet(viewsets.ViewSet):
    """Vertriebscontrolling: EUR-Pipeline (``pipeline``), Mengenpipeline (``volume``),
    unverbindliche Preisindikationen (``indicative``), gewonnene Menge gegen Gesamtbedarf
    (``won``), Trefferquote (``hit-rate``), Angebote mit bald endender Bindefrist
    (``ending``) — über die Datensätze, die man lesen darf."""

    lookup_field = "key"
    lookup_value_regex = "[a-z-]+"
    pagination_class = None

    @extend_schema(responses=ReportIndexSerializer(many=True))
    def list(self, request):
        return Response(
            [
                {"key": key}
                for key in queries.catalogue(
                    request.user, timezone.now(), request.query_params.get("by", "stage")
                )
            ]
        )

    @extend_schema(parameters=[BY], responses=ReportSerializer)
    def retrieve(self, request, key=None):
        builders = queries.catalogue(
            request.user, timezone.now(), request.query_params.get("by", "stage")
        )
        if key not in builders:
            raise Http404
        table = builders[key]()
        data = {
            "key": table.key,
            "title": str(table.title),
            "columns": [{**asdict(column), "label": str(column.label)} for column in table.columns],
            "rows": [_plain(row) for row in table.rows],
            "totals": _plain(table.totals) if table.totals else None,
            "note": str(table.note),
        }
        return Response(ReportSerializer(data).data)


router.register("reports", ReportViewSet, basename="report")
