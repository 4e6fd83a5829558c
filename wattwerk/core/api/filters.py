"""The API's ordering filter: never by a secured field the caller may not read."""

from rest_framework.filters import OrderingFilter

from wattwerk.core.querysets import field_rights


class RecordOrderingFilter(OrderingFilter):
    """``?ordering=`` as DRF's, minus the secured fields hidden from the caller: sorting by
    a credit rating would reveal the ratings' order without showing a single value."""

    def get_valid_fields(self, queryset, view, context=None):
        fields = super().get_valid_fields(queryset, view, context or {})
        request = (context or {}).get("request") or getattr(view, "request", None)
        hidden = field_rights(getattr(request, "user", None), queryset.model).hidden
        if not hidden:
            return fields
        return [(name, label) for name, label in fields if name.split("__")[0] not in hidden]
