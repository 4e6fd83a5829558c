"""Sales: leads with their potential and total demand, opportunities, and the account
opportunity (Firmenverkaufschance) that follows a customer's development over the years.

Lines are what a lead or an opportunity is about: *energy* (commodity, delivery point or MaLo-ID,
period, annual quantity) or *service* (service, scope, value). Each line is in one of two sets:
``potential`` (addressable now) or ``demand`` (Gesamtbedarf, the most business possible).

Totals are stored on leads, opportunities, accounts and account opportunities and kept right by
the operations in the same transaction as the change (see :mod:`wattwerk.sales.totals`).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wattwerk.activities.models import ActivityLinks
from wattwerk.core.models import OwnedModel, RecordModel
from wattwerk.customers.fields import PhoneField, VatIdField
from wattwerk.customers.models import (
    ENERGY_PLACES,
    MONEY_PLACES,
    POSTCODE,
    Account,
    Contact,
    CustomerType,
    IndustryCode,
    LegalForm,
    MarketingAttributes,
    Salutation,
    TotalsFields,
)
from wattwerk.customers.securities import SecuritiesField
from wattwerk.energy.fields import MaLoIdField
from wattwerk.energy.models import (
    BalancingArea,
    Commodity,
    DeliveryPoint,
    EnergyService,
    MarketArea,
    PriceModel,
    Product,
)
from wattwerk.energy.periods import Period, YearKind, split_annual_quantity


class Lead(OwnedModel, MarketingAttributes, TotalsFields, ActivityLinks, RecordModel):
    """A Lead: a company and a person who may become a customer, with what they might buy."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        QUALIFIED = "qualified", _("qualifiziert")
        DISQUALIFIED = "disqualified", _("disqualifiziert")

    class Source(models.TextChoices):
        WEBSITE = "website", _("Website")
        FAIR = "fair", _("Messe/Veranstaltung")
        REFERRAL = "referral", _("Empfehlung")
        TENDER = "tender", _("Ausschreibung")
        COLD = "cold", _("Kaltakquise")
        CAMPAIGN = "campaign", _("Kampagne")
        CUSTOMER = "customer", _("Bestandskunde")
        OTHER = "other", _("sonstige")

    company_name = models.CharField(_("Firma"), max_length=200)
    legal_form = models.CharField(
        _("Rechtsform"), max_length=30, choices=LegalForm.choices, blank=True
    )
    vat_id = VatIdField(_("USt-IdNr."), blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=150, blank=True)
    postcode = models.CharField(_("PLZ"), max_length=5, blank=True, validators=[POSTCODE])
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    salutation = models.CharField(
        _("Anrede"), max_length=10, choices=Salutation.choices, blank=True
    )
    first_name = models.CharField(_("Vorname"), max_length=100, blank=True)
    last_name = models.CharField(_("Nachname"), max_length=100, blank=True)
    position = models.CharField(_("Funktion"), max_length=100, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = PhoneField(_("Telefon"), blank=True)
    source = models.CharField(_("Quelle"), max_length=20, choices=Source.choices, blank=True)
    industry = models.ForeignKey(
        IndustryCode,
        verbose_name=_("Wirtschaftszweig"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    customer_type = models.ForeignKey(
        CustomerType,
        verbose_name=_("Kundentyp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("Status"), max_length=15, choices=Status.choices, default=Status.OPEN, editable=False
    )
    disqualified_reason = models.CharField(
        _("Grund der Disqualifizierung"), max_length=200, blank=True, editable=False
    )
    account = models.ForeignKey(
        Account,
        verbose_name=_("Firma (nach Qualifizierung)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="leads",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("Kontakt (nach Qualifizierung)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="leads",
    )
    qualified_at = models.DateTimeField(_("qualifiziert am"), null=True, blank=True, editable=False)

    class Meta(OwnedModel.Meta):
        verbose_name = _("Lead")
        verbose_name_plural = _("Leads")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["company_name"], name="lead_company"),
            # The open leads (most of them) by company: one range, read in order.
            models.Index(fields=["status", "company_name"], name="lead_status"),
            models.Index(fields=["created_at"], name="lead_created"),  # newest first
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.company_name, self.legal_form) if part)


class AccountOpportunity(OwnedModel, RecordModel):
    """The Firmenverkaufschance: one per account, open for as long as the customer relation is
    developed. Its demand, won volume and remaining potential are totals (see ``totals``)."""

    class Phase(models.TextChoices):
        DEVELOPMENT = "development", _("Entwicklung")
        PENETRATION = "penetration", _("Penetration")
        RETENTION = "retention", _("Bindung")
        RECOVERY = "recovery", _("Rückgewinnung")

    account = models.OneToOneField(
        Account,
        verbose_name=_("Firma"),
        on_delete=models.PROTECT,
        related_name="account_opportunity",
    )
    phase = models.CharField(
        _("Phase"), max_length=15, choices=Phase.choices, default=Phase.DEVELOPMENT
    )
    demand_kwh = models.DecimalField(
        _("Gesamtbedarf (kWh/a)"), default=Decimal(0), editable=False, **ENERGY_PLACES
    )
    won_kwh = models.DecimalField(
        _("gewonnen (kWh/a)"), default=Decimal(0), editable=False, **ENERGY_PLACES
    )
    remaining_kwh = models.DecimalField(
        _("Restpotenzial (kWh/a)"), default=Decimal(0), editable=False, **ENERGY_PLACES
    )
    totals = models.JSONField(
        _("Summen je Sparte und Lieferjahr"), default=dict, editable=False, blank=True
    )
    note = models.TextField(_("Notiz"), blank=True)

    changelog_exclude = ("demand_kwh", "won_kwh", "remaining_kwh", "totals")

    class Meta(OwnedModel.Meta):
        verbose_name = _("Firmenverkaufschance")
        verbose_name_plural = _("Firmenverkaufschancen")
        ordering = ["account__name"]

    def __str__(self) -> str:
        return str(_("Firmenverkaufschance %(account)s") % {"account": self.account})


class Opportunity(OwnedModel, TotalsFields, ActivityLinks, RecordModel):
    """A Verkaufschance: a concrete sale in progress with one account."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        WON = "won", _("gewonnen")
        LOST = "lost", _("verloren")

    name = models.CharField(_("Bezeichnung"), max_length=200)
    account = models.ForeignKey(
        Account, verbose_name=_("Firma"), on_delete=models.PROTECT, related_name="opportunities"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("Ansprechpartner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    account_opportunity = models.ForeignKey(
        AccountOpportunity,
        verbose_name=_("Firmenverkaufschance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="opportunities",
    )
    lead = models.OneToOneField(
        Lead,
        verbose_name=_("aus Lead"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="opportunity",
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN, editable=False
    )
    lost_reason = models.CharField(_("Verlustgrund"), max_length=200, blank=True, editable=False)
    probability = models.PositiveSmallIntegerField(
        _("Wahrscheinlichkeit (%)"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    expected_close = models.DateField(_("erwarteter Abschluss"), null=True, blank=True)
    required_securities = SecuritiesField(_("geforderte Sicherheiten"), kind="required")
    expected_revenue_eur = models.DecimalField(
        _("erwarteter Umsatz (EUR)"),
        default=Decimal(0),
        editable=False,
        help_text=_("Umsatzpotenzial × Wahrscheinlichkeit"),
        **MONEY_PLACES,
    )

    secured_fields = ("required_securities",)
    changelog_exclude = ("expected_revenue_eur",)

    class Meta(OwnedModel.Meta):
        verbose_name = _("Verkaufschance")
        verbose_name_plural = _("Verkaufschancen")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "expected_close"], name="opportunity_pipeline"),
            # A salesperson's open opportunities by expected close: their own range, in order.
            models.Index(fields=["owner", "status", "expected_close"], name="opportunity_owner"),
            models.Index(fields=["created_at"], name="opportunity_created"),  # newest first
        ]

    def __str__(self) -> str:
        return self.name


MAX_PRICE_CT_KWH = 200  # far above any working price; a price in EUR/MWh is ten times this
PRICE_TOO_HIGH = _(
    "Preis in ct/kWh angeben (höchstens 200 ct/kWh); "
    "ein Preis in EUR/MWh geteilt durch 10 ergibt ct/kWh."
)


def working_price_field(verbose_name, **options) -> models.DecimalField:
    """A working price in ct/kWh, refused above ``MAX_PRICE_CT_KWH`` with a hint at the unit."""
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PRICE_CT_KWH, PRICE_TOO_HIGH)],
        **options,
    )


def cents(amount: Decimal) -> Decimal:
    """Rounded to the cent as merchants round: half up (0,005 € → 0,01 €)."""
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class LineSet(models.TextChoices):
    POTENTIAL = "potential", _("Potenzial")
    DEMAND = "demand", _("Gesamtbedarf")


class LineKind(models.TextChoices):
    ENERGY = "energy", _("Energie")
    SERVICE = "service", _("Dienstleistung")


class Line(models.Model):
    """What a lead or an opportunity is about: energy over a period, or a service."""

    line_set = models.CharField(_("Art der Menge"), max_length=10, choices=LineSet.choices)
    kind = models.CharField(_("Art"), max_length=10, choices=LineKind.choices)
    commodity = models.ForeignKey(
        Commodity,
        verbose_name=_("Sparte"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    delivery_point = models.ForeignKey(
        DeliveryPoint,
        verbose_name=_("Lieferstelle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    malo_id = MaLoIdField(
        _("MaLo-ID"), blank=True, help_text=_("wenn es die Lieferstelle noch nicht gibt")
    )
    address = models.CharField(_("Anschrift der Lieferstelle"), max_length=250, blank=True)
    market_area = models.ForeignKey(
        MarketArea,
        verbose_name=_("Regelzone bzw. Marktgebiet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    balancing_area = models.ForeignKey(
        BalancingArea,
        verbose_name=_("Bilanzierungsgebiet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    active_from = models.DateField(_("Lieferbeginn"), null=True, blank=True)
    active_to = models.DateField(_("Lieferende (ausschließlich)"), null=True, blank=True)
    annual_kwh = models.DecimalField(
        _("Jahresmenge (kWh/a)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **ENERGY_PLACES,
    )
    price_model = models.ForeignKey(
        PriceModel,
        verbose_name=_("Preismodell"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("Produkt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    price_ct_kwh = working_price_field(
        _("Preis (ct/kWh)"), help_text=_("erwarteter Arbeitspreis, für den Umsatz")
    )
    service = models.ForeignKey(
        EnergyService,
        verbose_name=_("Dienstleistung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scope = models.DecimalField(
        _("Umfang"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("in der Einheit der Dienstleistung"),
    )
    value_eur = models.DecimalField(
        _("geschätzter Wert (EUR)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY_PLACES,
    )

    ENERGY_FIELDS = (
        "commodity",
        "delivery_point",
        "malo_id",
        "address",
        "market_area",
        "balancing_area",
        "annual_kwh",
        "price_model",
        "product",
        "price_ct_kwh",
    )
    SERVICE_FIELDS = ("service", "scope", "value_eur")

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(price_ct_kwh__isnull=True)
                | Q(price_ct_kwh__gte=0, price_ct_kwh__lte=MAX_PRICE_CT_KWH),
                name="%(app_label)s_%(class)s_price_plausible",
            )
        ]

    def __str__(self) -> str:
        if self.kind == LineKind.SERVICE:
            return f"{self.service or ''} {self.scope or ''}".strip()
        where = self.delivery_point or self.malo_id or self.address
        return f"{self.commodity or ''} {where or ''}".strip()

    def revenue_eur(self, shares: list | None = None) -> Decimal:
        """What the line is worth over its period: quantity × price for energy (nothing without
        a price), the estimated value for a service. ``shares``: its year shares, if known."""
        if self.kind == LineKind.SERVICE:
            return self.value_eur or Decimal(0)
        if self.price_ct_kwh is None:
            return Decimal(0)
        shares = self.year_shares() if shares is None else shares
        quantity = sum((share.quantity for share in shares), Decimal(0))
        return cents(quantity * self.price_ct_kwh / 100)

    def year_shares(self) -> list:
        """The annual quantity over the delivery period, per delivery year (calendar or gas
        year as the commodity counts), pro rata by hours; empty for a service line."""
        if self.kind != LineKind.ENERGY or self.annual_kwh is None or self.commodity is None:
            return []
        period = self.period
        if period is None:
            return []
        return split_annual_quantity(self.annual_kwh, period, YearKind(self.commodity.year_kind))

    @property
    def period(self) -> Period | None:
        if self.active_from and self.active_to and self.active_to > self.active_from:
            return Period(self.active_from, self.active_to)
        return None

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.active_from and self.active_to and self.active_to <= self.active_from:
            errors["active_to"] = _("Das Lieferende muss nach dem Lieferbeginn liegen.")
        elif bool(self.active_from) != bool(self.active_to):
            missing = "active_to" if self.active_from else "active_from"
            errors[missing] = _("Ein Lieferzeitraum hat Beginn und Ende.")
        if self.kind == LineKind.ENERGY:
            if not self.commodity_id:
                errors["commodity"] = _("Eine Energiezeile braucht eine Sparte.")
            if self.annual_kwh is None:
                errors["annual_kwh"] = _("Eine Energiezeile braucht eine Jahresmenge.")
            if not (self.active_from and self.active_to):
                errors.setdefault(
                    "active_from", _("Eine Energiezeile braucht einen Lieferzeitraum.")
                )
            point = self.delivery_point if self.delivery_point_id else None
            if point and self.commodity_id and point.commodity_id != self.commodity_id:
                errors["delivery_point"] = _("Die Lieferstelle gehört zu einer anderen Sparte.")
            product = self.product if self.product_id else None
            if product and self.commodity_id and product.commodity_id != self.commodity_id:
                errors["product"] = _("Das Produkt gehört zu einer anderen Sparte.")
            filled = [name for name in self.SERVICE_FIELDS if getattr(self, name) not in (None, "")]
            for name in filled:
                errors[name] = _("Gehört zu Dienstleistungszeilen, nicht zu Energiezeilen.")
        elif self.kind == LineKind.SERVICE:
            if not self.service_id:
                errors["service"] = _("Eine Dienstleistungszeile braucht eine Dienstleistung.")
            filled = [name for name in self.ENERGY_FIELDS if getattr(self, name) not in (None, "")]
            for name in filled:
                errors[name] = _("Gehört zu Energiezeilen, nicht zu Dienstleistungszeilen.")
        if errors:
            raise ValidationError(errors)


class LeadLine(Line):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        verbose_name = _("Leadzeile")
        verbose_name_plural = _("Leadzeilen")
        ordering = ["pk"]


class OpportunityLine(Line):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="lines")

    class Meta(Line.Meta):
        verbose_name = _("Zeile der Verkaufschance")
        verbose_name_plural = _("Zeilen der Verkaufschance")
        ordering = ["pk"]
