"""API of leads, opportunities and account opportunities, with their lines and the actions
qualify, disqualify and close."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from wattwerk.core.api.routers import router
from wattwerk.core.api.serializers import RecordSerializer, restrict_related
from wattwerk.core.api.views import RecordViewSet, record_action
from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry
from wattwerk.customers.models import Account, Contact

from .. import operations, queries
from ..forms import (
    ACCOUNT_OPPORTUNITY_DERIVED,
    ACCOUNT_OPPORTUNITY_FIELDS,
    LEAD_DERIVED,
    LEAD_FIELDS,
    OPPORTUNITY_DERIVED,
    OPPORTUNITY_FIELDS,
)
from ..models import (
    PRICE_TOO_HIGH,
    AccountOpportunity,
    Lead,
    LeadLine,
    Opportunity,
    OpportunityLine,
)

LINE_API_FIELDS = ["id", *operations.LINE_FIELDS, "years", "period_kwh", "revenue_eur"]


class LineSerializer(serializers.ModelSerializer):
    years = serializers.SerializerMethodField(help_text="Menge je Lieferjahr (kWh)")
    period_kwh = serializers.SerializerMethodField(
        help_text="Menge über den ganzen Lieferzeitraum (kWh)"
    )
    revenue_eur = serializers.SerializerMethodField(
        help_text="Umsatz über den Lieferzeitraum: Menge × Preis bzw. Wert der Dienstleistung"
    )

    class Meta:
        model = LeadLine
        fields = LINE_API_FIELDS
        extra_kwargs = {"price_ct_kwh": {"error_messages": {"max_value": PRICE_TOO_HIGH}}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # reading and writing; a plain answer needs no choices
            restrict_related(self, request.user)

    def get_years(self, line) -> dict[str, str]:
        return {share.label: str(share.quantity) for share in line.year_shares()}

    def get_period_kwh(self, line) -> str | None:
        shares = line.year_shares()
        return str(sum(share.quantity for share in shares)) if shares else None

    def get_revenue_eur(self, line) -> str:
        return str(line.revenue_eur())


class OpportunityLineSerializer(LineSerializer):
    class Meta(LineSerializer.Meta):
        model = OpportunityLine


def _django_errors(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(get_error_detail(error))


class LinesMixin:
    """``GET/POST …/<id>/lines/`` and ``PATCH/DELETE …/<id>/lines/<line id>/``."""

    line_serializer = LineSerializer
    line_operations = operations  # add_line(parent=…), change_line(line=…), remove_line(line=…)

    def _line_values(self, request, partial: bool, instance=None) -> dict:
        serializer = self.line_serializer(
            instance, data=request.data, partial=partial, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=LineSerializer, responses=LineSerializer(many=True))
    @record_action(
        methods=["get", "post"],
        url_path="lines",
    )
    def lines(self, request, *args, **kwargs):
        """The lines (potential and total demand); POST adds one (needs write)."""
        context = {"request": request}  # what the caller may read of them (secured prices)
        if request.method == "GET":
            parent = self.get_object()
            lines = parent.lines.select_related("commodity")
            return Response(self.line_serializer(lines, many=True, context=context).data)
        self.object_action = Action.WRITE
        parent = self.get_object()
        values = self._line_values(request, partial=False)
        try:
            line = self.line_operations.add_line(
                parent=parent, values=values, acting_user=request.user, now=timezone.now()
            )
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        return Response(
            self.line_serializer(line, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=LineSerializer, responses=LineSerializer)
    @record_action(
        methods=["patch", "delete"],
        url_path=r"lines/(?P<line_id>\d+)",
        object_action=Action.WRITE,
    )
    def line(self, request, *args, line_id=None, **kwargs):
        """Change (PATCH) or remove (DELETE) one line (needs write)."""
        with transaction.atomic():
            parent = self.get_object()
            line = get_object_or_404(parent.lines.all(), pk=line_id)
            try:
                if request.method == "DELETE":
                    self.line_operations.remove_line(
                        line=line, acting_user=request.user, now=timezone.now()
                    )
                    return Response(status=status.HTTP_204_NO_CONTENT)
                values = self._line_values(request, partial=True, instance=line)
                line = self.line_operations.change_line(
                    line=line, values=values, acting_user=request.user, now=timezone.now()
                )
            except DjangoValidationError as error:
                raise _django_errors(error) from error
        return Response(self.line_serializer(line, context={"request": request}).data)


class LeadSerializer(RecordSerializer):
    class Meta:
        model = Lead
        fields = ["id", "display", *LEAD_FIELDS, *LEAD_DERIVED, "totals", "owning_department"]
        read_only_fields = [*LEAD_DERIVED, "totals", "owning_department"]
        extra_kwargs = {"owner": {"required": False}}


class QualifySerializer(serializers.Serializer):
    account = serializers.PrimaryKeyRelatedField(
        queryset=Account.objects.all(),
        required=False,
        allow_null=True,
        help_text="bestehende Firma; leer: eine neue aus den Daten des Leads",
    )
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(),
        required=False,
        allow_null=True,
        help_text="bestehender Kontakt; leer: ein neuer aus der Person des Leads",
    )
    opportunity_name = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("account", "contact"):
            field = self.fields[name]
            field.queryset = field.queryset.restrict(user, Action.READ)


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="record.pk")
    display = serializers.CharField(source="record")
    score = serializers.FloatField(help_text="0 … 1")
    reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text="name, vat_id, address, postcode, city, legal_form (eine andere), email, "
        "phone, account",
    )


class DuplicatesSerializer(serializers.Serializer):
    accounts = SuggestionSerializer(many=True)
    contacts = SuggestionSerializer(many=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="Grund")


class LeadViewSet(LinesMixin, RecordViewSet):
    """Leads mit Potenzial und Gesamtbedarf; qualifizieren zu Firma, Kontakt und
    Verkaufschance."""

    model = Lead
    serializer_class = LeadSerializer
    filterset_class = registry.for_model(Lead).filterset_class
    select_related = ("owner", "account", "contact")
    prefetch_related = ("interests", "channels")
    ordering_fields = ["company_name", "created_at", "potential_kwh"]

    @extend_schema(request=QualifySerializer, responses={201: None})
    @record_action(
        object_action=Action.WRITE,
    )
    def qualify(self, request, *args, **kwargs):
        """Qualify the lead: account and contact (existing or new), opportunity with the
        lead's lines. Refused for a lead that is not open."""
        data = QualifySerializer(data=request.data, user=request.user)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            lead = self.get_object()
            try:
                opportunity = operations.qualify_lead(
                    lead=lead,
                    account=data.validated_data.get("account"),
                    contact=data.validated_data.get("contact"),
                    opportunity_name=data.validated_data.get("opportunity_name", ""),
                    acting_user=request.user,
                    now=timezone.now(),
                )
            except DjangoValidationError as error:
                raise _django_errors(error) from error
        context = self.get_serializer_context()
        return Response(
            OpportunitySerializer(opportunity, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses=DuplicatesSerializer)
    @record_action(methods=["get"], object_action=Action.READ)
    def duplicates(self, request, *args, **kwargs):
        """Accounts and contacts the user may read that may be the lead's company and person
        (German-aware matching), best first — the candidates for qualifying into."""
        accounts, contacts = queries.duplicate_suggestions(
            lead=self.get_object(), user=request.user
        )
        return Response(DuplicatesSerializer({"accounts": accounts, "contacts": contacts}).data)

    @extend_schema(request=ReasonSerializer, responses=LeadSerializer)
    @record_action(
        object_action=Action.WRITE,
    )
    def disqualify(self, request, *args, **kwargs):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lead = self.get_object()
        try:
            lead = operations.disqualify_lead(
                lead=lead,
                reason=data.validated_data["reason"],
                acting_user=request.user,
                now=timezone.now(),
            )
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        return Response(self.get_serializer(lead).data)


class OpportunitySerializer(RecordSerializer):
    class Meta:
        model = Opportunity
        fields = [
            "id",
            "display",
            *OPPORTUNITY_FIELDS,
            *OPPORTUNITY_DERIVED,
            "totals",
            "owning_department",
        ]
        read_only_fields = [*OPPORTUNITY_DERIVED, "totals", "owning_department"]
        extra_kwargs = {"owner": {"required": False}}


class CloseSerializer(serializers.Serializer):
    won = serializers.BooleanField(help_text="true: gewonnen, false: verloren")
    reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Verlustgrund"
    )


