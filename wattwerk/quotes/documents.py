"""The quote document: a German PDF on the supplier's letterhead (WeasyPrint), with every line's
delivery point, period, quantities and prices, and the Bindefrist standing out."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from . import queries
from .models import Quote, QuoteLine

PDF = "application/pdf"

# Central European time as Germans name it.
ZONE_NAMES = {"CET": "MEZ", "CEST": "MESZ"}


def zone_name(local: datetime) -> str:
    return ZONE_NAMES.get(local.tzname(), local.tzname())


def moment(value: datetime | None) -> str:
    """A moment as Germans read it, in the supplier's time zone: 27.11.2026 17:00 MEZ."""
    if value is None:
        return "–"
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} {zone_name(local)}"


def check_readable(user) -> None:
    """The document shows every price: it is for users who may read them all (PermissionDenied
    otherwise, naming the fields)."""
    unreadable = queries.hidden_prices(user)
    hidden = [
        str(QuoteLine._meta.get_field(name).verbose_name)
        for name in QuoteLine.secured_fields
        if name in unreadable
    ]
    if hidden:
        raise PermissionDenied(
            _(
                "Das Angebotsdokument zeigt die Preise; Ihnen fehlt das Leserecht auf "
                "%(fields)s (Feldsicherheit)."
            )
            % {"fields": ", ".join(hidden)}
        )


def filename(quote: Quote) -> str:
    return f"Angebot-{quote.reference}.pdf"


def render_html(quote: Quote, now) -> str:
    binding = timezone.localtime(quote.binding_until) if quote.binding_until else None
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "quotes/document.html",
            {
                "quote": quote,
                "lines": queries.lines_with_years(quote),
                "supplier": settings.SUPPLIER,
                "today": timezone.localdate(now),
                "binding": binding,
                "zone": zone_name(binding) if binding else "",
            },
        )


def render_pdf(quote: Quote, now) -> bytes:
    from weasyprint import HTML  # imported when used: it loads Pango, which takes a moment

    return HTML(string=render_html(quote, now)).write_pdf()
