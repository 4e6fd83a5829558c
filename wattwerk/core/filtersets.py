"""The base filterset: the same class filters the UI list and the API list."""

from urllib.parse import urlencode

import django_filters
import django_filters.fields
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import OwnedModel
from .querysets import Action, field_rights

MAX_ID = 2**63 - 1
PUNCTUATION = "()[]{}<>,;:!?\"'„“”‚‘’«»–—-·"


class RecordMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """Several related records by id; an id no database column can hold is refused as invalid
    (SQLite would fail on it inside ``IN (…)``)."""

    def _check_values(self, value):
        for item in value:
            text = str(item).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text},
                )
        return super()._check_values(value)


class RecordFilterSet(django_filters.FilterSet):
    """Adds a free-text search ``q`` over the record type's ``search_fields``."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(label=_("Suche"), method="search")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        # Secured fields the user may not read can be neither filtered nor searched: a filter
        # such as "rating = A" would reveal the value without showing it.
        self.hidden_fields = field_rights(user, self._meta.model).hidden
        for name, filter_ in list(self.filters.items()):
            if filter_.field_name.split("__")[0] in self.hidden_fields:
                del self.filters[name]
        # Choices of related records (and the values accepted) are only what the user may read.
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
                filter_.field_class = RecordMultipleChoiceField
            queryset = getattr(filter_, "queryset", None)
            if hasattr(queryset, "restrict"):
                filter_.queryset = queryset.restrict(user, Action.READ)
            if _picked_elsewhere(filter_):
                # A large utility has 150,000 accounts: no select lists them. The filter comes
                # from a link (the account's "Verkaufschancen" …) or the API and shows as a chip;
                # the search field finds records by the related record's name.
                filter_.extra["widget"] = (
                    forms.MultipleHiddenInput
                    if isinstance(filter_, django_filters.ModelMultipleChoiceFilter)
                    else forms.HiddenInput
                )

    def pinned(self) -> list[tuple[str, str, str]]:
        """The related-record filters set by a link: (label, the records' names, the query
        without this filter) for each, shown as chips above the list."""
        if not self.is_bound:
            return []
        self.form.is_valid()  # the valid fields' values, whatever another field holds
        chips = []
        for name, filter_ in self.filters.items():
            value = self.form.cleaned_data.get(name)
            if not _picked_elsewhere(filter_) or not value:
                continue
            records = value if isinstance(value, QuerySet | list) else [value]
            rest = [  # back to the first page: without the filter, the list is another
                (key, v)
                for key, values in self.data.lists()
                if key not in (name, "page")
                for v in values
            ]
            names = ", ".join(str(record) for record in records)
            chips.append((str(filter_.label or name), names, urlencode(rest)))
        return chips

    def search(self, queryset, name, value):
        """Every word must occur in one of the search fields: "Erika Mustermann" finds the
        user whose first name holds one word and whose last name the other.

        A field may say how it is searched (``search_lookup``, see ``energy.fields``). A whole
        identifier such as a MaLo-ID is looked up exactly, by its index, in the fields of its
        kind; when that finds a record, the other fields are not searched (each would be read
        in full). A field that cannot hold a word is not searched for it."""
        words = _words(value)
        fields = self.searched_fields()
        if not words or not fields:
            return queryset
        model, user = self._meta.model, getattr(self.request, "user", None)
        for word in words:
            lookups = {path: _lookup(model, path, word) for path in fields}
            exact = {path: lookup for path, lookup in lookups.items() if _is_exact(lookup)}
            if exact:
                found = queryset.filter(_any_of(model, exact, user))
                if found.exists():
                    queryset = found
                    continue
            queryset = queryset.filter(_any_of(model, lookups, user))
        return queryset

    def searched_fields(self) -> list[str]:
        """The search fields the user may read."""
        return [f for f in self.search_fields if f.split("__")[0] not in self.hidden_fields]

    def identifies(self, text: str) -> bool:
        """Whether a word of ``text`` is a whole identifier one of the search fields holds
        (the global search then looks only in the record types that hold it)."""
        return any(
            _is_exact(_lookup(self._meta.model, path, word))
            for word in _words(text)
            for path in self.searched_fields()
        )

    def found_in(self, record, text: str) -> list[str]:
        """Where the search found ``record`` besides its name: the values of the search fields
        (on the record or on a record it refers to, already loaded) that hold a word of ``text``
        its name does not — so that a suggestion shows why it is there."""
        name = str(record).casefold()
        missing = [word.casefold() for word in _words(text) if word.casefold() not in name]
        if not missing:
            return []
        user = getattr(self.request, "user", None)
        found = []
        for path in self.search_fields:
            value = _loaded_value(record, path, user)
            if value and any(word in value.casefold() for word in missing):
                found.append(value)
        return list(dict.fromkeys(found))


def _words(text: str) -> list[str]:
    # Punctuation around a word ("(11Y…)", "Müller,") is no part of it; "–" alone no word.
    return [word.strip(PUNCTUATION) for word in text.split() if word.strip(PUNCTUATION)]


def _loaded_value(record, path: str, user) -> str:
    """The text at ``path`` (``"account__name"``) when every step is a reference already
    loaded and no field on the way is secured from the user; else ""."""
    *steps, last = path.split("__")
    value = record
    for step in [*steps, last]:
        field = value._meta.get_field(step)
        if step in field_rights(user, type(value)).hidden:
            return ""
        if step == last:
            break
        if not (field.many_to_one or field.one_to_one) or not field.is_cached(value):
            return ""
        value = getattr(value, step)
        if value is None:
            return ""
    if field.is_relation:
        return ""
    text = getattr(value, field.attname)
    return str(text) if text not in (None, "") else ""


def _picked_elsewhere(filter_) -> bool:
    """A filter on records of an owned type (accounts, opportunities, quotes …), whose number
    has no bound; users, departments and reference lists stay choices."""
    model = getattr(getattr(filter_, "queryset", None), "model", None)
    return model is not None and issubclass(model, OwnedModel)


def _lookup(model, path: str, word: str) -> tuple[str, str] | None:
    """(lookup, value) to find ``word`` in the field at ``path``, or None when that field cannot
    hold it: the field's own ``search_lookup`` where it has one, else ``icontains`` for a word
    no longer than the field."""
    field = _field_at(model, path)
    if hasattr(field, "search_lookup"):
        return field.search_lookup(word)
    if field.max_length is not None and len(word) > field.max_length:
        return None
    return "icontains", word


def _is_exact(lookup: tuple[str, str] | None) -> bool:
    return lookup is not None and lookup[0] == "exact"


def _any_of(model, lookups: dict[str, tuple[str, str] | None], user) -> Q:
    """One of the fields matches by its lookup; none can hold the word: nothing matches."""
    condition = Q(pk__in=[])
    for path, lookup in lookups.items():
        if lookup is not None:
            condition |= _matching(model, path, *lookup, user)
    return condition


def _matching(model, path: str, lookup: str, value: str, user) -> Q:
    """``path`` matches ``value`` by ``lookup``; across a to-many relation (an account's
    delivery points) as a subquery over the related records the user may read, so each record
    is found once and nothing is found through a record the user may not see."""
    if not _through_many(model, path):
        return Q(**{f"{path}__{lookup}": value})
    first, rest = path.split("__", 1)
    relation = model._meta.get_field(first)
    related = relation.related_model
    matching = related._default_manager.filter(**{f"{rest}__{lookup}": value})
    if hasattr(matching, "restrict"):
        matching = matching.restrict(user, Action.READ)
    if relation.one_to_many:
        return Q(pk__in=matching.values(relation.field.name))
    return Q(**{f"{first}__in": matching.values("pk")})


def _field_at(model, path: str):
    """The field at the end of a lookup path such as ``delivery_points__malo_id``."""
    *steps, last = path.split("__")
    for step in steps:
        model = model._meta.get_field(step).related_model
    return model._meta.get_field(last)


def _through_many(model, path: str) -> bool:
    """Whether a lookup path such as ``delivery_points__malo_id`` crosses a to-many relation."""
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False
