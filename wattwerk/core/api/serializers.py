"""The base serializer of every record type: writes go through the core operations."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from wattwerk.core import operations
from wattwerk.core.querysets import Action


class RecordSerializer(serializers.ModelSerializer):
    display = serializers.SerializerMethodField(help_text="Anzeigename des Datensatzes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, Action.READ)

    def get_display(self, instance) -> str:
        return str(instance)

    @property
    def acting_user(self):
        return self.context["request"].user

    def split_links(self, validated_data) -> dict:
        """Many-to-many values leave ``validated_data``: they are set after the record is saved."""
        names = {field.name for field in self.Meta.model._meta.many_to_many}
        return {name: validated_data.pop(name) for name in list(validated_data) if name in names}

    def create(self, validated_data):
        links = self.split_links(validated_data)
        instance = self.Meta.model(**validated_data)
        try:
            return operations.create_record(
                instance=instance,
                acting_user=self.acting_user,
                now=timezone.now(),
                many_to_many=links,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from error

    def update(self, instance, validated_data):
        links = self.split_links(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        try:
            operations.update_record(
                instance=instance,
                acting_user=self.acting_user,
                now=timezone.now(),
                many_to_many=links,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from error
        return instance


class AccessReasonSerializer(serializers.Serializer):
    """One reason the caller may act on a record."""

    action = serializers.CharField(help_text="read, write oder delete")
    source = serializers.ChoiceField(choices=["administrator", "role", "team_role", "share"])
    text = serializers.CharField(help_text="Begründung in Worten")
    role = serializers.CharField(allow_blank=True)
    depth = serializers.IntegerField(allow_null=True, help_text="0 keine … 4 ganze Organisation")
    team = serializers.CharField(allow_blank=True)
    valid_until = serializers.DateTimeField(allow_null=True)
