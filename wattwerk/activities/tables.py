"""Columns and filters that other apps' lists use to show and sort by activities."""

import django_filters
import django_tables2 as tables
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


class NextActivityColumn(tables.Column):
    """The next open activity's due date and kind ("09.12.2026 · Telefonat"), sortable. The
    subject is not shown: the activity may be one the reader of the list may not read."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("nächste Aktivität"))
        kwargs.setdefault("order_by", ("next_activity__due", "next_activity__start"))
        kwargs.setdefault("accessor", "next_activity")
        super().__init__(**kwargs)

    def render(self, value):
        moment = value.due or value.start
        when = (
            formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT") if moment else ""
        )
        return " · ".join(part for part in (when, value.get_kind_display()) if part)

    def value(self, value):
        moment = value.due or value.start if value is not None else None
        return timezone.localtime(moment).date().isoformat() if moment else ""


class NextActivityFilters(django_filters.FilterSet):
    """Mixed into a record type's filter set: "next activity due by" and "without next"."""

    next_due_by = django_filters.DateFilter(
        field_name="next_activity__due",
        lookup_expr="date__lte",
        label=_("nächste Aktivität fällig bis"),
    )
    without_next = django_filters.BooleanFilter(
        field_name="next_activity", lookup_expr="isnull", label=_("ohne nächste Aktivität")
    )
