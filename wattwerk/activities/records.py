"""The activity record type: list, record page, form, filters."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wattwerk.core.filtersets import RecordFilterSet
from wattwerk.core.registry import registry
from wattwerk.core.tables import RecordTable

from . import forms, models


class ActivityTable(RecordTable):
    subject = tables.Column(linkify=True)

    class Meta(RecordTable.Meta):
        model = models.Activity
        fields = ("subject", "kind", "due", "status", "priority", "assigned_department", "owner")


class ActivityFilterSet(RecordFilterSet):
    search_fields = ("subject",)

    class Meta:
        model = models.Activity
        fields = ["q", "kind", "status", "priority", "assigned_department", "owner"]


registry.register(
    models.Activity,
    slug="activities",
    form_class=forms.ActivityForm,
    table_class=ActivityTable,
    filterset_class=ActivityFilterSet,
    icon="bi-check2-square",
    menu_group=_("Aktivitäten"),
    detail_fields=(
        "regarding",
        *(name for name in forms.ACTIVITY_FIELDS if not name.startswith("regarding")),
        *forms.ACTIVITY_DERIVED,
        "owning_department",
    ),
    list_select_related=("owner", "assigned_department"),
)
