"""The registry of record types: what a model needs to get list, record and edit pages.

An app registers each record type once (in its ``records.py``); URLs, navigation, generic views
and the generic tests all read from here, and activities and processes use it to attach to any
record type without importing the app.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from django.db import models


@dataclass(frozen=True)
class Tab:
    """A tab of a record type's own on its record page, after Übersicht, Verlauf and Zugriff.

    ``url_name`` names a URL that takes the record's ``pk``; its view renders the record page
    with ``active_tab`` set to ``name``.
    """

    name: str
    label: str
    url_name: str


@dataclass(frozen=True)
class RelatedTab:
    """A tab listing the records of another type that point to this record: ``related`` the
    slug of that type, ``lookup`` its field that names this record (e.g. ``"account"``)."""

    name: str
    label: str
    related: str
    lookup: str


@dataclass(frozen=True)
class Banner:
    """A panel another app shows on a record page above its tabs (the stage bar of a process,
    say): ``template`` renders it with ``banner`` set to what ``context(request, record)``
    returns; when that is None, the record has nothing to show."""

    name: str
    template: str
    context: Callable


@dataclass(frozen=True)
class RecordType:
    model: type[models.Model]
    slug: str
    form_class: type
    table_class: type
    filterset_class: type
    icon: str = "bi-card-list"
    menu_group: str = ""
    detail_fields: tuple[str, ...] = ()
    list_select_related: tuple[str, ...] = ()
    tabs: tuple[Tab, ...] = ()
    searchable: bool = False  # found by the global search (over its filterset's search_fields)
    related_tabs: tuple[RelatedTab, ...] = ()
    banners: tuple[Banner, ...] = ()

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def url_name(self, view: str) -> str:
        return f"{self.slug}_{view}"


class Registry:
    def __init__(self) -> None:
        self._by_slug: dict[str, RecordType] = {}
        self._by_model: dict[type[models.Model], RecordType] = {}

    def register(self, model: type[models.Model], **options) -> RecordType:
        record_type = RecordType(model=model, **options)
        if record_type.slug in self._by_slug:
            raise ValueError(f"record type {record_type.slug!r} is registered twice")
        self._by_slug[record_type.slug] = record_type
        self._by_model[model] = record_type
        return record_type

    def add_tabs(self, model: type[models.Model], *tabs: Tab) -> RecordType:
        """Tabs that another app (one layer up) adds to a record type registered before; a tab
        of the same name is not added twice."""
        return self._extend(model, "tabs", tabs)

    def add_related_tabs(self, model: type[models.Model], *tabs: RelatedTab) -> RecordType:
        """Tabs listing another app's records that point to a record type registered before."""
        return self._extend(model, "related_tabs", tabs)

    def add_banners(self, model: type[models.Model], *banners: Banner) -> RecordType:
        """Banners another app (one layer up) adds to a record type; one of the same name is
        not added twice."""
        return self._extend(model, "banners", banners)

    def _extend(self, model: type[models.Model], attribute: str, items: tuple) -> RecordType:
        known = getattr(self._by_model[model], attribute)
        new = tuple(item for item in items if item.name not in {k.name for k in known})
        record_type = replace(self._by_model[model], **{attribute: (*known, *new)})
        self._by_slug[record_type.slug] = self._by_model[model] = record_type
        return record_type

    def for_model(self, model: type[models.Model]) -> RecordType:
        return self._by_model[model]

    def __getitem__(self, slug: str) -> RecordType:
        return self._by_slug[slug]

    def __iter__(self) -> Iterator[RecordType]:
        return iter(self._by_slug.values())


registry = Registry()
