"""Quotes (Angebote): what a customer is offered for an opportunity, line by line, until when
the price holds (the Bindefrist), and how the offer ended.

A quote has a number from a yearly sequence (AN-2026-00042) and a revision; revising copies it
under the same number with the next revision. Quotes of one opportunity that exclude each other
form a *quote group* (three yearly quotes and one over the three years, say): at most one of a
group is won, and the pipeline counts a group once.

**The Bindefrist acts when read.** An active quote whose binding period has passed *is* expired,
whatever the stored status says: every quote read from the database is given its status as of
now (:meth:`Quote.from_db`), and queries use :meth:`QuoteQuerySet.state`. The periodic task only
persists the status, writes the history and tells the owner.
"""

from calendar import monthrange
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wattwerk.activities.models import ActivityLinks
from wattwerk.core.lookups import Unindexed
from wattwerk.core.models import OwnedModel, RecordModel
from wattwerk.core.querysets import RestrictedQuerySet
from wattwerk.customers.models import ENERGY_PLACES, MONEY_PLACES, Account, Contact
from wattwerk.energy.models import BalancingArea, Commodity
from wattwerk.energy.periods import Period
from wattwerk.sales.models import (
    Line,
    LineKind,
    Opportunity,
    cents,
    working_price_field,
)

NUMBER_PREFIX = "AN"


class QuoteCounter(models.Model):
    """The last quote number given out in a year (the row is locked while a number is drawn)."""

    year = models.PositiveSmallIntegerField(_("Jahr"), primary_key=True)
    last = models.PositiveIntegerField(_("zuletzt vergeben"), default=0)

    class Meta:
        verbose_name = _("Angebotsnummernkreis")
        verbose_name_plural = _("Angebotsnummernkreise")

    def __str__(self) -> str:
        return f"{NUMBER_PREFIX}-{self.year}: {self.last}"


