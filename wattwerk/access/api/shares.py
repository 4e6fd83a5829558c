"""``/api/v1/<record type>/<id>/shares/``: the shares of one record, for every record type."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, views
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from wattwerk.core.querysets import Action
from wattwerk.core.registry import registry

from .. import sharing
from ..models import Share, Team, User

RECORD_TYPE = OpenApiParameter(
    "record_type",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Datensatztyp, wie im Pfad seiner Liste (z. B. departments)",
)


class ShareSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), required=False, allow_null=True
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(), required=False, allow_null=True
    )

    class Meta:
        model = Share
        fields = ["id", "user", "team", "access", "valid_until", "created_at", "created_by"]
        read_only_fields = ["id", "created_at", "created_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["user"].queryset = User.objects.filter(is_active=True).restrict(
            user, Action.READ
        )
        self.fields["team"].queryset = Team.objects.restrict(user, Action.READ)


def record_for(request, record_type: str, pk, action: str):
    try:
        model = registry[record_type].model
    except KeyError:
        raise exceptions.NotFound from None
    return model.objects.all().get_for(request.user, action, pk=pk)


class RecordSharesView(views.APIView):
    """Who else may read or write this one record; sharing it with a user or team."""

    @extend_schema(parameters=[RECORD_TYPE], responses=ShareSerializer(many=True))
    def get(self, request, record_type: str, pk: int):
        instance = record_for(request, record_type, pk, Action.READ)
        shares = sharing.shares_of(instance)
        return Response(ShareSerializer(shares, many=True, context={"request": request}).data)

    @extend_schema(
        parameters=[RECORD_TYPE], request=ShareSerializer, responses={201: ShareSerializer}
    )
    def post(self, request, record_type: str, pk: int):
        instance = record_for(request, record_type, pk, Action.SHARE)
        serializer = ShareSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            share = sharing.share_record(
                instance=instance,
                acting_user=request.user,
                now=timezone.now(),
                **serializer.validated_data,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from error
        return Response(ShareSerializer(share, context={"request": request}).data, status=201)


class RecordShareView(views.APIView):
    """Ending one share before its time."""

    @extend_schema(parameters=[RECORD_TYPE], responses={204: None})
    def delete(self, request, record_type: str, pk: int, share_id: int):
        instance = record_for(request, record_type, pk, Action.SHARE)
        share = sharing.shares_of(instance).filter(pk=share_id).first()
        if share is None:
            raise exceptions.NotFound
        sharing.revoke_share(
            share=share, instance=instance, acting_user=request.user, now=timezone.now()
        )
        return Response(status=204)
