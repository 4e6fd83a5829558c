"""Reference lists as record types: each app declares its lists (commodities, customer types,
…) once, and form, table, filterset, record page and API endpoint are built from that.

They are plain records without business rules beyond their fields; organisation data without
an owner, which roles grant at "whole organisation".
"""

from dataclasses import dataclass
from importlib import import_module

import django_tables2 as tables
from django.apps import apps
from django.forms import Textarea, modelform_factory
from django.utils.module_loading import module_has_submodule

from .filtersets import RecordFilterSet
from .forms import RecordForm
from .registry import registry
from .tables import RecordTable


@dataclass(frozen=True)
class Reference:
    model: type
    slug: str
    fields: tuple[str, ...]
    search: tuple[str, ...]
    filters: tuple[str, ...] = ()
    derived: tuple[str, ...] = ()  # shown, never edited (e.g. a scheme that follows an ID)
    icon: str = "bi-list-ul"

    @property
    def related(self) -> tuple[str, ...]:
        return tuple(name for name in self.fields if self.model._meta.get_field(name).many_to_one)


def build_form(reference: Reference) -> type:
    widgets = {
        name: Textarea(attrs={"rows": 3}) for name in reference.fields if name == "description"
    }
    return modelform_factory(
        reference.model, form=RecordForm, fields=list(reference.fields), widgets=widgets
    )


def build_table(reference: Reference) -> type:
    meta = type("Meta", (RecordTable.Meta,), {"model": reference.model, "fields": reference.fields})
    first = reference.fields[0]
    return type(
        f"{reference.model.__name__}Table",
        (RecordTable,),
        {"Meta": meta, first: tables.Column(linkify=True)},
    )


def build_filterset(reference: Reference) -> type:
    meta = type("Meta", (), {"model": reference.model, "fields": ["q", *reference.filters]})
    return type(
        f"{reference.model.__name__}FilterSet",
        (RecordFilterSet,),
        {"Meta": meta, "search_fields": reference.search},
    )


def register_references(references: list[Reference], *, menu_group) -> None:
    for reference in references:
        registry.register(
            reference.model,
            slug=reference.slug,
            form_class=build_form(reference),
            table_class=build_table(reference),
            filterset_class=build_filterset(reference),
            icon=reference.icon,
            menu_group=menu_group,
            detail_fields=reference.fields + reference.derived,
            list_select_related=reference.related,
        )


def load_shipped_data() -> None:
    """Every app's shipped reference data (``<app>/reference.py``, function ``load()``), in the
    order of INSTALLED_APPS; each loader adds only what is missing."""
    for app in apps.get_app_configs():
        if module_has_submodule(app.module, "reference"):
            import_module(f"{app.name}.reference").load()