def next_number(day: date) -> str:
    """The next number of the year of ``day``: AN-2026-00042. Call inside a transaction."""
    QuoteCounter.objects.get_or_create(year=day.year)
    counter = QuoteCounter.objects.select_for_update().get(year=day.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return quote_number(day.year, counter.last)


def quote_number(year: int, sequence: int) -> str:
    """AN-2026-00042"""
    return f"{NUMBER_PREFIX}-{year}-{sequence:05d}"


class QuoteGroup(models.Model):
    """Alternatives of one opportunity that exclude each other: at most one of them is won."""

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("Verkaufschance"),
        on_delete=models.CASCADE,
        related_name="quote_groups",
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Angebotsgruppe")
        verbose_name_plural = _("Angebotsgruppen")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class QuoteQuerySet(RestrictedQuerySet):
    def state(self, now=None) -> Case:
        """The status as of ``now`` as an expression: an active quote past its Bindefrist is
        expired."""
        now = now or timezone.now()
        return Case(
            When(
                status=Quote.Status.ACTIVE,
                binding_until__lt=now,
                then=Value(Quote.Status.EXPIRED.value),
            ),
            default=F("status"),
            output_field=models.CharField(),
        )

    def in_state(self, *states: str, now=None) -> "QuoteQuerySet":
        """The quotes whose status as of ``now`` is one of ``states``: the same answer as
        ``state()``, written as plain column conditions so that the indexes on status and
        Bindefrist serve it.

        Expired are the sent quotes whose Bindefrist has passed, stored as expired or not
        yet: a quote is only stored as expired after its Bindefrist (only drafts change, and
        a quote is sent with its Bindefrist ahead), so one range of the Bindefrist answers. Most
        quotes are sent, so the status does not narrow it (:class:`Unindexed`): a list sorted
        by Bindefrist reads ``quote_binding_until`` in order."""
        now = now or timezone.now()
        passed = Q(binding_until__lt=now)
        condition = Q(pk__in=[])
        for state in dict.fromkeys(states):
            if state == Quote.Status.EXPIRED:
                status = Unindexed("status", output_field=models.CharField())
                sent = In(status, (Quote.Status.ACTIVE.value, Quote.Status.EXPIRED.value))
                condition |= Q(sent) & passed
            elif state == Quote.Status.ACTIVE:
                condition |= Q(status=state) & ~passed
            else:
                condition |= Q(status=state)
        return self.filter(condition)

    def open(self, now=None) -> "QuoteQuerySet":
        """Drafts and sent quotes whose Bindefrist has not passed."""
        return self.in_state(Quote.Status.DRAFT, Quote.Status.ACTIVE, now=now)


class Quote(OwnedModel, ActivityLinks, RecordModel):
    """An Angebot: lines of energy and services at prices, binding until a moment."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        ACTIVE = "active", _("abgegeben")
        WON = "won", _("gewonnen")
        LOST = "lost", _("verloren")
        EXPIRED = "expired", _("abgelaufen")
        CANCELLED = "cancelled", _("storniert")
        REVISED = "revised", _("überarbeitet")

    OPEN = (Status.DRAFT, Status.ACTIVE)

    number = models.CharField(_("Angebotsnummer"), max_length=20, editable=False)
    revision = models.PositiveSmallIntegerField(_("Revision"), default=1, editable=False)
    name = models.CharField(_("Bezeichnung"), max_length=200)
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("Verkaufschance"),
        on_delete=models.PROTECT,
        related_name="quotes",
    )
    account = models.ForeignKey(
        Account,
        verbose_name=_("Firma"),
        on_delete=models.PROTECT,
        editable=False,
        related_name="quotes",
        help_text=_("die Firma der Verkaufschance"),
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("Ansprechpartner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    binding_until = models.DateTimeField(
        _("Bindefrist"),
        null=True,
        blank=True,
        help_text=_("bis wann die Preise gelten (Datum und Uhrzeit)"),
    )
    indicative = models.BooleanField(
        _("unverbindlich (Preisindikation)"),
        default=False,
        help_text=_("eine Preisindikation; zählt nicht zur verbindlichen Pipeline"),
    )
    group = models.ForeignKey(
        QuoteGroup,
        verbose_name=_("Angebotsgruppe (Alternativen)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
    )
    payment_terms = models.CharField(
        _("Zahlungsbedingungen"), max_length=200, blank=True, default=""
    )
    note = models.TextField(_("Anmerkungen"), blank=True)
    sent_at = models.DateTimeField(_("abgegeben am"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True, editable=False)
    lost_reason = models.CharField(_("Verlustgrund"), max_length=200, blank=True, editable=False)
    expiry_warned_at = models.DateTimeField(
        _("vor Ablauf erinnert am"), null=True, blank=True, editable=False
    )
    total_eur = models.DecimalField(
        _("Angebotssumme (EUR)"), default=Decimal(0), editable=False, **MONEY_PLACES
    )
    total_kwh = models.DecimalField(
        _("Menge im Lieferzeitraum (kWh)"), default=Decimal(0), editable=False, **ENERGY_PLACES
    )

    objects = QuoteQuerySet.as_manager()
    changelog_exclude = ("total_eur", "total_kwh", "expiry_warned_at")
    # The price fields of its lines are field-secured (for the Preisbildung): see QuoteLine.
    secured_parts = ("lines",)

    class Meta(OwnedModel.Meta):
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["-number", "-revision"]
        constraints = [
            *OwnedModel.Meta.constraints,
            models.UniqueConstraint(fields=["number", "revision"], name="quote_number_revision"),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(status="won"),
                name="quote_one_won_per_group",
                violation_error_message=_("Aus einer Angebotsgruppe wird höchstens eins gewonnen."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "binding_until"], name="quote_binding"),
            models.Index(fields=["opportunity", "status"], name="quote_opportunity"),
            # The list sorted by Bindefrist, whatever the status filter.
            models.Index(fields=["binding_until"], name="quote_binding_until"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    @property
    def reference(self) -> str:
        """The number with its revision after the first: AN-2026-00042, AN-2026-00042-R2."""
        return self.number if self.revision == 1 else f"{self.number}-R{self.revision}"

    @classmethod
    def from_db(cls, db, field_names, values, **options):
        quote = super().from_db(db, field_names, values, **options)
        if quote.is_past_binding(timezone.now()):
            quote.status = cls.Status.EXPIRED  # as read now, not as last persisted
        return quote

    def is_past_binding(self, now) -> bool:
        binding = self.__dict__.get("binding_until")
        return (
            self.__dict__.get("status") == self.Status.ACTIVE
            and binding is not None
            and binding < now
        )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def save(self, *args, **kwargs) -> None:
        if self.opportunity_id:
            self.account_id = self.opportunity.account_id
        if not self.number:
            self.number = next_number(timezone.localdate())
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if (
            self.group_id
            and self.opportunity_id
            and self.group.opportunity_id != (self.opportunity_id)
        ):
            raise ValidationError(
                {"group": _("Die Angebotsgruppe gehört zu einer anderen Verkaufschance.")}
            )
        if self.contact_id and self.opportunity_id:
            works_there = self.contact.positions.filter(
                account_id=self.opportunity.account_id
            ).exists()
            if not works_there and self.opportunity.contact_id != self.contact_id:
                raise ValidationError(
                    {"contact": _("Der Ansprechpartner arbeitet nicht bei der Firma.")}
                )


def months_in(period: Period) -> Decimal:
    """Calendar months from start to end: whole months, and the rest pro rata by the days of
    the month it falls in (1 Jan – 1 Apr = 3; 1 Jan – 16 Jan = 15/31)."""
    whole = 0
    while _months_after(period.active_from, whole + 1) <= period.active_to:
        whole += 1
    anchor = _months_after(period.active_from, whole)
    following = _months_after(period.active_from, whole + 1)
    return whole + Decimal((period.active_to - anchor).days) / Decimal((following - anchor).days)


def _months_after(day: date, months: int) -> date:
    """``day`` moved on by ``months``, keeping its day of the month (or the month's last)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


class QuoteLine(Line):
    """A line of a quote: energy at a delivery point over a period with its price components,
    or a service with scope and price. Its amount over the period is stored."""

    line_set = None  # a quote offers; potential and demand are the opportunity's
    quote = models.ForeignKey(
        Quote, verbose_name=_("Angebot"), on_delete=models.CASCADE, related_name="lines"
    )
    price_ct_kwh = working_price_field(_("Arbeitspreis (ct/kWh)"))
    base_price_eur_month = models.DecimalField(
        _("Grundpreis (EUR/Monat)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY_PLACES,
    )
    capacity_kw = models.DecimalField(
        _("Leistung (kW)"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("für den Leistungspreis (RLM)"),
    )
    capacity_price_eur_kw_year = models.DecimalField(
        _("Leistungspreis (EUR/kW/a)"),
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    value_eur = models.DecimalField(
        _("Preis (EUR)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Preis der Dienstleistung"),
        **MONEY_PLACES,
    )
    period_kwh = models.DecimalField(
        _("Menge im Lieferzeitraum (kWh)"), default=Decimal(0), editable=False, **ENERGY_PLACES
    )
    amount_eur = models.DecimalField(
        _("Betrag über den Lieferzeitraum (EUR)"),
        default=Decimal(0),
        editable=False,
        **MONEY_PLACES,
    )

    # The price components: only holders of a field security profile read or write them (the
    # Preisbildung writes, the Vertrieb reads). The amounts they give stay visible, like an
    # opportunity's amount: the pipeline and the hit rate count them.
    secured_fields = (
        "price_ct_kwh",
        "base_price_eur_month",
        "capacity_price_eur_kw_year",
        "value_eur",
    )
    ENERGY_FIELDS = (
        *Line.ENERGY_FIELDS,
        "base_price_eur_month",
        "capacity_kw",
        "capacity_price_eur_kw_year",
    )

    class Meta(Line.Meta):
        verbose_name = _("Angebotszeile")
        verbose_name_plural = _("Angebotszeilen")
        ordering = ["pk"]

    def revenue_eur(self, shares: list | None = None) -> Decimal:
        """The line's amount over its delivery period: energy × Arbeitspreis, Grundpreis per
        month, Leistungspreis × kW per year; a service's price."""
        if self.kind == LineKind.SERVICE:
            return self.value_eur or Decimal(0)
        shares = self.year_shares() if shares is None else shares
        quantity = sum((share.quantity for share in shares), Decimal(0))
        amount = quantity * (self.price_ct_kwh or 0) / 100
        period = self.period
        if period is not None:
            months = months_in(period)
            amount += (self.base_price_eur_month or 0) * months
            amount += (self.capacity_kw or 0) * (self.capacity_price_eur_kw_year or 0) * months / 12
        return cents(amount)

    def compute(self) -> list:
        """Store the quantity and amount over the period; returns the year shares."""
        shares = self.year_shares()
        self.period_kwh = sum((share.quantity for share in shares), Decimal(0))
        self.amount_eur = self.revenue_eur(shares)
        return shares

    def clean(self) -> None:
        super().clean()
        if self.kind == LineKind.ENERGY and (self.capacity_kw is None) != (
            self.capacity_price_eur_kw_year is None
        ):
            missing = "capacity_kw" if self.capacity_kw is None else "capacity_price_eur_kw_year"
            raise ValidationError({missing: _("Leistungspreis und Leistung gehören zusammen.")})


class QuoteLineYear(models.Model):
    """A quote line's quantity in one delivery year (calendar or gas year), kept with the line:
    what the volume pipeline adds up in the database."""

    line = models.ForeignKey(
        QuoteLine, verbose_name=_("Zeile"), on_delete=models.CASCADE, related_name="years"
    )
    quote = models.ForeignKey(
        Quote, verbose_name=_("Angebot"), on_delete=models.CASCADE, related_name="+"
    )
    commodity = models.ForeignKey(
        Commodity, verbose_name=_("Sparte"), on_delete=models.PROTECT, related_name="+"
    )
    balancing_area = models.ForeignKey(
        BalancingArea,
        verbose_name=_("Bilanzierungsgebiet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    year = models.CharField(_("Lieferjahr"), max_length=20)  # "2027", "GWJ 2026/27"
    kwh = models.DecimalField(_("Menge (kWh)"), **ENERGY_PLACES)

    class Meta:
        verbose_name = _("Menge je Lieferjahr")
        verbose_name_plural = _("Mengen je Lieferjahr")
        ordering = ["line", "year"]
        indexes = [models.Index(fields=["year", "commodity"], name="quote_line_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.kwh} kWh"
