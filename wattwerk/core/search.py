"""The global search: accounts, contacts, leads, opportunities and delivery points (the record
types registered ``searchable``), each through its own filterset's search, restricted and
field-secured like its list."""

from types import SimpleNamespace

from .querysets import Action
from .registry import registry

SEARCH_RESULTS_PER_TYPE = 10


def global_search(user, text: str) -> list[tuple]:
    """(record type, records found, more?) for every searchable record type the user may
    read something of: each through its own filterset's search, so field security holds, and
    a fixed number of queries per record type however many records there are."""
    request = SimpleNamespace(user=user)  # all a filterset asks of the request
    filtersets = []
    for record_type in registry:
        if not record_type.searchable:
            continue
        queryset = record_type.model.objects.restrict(user, Action.READ)
        names = record_type.list_select_related
        queryset = queryset.select_related(*names) if names else queryset
        filterset = record_type.filterset_class({"q": text}, queryset=queryset, request=request)
        filtersets.append((record_type, filterset))
    # A whole identifier (a MaLo-ID) is looked for first where it is kept: a contact's or a
    # quote's name seldom holds one, and searching them would read every row. Only when that
    # finds nothing are the other record types searched.
    identified = [(rt, filterset) for rt, filterset in filtersets if filterset.identifies(text)]
    results = _found(identified)
    if not results:
        results = _found([pair for pair in filtersets if pair not in identified])
    return results


def _found(filtersets: list[tuple]) -> list[tuple]:
    results = []
    for record_type, filterset in filtersets:
        found = list(filterset.qs[: SEARCH_RESULTS_PER_TYPE + 1])
        if found:
            results.append(
                (record_type, found[:SEARCH_RESULTS_PER_TYPE], len(found) > SEARCH_RESULTS_PER_TYPE)
            )
    return results
