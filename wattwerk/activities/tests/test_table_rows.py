"""The record tables' body rows, built in Python (``core/templatetags/record_tables.py``): the
same markup django-tables2's own template gives — links, escaping, German numbers, local time
— and the columns that ask for (no) localisation get it."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.utils import translation

from wattwerk.activities.models import Activity
from wattwerk.activities.records import ActivityTable

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db

THEIRS = "django_tables2/bootstrap5-responsive.html"


def rendered(table_class, template_name=None) -> str:
    """The table's markup, whitespace between tags removed."""
    request = RequestFactory().get("/activities/")
    with translation.override("de"):
        table = table_class(Activity.objects.order_by("pk"))
        if template_name:
            table.template_name = template_name
        html = table.as_html(request)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def test_rows_are_the_markup_of_django_tables2():
    # Due at 23:30 UTC: the next day in Berlin. A subject with markup: escaped.
    ActivityFactory(
        subject="<b>Rückruf</b> & Angebot", due=datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
    )
    ActivityFactory(subject="Termin vor Ort")

    ours = rendered(ActivityTable)

    assert ours == rendered(ActivityTable, THEIRS)
    assert "&lt;b&gt;Rückruf&lt;/b&gt; &amp; Angebot" in ours
    assert "04.12.2026 00:30" in ours
    assert ours.count('<tr class="') == 2


class Figures(tables.Table):
    """Raw values in plain columns, and columns that ask for localisation (or none)."""

    description = tables.Column()
    number = tables.Column(accessor="pk")  # as the site formats numbers: German
    german = tables.Column(accessor="pk", localize=True)
    plain = tables.Column(accessor="pk", localize=False)

    class Meta:
        template_name = "core/table.html"


def test_columns_asking_for_and_against_localisation(monkeypatch):
    ActivityFactory(description="Zähler <3> & Lastgang")
    monkeypatch.setattr(Activity, "pk", property(lambda activity: Decimal("1234.5")))

    ours = rendered(Figures)

    assert ours == rendered(Figures, THEIRS)
    assert "<td >Zähler &lt;3&gt; &amp; Lastgang</td>" in ours
    assert "<td >1.234,5</td><td >1.234,5</td><td >1234.5</td>" in ours


class Empty(ActivityTable):
    class Meta(ActivityTable.Meta):
        empty_text = "Keine Aktivitäten"


def test_an_empty_table_says_so_when_it_has_a_text_for_it():
    assert rendered(ActivityTable) == rendered(ActivityTable, THEIRS)
    ours = rendered(Empty)

    assert ours == rendered(Empty, THEIRS)
    assert '<tbody ><tr><td colspan="7">Keine Aktivitäten</td></tr></tbody>' in ours
