"""The base serializer of every record type: writes go through the core operations.

Secured fields (field-level security) the caller may not read are left out of every response;
sending one the caller may not write is refused with 400 naming the field.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from wattwerk.core import operations
from wattwerk.core.querysets import Action, FieldRights, field_rights, secured_fields

SECURED_NOTE = (
    " Feldgesichert: fehlt in Antworten an Benutzer ohne Leserecht; "
    "Schreiben erfordert das Schreibrecht im Feldsicherheitsprofil."
)


def restrict_related(serializer: serializers.Serializer, user) -> None:
    """Related records a serializer accepts are only those the user may read."""
    for field in serializer.fields.values():
        field = getattr(field, "child_relation", field)  # many=True: the field inside
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "restrict"):
            field.queryset = queryset.restrict(user, Action.READ)


class SecuredFieldsMixin:
    """For a model serializer: the secured fields the caller may not read are left out, and
    sending one they may not write is refused (400 naming the field) unless sent back
    unchanged. Also serves child rows that secure fields of their own (a quote's lines)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if request is None or getattr(self.context.get("view"), "swagger_fake_view", False):
            # Generating the schema (or no caller: the system): every field, each documented.
            self.field_rights = FieldRights()
            for name in secured_fields(self.Meta.model) & self.fields.keys():
                field = self.fields[name]
                field.help_text = f"{field.help_text or field.label or name}.{SECURED_NOTE}"
        else:
            self.field_rights = field_rights(user, self.Meta.model)
        for name in self.field_rights.hidden:
            self.fields.pop(name, None)

    def to_internal_value(self, data):
        refused = self.refused_input(data)
        if refused:
            raise serializers.ValidationError(refused)
        return super().to_internal_value(data)

    def refused_input(self, data) -> dict[str, list[str]]:
        return self.refused_secured_fields(data)

    def refused_secured_fields(self, data) -> dict[str, list[str]]:
        """Secured fields in the input the caller may not write, unless sent back unchanged."""
        if not hasattr(data, "keys"):
            return {}
        refused = {}
        current = self.to_representation(self.instance) if self.instance is not None else {}
        for name in sorted(self.field_rights.read_only & set(data.keys())):
            if name in current and data[name] == current[name]:
                continue  # e.g. a PUT echoing a field it may read but not write
            refused[name] = [
                _(
                    "Kein Schreibrecht auf dieses feldgesicherte Feld (Feldsicherheit); "
                    "es wurde nichts geändert."
                )
            ]
        return refused


class RecordSerializer(SecuredFieldsMixin, serializers.ModelSerializer):
    display = serializers.SerializerMethodField(help_text="Anzeigename des Datensatzes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_related(self, getattr(self.context.get("request"), "user", None))

    def refused_input(self, data) -> dict[str, list[str]]:
        return self.refused_secured_fields(data) | self.unknown_fields(data)

    def unknown_fields(self, data) -> dict[str, list[str]]:
        """Names in the input the record type does not have (a ``stage``, say, which changes
        only through its own actions): refused, rather than silently ignored."""
        if not hasattr(data, "keys"):
            return {}
        known = set(self.fields) | self.field_rights.hidden
        return {
            name: [_("Unbekanntes Feld; es wurde nichts geändert.")]
            for name in sorted(set(data.keys()) - known)
        }

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
    source = serializers.ChoiceField(
        choices=["administrator", "role", "team_role", "share", "field_profile"]
    )
    text = serializers.CharField(help_text="Begründung in Worten")
    role = serializers.CharField(allow_blank=True)
    depth = serializers.IntegerField(allow_null=True, help_text="0 keine … 4 ganze Organisation")
    team = serializers.CharField(allow_blank=True)
    valid_until = serializers.DateTimeField(allow_null=True)
    field = serializers.CharField(
        allow_blank=True, help_text="bei field_profile: das feldgesicherte Feld, sonst leer"
    )
