import django_filters
import django_tables2 as tables

from wattwerk.core.filtersets import RecordFilterSet
from wattwerk.core.forms import RecordForm
from wattwerk.core.registry import registry
from wattwerk.core.tables import RecordTable

from .models import Note


class NoteForm(RecordForm):
    class Meta:
        model = Note
        fields = ["title", "amount", "due_date", "rating", "owner"]


class NoteTable(RecordTable):
    title = tables.Column(linkify=True)

    class Meta(RecordTable.Meta):
        model = Note
        fields = ("title", "amount", "due_date", "rating", "owner", "owning_department")


class NoteFilterSet(RecordFilterSet):
    search_fields = ("title", "rating")
    amount__gte = django_filters.NumberFilter(field_name="amount", lookup_expr="gte")

    class Meta:
        model = Note
        fields = ["q", "owner", "owning_department", "amount__gte", "rating"]


registry.register(
    Note,
    slug="notes",
    form_class=NoteForm,
    table_class=NoteTable,
    filterset_class=NoteFilterSet,
    menu_group="Test",
    detail_fields=("title", "amount", "due_date", "rating", "owner", "owning_department"),
    list_select_related=("owner", "owning_department"),
)