class OpportunityViewSet(LinesMixin, RecordViewSet):
    """Verkaufschancen mit ihren Zeilen; schließen als gewonnen oder verloren."""

    model = Opportunity
    serializer_class = OpportunitySerializer
    line_serializer = OpportunityLineSerializer
    filterset_class = registry.for_model(Opportunity).filterset_class
    select_related = ("owner", "account", "contact", "account_opportunity__account", "lead")
    ordering_fields = [
        "name",
        "expected_close",
        "probability",
        "potential_kwh",
        "expected_revenue_eur",
    ]

    @extend_schema(request=CloseSerializer, responses=OpportunitySerializer)
    @record_action(
        object_action=Action.WRITE,
    )
    def close(self, request, *args, **kwargs):
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        opportunity = self.get_object()
        try:
            opportunity = operations.close_opportunity(
                opportunity=opportunity,
                won=data.validated_data["won"],
                reason=data.validated_data.get("reason", ""),
                acting_user=request.user,
                now=timezone.now(),
            )
        except DjangoValidationError as error:
            raise _django_errors(error) from error
        return Response(self.get_serializer(opportunity).data)


class AccountOpportunitySerializer(RecordSerializer):
    class Meta:
        model = AccountOpportunity
        fields = [
            "id",
            "display",
            *ACCOUNT_OPPORTUNITY_FIELDS,
            *ACCOUNT_OPPORTUNITY_DERIVED,
            "totals",
            "owning_department",
        ]
        read_only_fields = [*ACCOUNT_OPPORTUNITY_DERIVED, "totals", "owning_department"]
        extra_kwargs = {"owner": {"required": False}}


class AccountOpportunityViewSet(RecordViewSet):
    """Firmenverkaufschancen: Gesamtbedarf, gewonnen und Restpotenzial je Firma."""

    model = AccountOpportunity
    serializer_class = AccountOpportunitySerializer
    filterset_class = registry.for_model(AccountOpportunity).filterset_class
    select_related = ("owner", "account")
    ordering_fields = ["phase", "demand_kwh", "remaining_kwh"]


router.register("leads", LeadViewSet, basename="lead")
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("account-opportunities", AccountOpportunityViewSet, basename="accountopportunity")
