"""API of quotes: the records, their lines, the actions activate, win, lose, cancel and revise,
creating one from an opportunity's potential, and quote groups."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wattwerk.core.api.routers import router
from wattwerk.core.api.serializers import RecordSerializer, SecuredFieldsMixin
from wattwerk.core.api.views import RecordViewSet, record_action
from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry
from wattwerk.sales.api.urls import LineSerializer, LinesMixin, ReasonSerializer, _django_errors
from wattwerk.sales.models import Opportunity

from .. import documents, operations, queries
from ..forms import QUOTE_DERIVED, QUOTE_FIELDS, readable_groups
from ..models import Quote, QuoteGroup, QuoteLine


class QuoteLineSerializer(SecuredFieldsMixin, LineSerializer):
    """A quote's line; its price fields are field-secured (missing from answers without read,
    refused without write)."""

    revenue_eur = None

    class Meta(LineSerializer.Meta):
        model = QuoteLine
        fields = ["id", *operations.QUOTE_LINE_FIELDS, "years", "period_kwh", "amount_eur"]
        read_only_fields = ["amount_eur"]


class QuoteSerializer(RecordSerializer):
    reference = serializers.CharField(read_only=True, help_text="Nummer mit Revision")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "group" in self.fields:
            self.fields["group"].queryset = readable_groups(request.user)

    class Meta:
        model = Quote
        fields = ["id", "display", "reference", *QUOTE_FIELDS, *QUOTE_DERIVED, "owning_department"]
        read_only_fields = [*QUOTE_DERIVED, "owning_department"]
        extra_kwargs = {"owner": {"required": False}}


class FromOpportunitySerializer(serializers.Serializer):
    opportunity = serializers.PrimaryKeyRelatedField(queryset=Opportunity.objects.all())
    name = serializers.CharField(max_length=200)
    delivery_from = serializers.DateField(required=False, allow_null=True)
    delivery_to = serializers.DateField(required=False, allow_null=True, help_text="ausschließlich")
    binding_until = serializers.DateTimeField(required=False, allow_null=True)
    indicative = serializers.BooleanField(default=False)
    alternative_to = serializers.PrimaryKeyRelatedField(
        queryset=Quote.objects.all(),
        required=False,
        allow_null=True,
        help_text="Angebot, zu dem dieses eine Alternative ist (beide in einer Gruppe)",
    )
    take_lines = serializers.BooleanField(
        default=True, help_text="die Zeilen des Potenzials übernehmen (im Lieferzeitraum)"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opportunity", "alternative_to"):
            field = self.fields[name]
            field.queryset = field.queryset.restrict(user, Action.READ)
        self.fields["alternative_to"].queryset = self.fields["alternative_to"].queryset.open()


class SendSerializer(serializers.Serializer):
    recipient = serializers.EmailField(
        required=False, allow_blank=True, help_text="leer: die E-Mail-Adresse des Ansprechpartners"
    )


class ComparisonSerializer(serializers.Serializer):
    fields = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    lines = serializers.SerializerMethodField()
    total_eur = serializers.ListField(child=serializers.DecimalField(16, 2))

    def get_lines(self, comparison) -> list[dict]:
        return [
            {"line": change.label, "kind": change.kind, "fields": change.fields}
            for change in comparison.lines
        ]


@extend_schema_view(
    lines=extend_schema(request=QuoteLineSerializer, responses=QuoteLineSerializer(many=True)),
    line=extend_schema(request=QuoteLineSerializer, responses=QuoteLineSerializer),
)
class QuoteViewSet(LinesMixin, RecordViewSet):
    """Angebote mit Zeilen, Bindefrist, Alternativen (Angebotsgruppe) und Revisionen; abgeben,
    gewinnen, verlieren, stornieren, überarbeiten. Ein abgegebenes Angebot nach Ablauf seiner
    Bindefrist liest sich als „expired“."""

    model = Quote
    serializer_class = QuoteSerializer
    line_serializer = QuoteLineSerializer
    line_operations = operations
    filterset_class = registry.for_model(Quote).filterset_class
    select_related = ("owner", "account", "opportunity", "contact", "group")
    ordering_fields = ["number", "binding_until", "total_eur", "total_kwh"]
    # The operations lock the opportunity before its quotes (see quotes.operations._locked).
    locked_by_operation = frozenset(
        {"activate", "win", "lose", "cancel", "revise", "send", "lines", "line"}
    )

    def _act(self, request, function, **arguments):
        quote = self.get_object()
        try:
            result = function(
                quote=quote, acting_user=request.user, now=timezone.now(), **arguments
            )
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        return Response(self.get_serializer(result).data)

    @extend_schema(request=None, responses=QuoteSerializer)
    @record_action(object_action=Action.WRITE)
    def activate(self, request, *args, **kwargs):
        """Send a draft: it becomes active until its Bindefrist."""
        return self._act(request, operations.activate_quote)

    @extend_schema(request=None, responses=QuoteSerializer)
    @record_action(object_action=Action.WRITE)
    def win(self, request, *args, **kwargs):
        """The customer accepted: the other open quotes of its group are lost, the
        opportunity is won when nothing else of it is open."""
        return self._act(request, operations.win_quote)

    @extend_schema(request=ReasonSerializer, responses=QuoteSerializer)
    @record_action(object_action=Action.WRITE)
    def lose(self, request, *args, **kwargs):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._act(request, operations.lose_quote, reason=data.validated_data["reason"])

    @extend_schema(request=None, responses=QuoteSerializer)
    @record_action(object_action=Action.WRITE)
    def cancel(self, request, *args, **kwargs):
        return self._act(request, operations.cancel_quote)

    @extend_schema(request=None, responses={201: QuoteSerializer})
    @record_action(object_action=Action.WRITE)
    def revise(self, request, *args, **kwargs):
        """A new draft revision under the same number with the lines copied."""
        response = self._act(request, operations.revise_quote)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], url_path="pdf", filter_backends=[], pagination_class=None)
    def pdf(self, request, *args, **kwargs):
        """The quote as a German PDF on the supplier's letterhead."""
        quote = self.get_object()
        documents.check_readable(request.user)
        response = HttpResponse(documents.render_pdf(quote, timezone.now()), documents.PDF)
        response["Content-Disposition"] = f'inline; filename="{documents.filename(quote)}"'
        return response

    @extend_schema(request=SendSerializer, responses=QuoteSerializer)
    @record_action(object_action=Action.WRITE)
    def send(self, request, *args, **kwargs):
        """Send the PDF by e-mail (to the contact unless ``recipient`` is given) through the
        outbox, noted as an e-mail activity; a draft is given on the way."""
        data = SendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._act(
            request, operations.send_quote, recipient=data.validated_data.get("recipient", "")
        )

    @extend_schema(responses=ComparisonSerializer)
    @action(
        detail=True,
        methods=["get"],
        url_path=r"compare/(?P<other>\d+)",
        filter_backends=[],
        pagination_class=None,
    )
    def compare(self, request, *args, other=None, **kwargs):
        """What changed from revision ``other`` of the same number to this one."""
        quote = self.get_object()
        older = (
            Quote.objects.restrict(request.user, Action.READ)
            .filter(number=quote.number, revision=other)
            .first()
        )
        if older is None:
            return Response(
                {"detail": "Diese Revision gibt es nicht."}, status=status.HTTP_404_NOT_FOUND
            )
        hidden = queries.hidden_prices(request.user)
        return Response(ComparisonSerializer(queries.compare(older, quote, hidden)).data)

    @extend_schema(request=FromOpportunitySerializer, responses={201: QuoteSerializer})
    @record_action(detail=False, url_path="from-opportunity")
    def from_opportunity(self, request, *args, **kwargs):
        """A new draft for an opportunity with its potential's lines, cut to a delivery period
        if given; ``alternative_to`` puts both quotes in one group."""
        data = FromOpportunitySerializer(data=request.data, user=request.user)
        data.is_valid(raise_exception=True)
        try:
            quote = operations.quote_from_opportunity(
                acting_user=request.user, now=timezone.now(), **data.validated_data
            )
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        return Response(self.get_serializer(quote).data, status=status.HTTP_201_CREATED)


class QuoteGroupSerializer(serializers.ModelSerializer):
    quotes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = QuoteGroup
        fields = ["id", "opportunity", "name", "quotes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "opportunity" in self.fields:
            field = self.fields["opportunity"]
            field.queryset = Opportunity.objects.restrict(request.user, Action.WRITE)


class QuoteGroupViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Angebotsgruppen: Alternativen einer Verkaufschance, von denen höchstens eine gewonnen
    wird. Sichtbar, wer die Verkaufschance lesen darf; anlegen, wer sie bearbeiten darf."""

    serializer_class = QuoteGroupSerializer
    filterset_fields = ["opportunity"]

    def get_queryset(self):
        readable = Opportunity.objects.restrict(self.request.user, Action.READ)
        return QuoteGroup.objects.filter(opportunity__in=readable).prefetch_related("quotes")


router.register("quotes", QuoteViewSet, basename="quote")
router.register("quote-groups", QuoteGroupViewSet, basename="quotegroup")
