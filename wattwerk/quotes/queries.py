"""Reading quotes: a quote's lines with their delivery years, an opportunity's quotes by group,
and what changed between two revisions."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from wattwerk.core.changelog import format_value
from wattwerk.core.querysets import Action, field_rights

from .models import Quote, QuoteLine, QuoteLineYear

LINE_RELATED = (
    "commodity",
    "delivery_point",
    "service",
    "price_model",
    "product",
    "balancing_area",
)
COMPARED_FIELDS = ("name", "contact", "binding_until", "indicative", "payment_terms", "note")


def hidden_prices(user) -> frozenset[str]:
    """The price fields of quote lines the user may not read (field security)."""
    return field_rights(user, QuoteLine).hidden


def lines_with_years(quote: Quote) -> list[QuoteLine]:
    """The quote's lines, each with ``years`` (its quantity per delivery year): two queries."""
    years = Prefetch("years", queryset=QuoteLineYear.objects.order_by("year"))
    return list(quote.lines.select_related(*LINE_RELATED).prefetch_related(years))


def quotes_of(opportunity, user) -> list[Quote]:
    """The opportunity's quotes the user may read, alternatives of one group together."""
    return list(
        Quote.objects.restrict(user, Action.READ)
        .filter(opportunity=opportunity)
        .select_related("group", "owner", "contact")
        .order_by("group_id", "number", "revision")
    )


@dataclass
class LineChange:
    label: str  # the line as the later revision has it (or the earlier one, when removed)
    kind: str  # "added", "removed", "changed"
    fields: list = field(default_factory=list)  # (label, old, new)


@dataclass
class Comparison:
    fields: list  # (label, old, new) of the quote's own fields
    lines: list  # LineChange
    total_eur: tuple


def _line_key(line: QuoteLine) -> tuple:
    """Lines of two revisions are the same line when they name the same delivery point (or
    MaLo-ID) and commodity, or the same service."""
    return (line.kind, line.commodity_id, line.delivery_point_id, line.malo_id, line.service_id)


def _differences(old, new, names, hidden=frozenset()) -> list[tuple]:
    """(label, old, new) of each field that differs; a hidden one (field security) says only
    that it changed, as the history does."""
    found = []
    for name in names:
        model_field = type(new)._meta.get_field(name)
        before, after = getattr(old, name), getattr(new, name)
        if before != after and name in hidden:
            found.append((str(model_field.verbose_name), _("verborgen"), _("verborgen")))
        elif before != after:
            found.append(
                (
                    str(model_field.verbose_name),
                    format_value(model_field, before),
                    format_value(model_field, after),
                )
            )
    return found


def compare(old: Quote, new: Quote, hidden: frozenset[str] = frozenset()) -> Comparison:
    """What differs between two revisions: the quote's fields, lines added, removed and
    changed (field by field, the ``hidden`` price fields without their values), and the
    total."""
    line_fields = [
        name
        for name in (
            *QuoteLine.ENERGY_FIELDS,
            *QuoteLine.SERVICE_FIELDS,
            "active_from",
            "active_to",
        )
        if name not in ("commodity", "delivery_point", "malo_id", "service")
    ]
    old_lines = {}
    for line in old.lines.select_related(*LINE_RELATED):
        old_lines.setdefault(_line_key(line), []).append(line)
    changes = []
    for line in new.lines.select_related(*LINE_RELATED):
        matches = old_lines.get(_line_key(line))
        if not matches:
            changes.append(LineChange(str(line), "added"))
            continue
        before = matches.pop(0)
        differences = _differences(before, line, [*line_fields, "amount_eur"], hidden)
        if differences:
            changes.append(LineChange(str(line), "changed", differences))
    for remaining in old_lines.values():
        changes.extend(LineChange(str(line), "removed") for line in remaining)
    return Comparison(
        fields=_differences(old, new, COMPARED_FIELDS),
        lines=changes,
        total_eur=(old.total_eur, new.total_eur),
    )
