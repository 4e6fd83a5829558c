"""The activity record type: list, record page, form, filters."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from wattwerk.core.filtersets import RecordFilterSet
from wattwerk.core.registry import Tab, registry
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


class ChainTable(RecordTable):
    template = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(RecordTable.Meta):
        model = models.Chain
        fields = ("template", "anchor_at", "status", "owner")


class ChainFilterSet(RecordFilterSet):
    search_fields = ("template__name",)

    class Meta:
        model = models.Chain
        fields = ["q", "template", "status", "owner"]


class ChainTemplateTable(RecordTable):
    name = tables.Column(linkify=True)

    class Meta(RecordTable.Meta):
        model = models.ChainTemplate
        fields = ("name", "anchor")


class ChainTemplateFilterSet(RecordFilterSet):
    search_fields = ("name",)

    class Meta:
        model = models.ChainTemplate
        fields = ["q", "anchor"]


registry.register(
    models.Chain,
    slug="chains",
    form_class=forms.ChainForm,
    table_class=ChainTable,
    filterset_class=ChainFilterSet,
    icon="bi-diagram-2",
    menu_group=_("Aktivitäten"),
    detail_fields=(
        "template",
        "regarding",
        "anchor_at",
        "note",
        "owner",
        *forms.CHAIN_DERIVED,
        "owning_department",
    ),
    list_select_related=("template", "owner"),
    tabs=(Tab("steps", _("Schritte"), "chains_steps"),),
)
registry.register(
    models.ChainTemplate,
    slug="chain-templates",
    form_class=forms.ChainTemplateForm,
    table_class=ChainTemplateTable,
    filterset_class=ChainTemplateFilterSet,
    icon="bi-list-ol",
    menu_group=_("Aktivitäten"),
    detail_fields=("name", "anchor", "description"),
    tabs=(Tab("steps", _("Schritte"), "chain-templates_steps"),),
)
