"""API endpoints of accounts, contacts and the customer lists."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from wattwerk.core.api.references import register_reference_endpoints
from wattwerk.core.api.routers import router
from wattwerk.core.api.serializers import RecordSerializer
from wattwerk.core.api.views import RecordViewSet, record_action
from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry

from .. import operations
from ..forms import ACCOUNT_ACTIVITIES, ACCOUNT_FIELDS, ACCOUNT_TOTALS, CONTACT_FIELDS
from ..models import Account, AccountContact, Contact
from ..records import REFERENCES

register_reference_endpoints(REFERENCES)


class AccountSerializer(RecordSerializer):
    class Meta:
        model = Account
        fields = [
            "id",
            "display",
            *ACCOUNT_FIELDS,
            *ACCOUNT_ACTIVITIES,
            *ACCOUNT_TOTALS,
            "totals",
            "owning_department",
        ]
        read_only_fields = [*ACCOUNT_ACTIVITIES, *ACCOUNT_TOTALS, "totals", "owning_department"]
        extra_kwargs = {"owner": {"required": False}}


class AccountViewSet(RecordViewSet):
    """Firmen: customers and prospects, with group structure, credit and commercial data."""

    model = Account
    serializer_class = AccountSerializer
    filterset_class = registry.for_model(Account).filterset_class
    select_related = ("customer_type", "owner")
    prefetch_related = ("interests", "channels")
    ordering_fields = ["name", "city", "postcode"]


class PositionSerializer(serializers.ModelSerializer):
    """Where a contact works: the account, the position (Funktion) and department there."""

    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())

    class Meta:
        model = AccountContact
        fields = ["account", "position", "department"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            field = self.fields["account"]
            field.queryset = field.queryset.restrict(user, Action.READ)


class ContactSerializer(RecordSerializer):
    accounts = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Account.objects.all(), required=False, help_text="Firmen (IDs)"
    )
    positions = PositionSerializer(
        many=True, read_only=True, help_text="Funktion und Abteilung je Firma"
    )

    class Meta:
        model = Contact
        fields = ["id", "display", *CONTACT_FIELDS, "positions", "owning_department"]
        read_only_fields = ["owning_department"]
        extra_kwargs = {"owner": {"required": False}}


class ContactViewSet(RecordViewSet):
    """Kontakte: people at one or more accounts."""

    model = Contact
    serializer_class = ContactSerializer
    filterset_class = registry.for_model(Contact).filterset_class
    select_related = ("owner",)
    prefetch_related = ("interests", "channels", "accounts", "positions")
    ordering_fields = ["last_name", "first_name", "email"]

    @extend_schema(request=PositionSerializer, responses=ContactSerializer)
    @record_action(url_path="positions", object_action=Action.WRITE)
    def set_position(self, request, *args, **kwargs):
        """At an account (linked if it is not yet): position and department (needs write)."""
        contact = self.get_object()  # out of reach: 404 before anything else
        data = PositionSerializer(data=request.data, user=request.user)
        data.is_valid(raise_exception=True)
        try:
            operations.set_position(
                contact=contact,
                **data.validated_data,
                acting_user=request.user,
                now=timezone.now(),
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from error
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(responses={204: None})
    @record_action(
        methods=["delete"],
        url_path=r"positions/(?P<account_id>\d+)",
        object_action=Action.WRITE,
    )
    def remove_position(self, request, *args, account_id=None, **kwargs):
        """No longer at this account (needs write)."""
        contact = self.get_object()
        link = get_object_or_404(AccountContact, contact=contact, account_id=account_id)
        operations.remove_position(
            contact=contact, account=link.account, acting_user=request.user, now=timezone.now()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


router.register("accounts", AccountViewSet, basename="account")
router.register("contacts", ContactViewSet, basename="contact")
