"""API endpoints of accounts, contacts and the customer lists."""

from rest_framework import serializers

from wattwerk.core.api.references import register_reference_endpoints
from wattwerk.core.api.routers import router
from wattwerk.core.api.serializers import RecordSerializer
from wattwerk.core.api.views import RecordViewSet
from wattwerk.core.registry import registry

from ..forms import ACCOUNT_FIELDS, ACCOUNT_TOTALS, CONTACT_FIELDS
from ..models import Account, Contact
from ..records import REFERENCES

register_reference_endpoints(REFERENCES)


class AccountSerializer(RecordSerializer):
    class Meta:
        model = Account
        fields = ["id", "display", *ACCOUNT_FIELDS, *ACCOUNT_TOTALS, "totals", "owning_department"]
        read_only_fields = [*ACCOUNT_TOTALS, "totals", "owning_department"]
        extra_kwargs = {"owner": {"required": False}}


class AccountViewSet(RecordViewSet):
    """Firmen: customers and prospects, with group structure, credit and commercial data."""

    model = Account
    serializer_class = AccountSerializer
    filterset_class = registry.for_model(Account).filterset_class
    select_related = ("customer_type", "owner")
    prefetch_related = ("interests", "channels")
    ordering_fields = ["name", "city", "postcode"]


class ContactSerializer(RecordSerializer):
    accounts = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Account.objects.all(), required=False, help_text="Firmen (IDs)"
    )

    class Meta:
        model = Contact
        fields = ["id", "display", *CONTACT_FIELDS, "owning_department"]
        read_only_fields = ["owning_department"]
        extra_kwargs = {"owner": {"required": False}}


class ContactViewSet(RecordViewSet):
    """Kontakte: people at one or more accounts."""

    model = Contact
    serializer_class = ContactSerializer
    filterset_class = registry.for_model(Contact).filterset_class
    select_related = ("owner",)
    prefetch_related = ("interests", "channels", "accounts")
    ordering_fields = ["last_name", "first_name", "email"]


router.register("accounts", AccountViewSet, basename="account")
router.register("contacts", ContactViewSet, basename="contact")
