"""Reference data of the energy market, shipped with the app and editable by administrators,
and the delivery points (Lieferstellen) that use it.

Commodities, energy services, market areas (control areas, the bidding zone, the gas market
area), balancing areas, network operators, load profiles, price models, the product catalogue,
and rates that change over time (taxes, levies), kept as time slices keyed by validity.
The reference data is organisation data (no owner: roles grant it at "whole organisation");
delivery points are owned and restricted like every business record.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wattwerk.core.models import OwnedModel, RecordModel
from wattwerk.core.querysets import RestrictedQuerySet

from . import identifiers
from .fields import EicField, MaLoIdField, MarketPartnerIdField
from .periods import YearKind
from .units import full_load_hours


class Commodity(RecordModel):
    """Strom, Gas, Wärme: what is delivered, and in which years it is counted."""

    code = models.SlugField(_("Kürzel"), max_length=20, unique=True)
    name = models.CharField(_("Name"), max_length=50, unique=True)
    year_kind = models.CharField(
        _("Lieferjahr"),
        max_length=10,
        choices=[(YearKind.CALENDAR, _("Kalenderjahr")), (YearKind.GAS, _("Gaswirtschaftsjahr"))],
        default=YearKind.CALENDAR,
    )

    class Meta:
        verbose_name = _("Sparte")
        verbose_name_plural = _("Sparten")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnergyService(RecordModel):
    """An energy service a Stadtwerk sells (Energieaudit, PV-Anlage, …) and the unit its scope
    is expressed in."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    unit = models.CharField(
        _("Einheit des Umfangs"), max_length=20, help_text=_("z. B. kWp, kW, Ladepunkte, Audits")
    )
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Energiedienstleistung")
        verbose_name_plural = _("Energiedienstleistungen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MarketArea(RecordModel):
    """A control area (Regelzone), the bidding zone or a gas market area, with its EIC."""

    class Kind(models.TextChoices):
        CONTROL_AREA = "control_area", _("Regelzone")
        BIDDING_ZONE = "bidding_zone", _("Gebotszone")
        GAS_MARKET_AREA = "gas_market_area", _("Marktgebiet Gas")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("Name"), max_length=100, unique=True)
    eic = EicField(_("EIC"), eic_type=identifiers.EicType.AREA, unique=True)
    commodity = models.ForeignKey(
        Commodity, verbose_name=_("Sparte"), on_delete=models.PROTECT, related_name="+"
    )
    operator = models.CharField(
        _("Verantwortlich"),
        max_length=100,
        blank=True,
        help_text=_("ÜNB bzw. Marktgebietsverantwortlicher"),
    )

    class Meta:
        verbose_name = _("Markt- oder Regelzone")
        verbose_name_plural = _("Markt- und Regelzonen")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class BalancingArea(RecordModel):
    """A Bilanzierungsgebiet (EIC type Y), within a control area."""

    name = models.CharField(_("Name"), max_length=100)
    eic = EicField(_("EIC"), eic_type=identifiers.EicType.AREA, unique=True)
    control_area = models.ForeignKey(
        MarketArea,
        verbose_name=_("Regelzone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind": MarketArea.Kind.CONTROL_AREA},
        related_name="balancing_areas",
    )

    class Meta:
        verbose_name = _("Bilanzierungsgebiet")
        verbose_name_plural = _("Bilanzierungsgebiete")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.eic})"


class NetworkOperator(RecordModel):
    """A network operator (Netzbetreiber) by its Marktpartner-ID; the scheme follows the ID."""

    name = models.CharField(_("Name"), max_length=150)
    market_partner_id = MarketPartnerIdField(_("Marktpartner-ID"), unique=True)
    scheme = models.CharField(
        _("Codevergabe"),
        max_length=4,
        choices=[(scheme.value, scheme.value) for scheme in identifiers.Scheme],
        editable=False,
    )
    commodity = models.ForeignKey(
        Commodity, verbose_name=_("Sparte"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("Netzbetreiber")
        verbose_name_plural = _("Netzbetreiber")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        checked = identifiers.validate_market_partner_id(self.market_partner_id)
        self.market_partner_id, self.scheme = checked.value, checked.scheme
        super().save(*args, **kwargs)


class LoadProfile(RecordModel):
    """A standard load profile (H0, G25, HEF …) or interval metering (RLM)."""

    class Method(models.TextChoices):
        SLP = "SLP", _("Standardlastprofil (SLP)")
        TLP = "TLP", _("temperaturabhängiges Lastprofil (TLP)")
        RLM = "RLM", _("registrierende Leistungsmessung (RLM)")

    code = models.CharField(_("Kürzel"), max_length=10)
    name = models.CharField(_("Bezeichnung"), max_length=100)
    commodity = models.ForeignKey(
        Commodity, verbose_name=_("Sparte"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("Bilanzierung"), max_length=3, choices=Method.choices)
    generation = models.CharField(
        _("Profilfamilie"), max_length=30, blank=True, help_text=_("z. B. BDEW 1999, BDEW 2025")
    )

    class Meta:
        verbose_name = _("Lastprofil")
        verbose_name_plural = _("Lastprofile")
        ordering = ["commodity", "code"]
        constraints = [
            models.UniqueConstraint(fields=["commodity", "code"], name="load_profile_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class PriceModel(RecordModel):
    """How the energy price is formed: Festpreis, Tranchenmodell, Spot/Index, Mischmodell …"""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Preismodell")
        verbose_name_plural = _("Preismodelle")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ValidityQuerySet(RestrictedQuerySet):
    def valid_on(self, day: date) -> "ValidityQuerySet":
        """Rows whose half-open validity ``[valid_from, valid_to)`` contains ``day``."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day)


class Product(RecordModel):
    """An entry of the product catalogue, sold within its active period."""

    name = models.CharField(_("Name"), max_length=150, unique=True)
    commodity = models.ForeignKey(
        Commodity, verbose_name=_("Sparte"), on_delete=models.PROTECT, related_name="+"
    )
    price_model = models.ForeignKey(
        PriceModel, verbose_name=_("Preismodell"), on_delete=models.PROTECT, related_name="+"
    )
    active_from = models.DateField(_("angeboten ab"))
    active_to = models.DateField(
        _("angeboten bis (ausschließlich)"), null=True, blank=True, help_text=_("Leer: unbefristet")
    )
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Produkt")
        verbose_name_plural = _("Produkte")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gt=models.F("active_from")),
                name="product_period_not_empty",
                violation_error_message=_("Das Ende muss nach dem Beginn liegen."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Rate(RecordModel):
    """A tax, levy or charge that changes over time, as one time slice ``[valid_from, valid_to)``.

    Code reads the rate valid on a day (``Rate.objects.valid_on(day).get(code=…)``), never a
    constant: a new value is a new row.
    """

    code = models.SlugField(_("Kennung"), max_length=40, help_text=_("z. B. stromsteuer"))
    name = models.CharField(_("Bezeichnung"), max_length=100)
    commodity = models.ForeignKey(
        Commodity,
        verbose_name=_("Sparte"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    value = models.DecimalField(_("Wert"), max_digits=12, decimal_places=4)
    unit = models.CharField(_("Einheit"), max_length=20, help_text=_("z. B. ct/kWh, EUR/t, %"))
    valid_from = models.DateField(_("gültig ab"))
    valid_to = models.DateField(_("gültig bis (ausschließlich)"), null=True, blank=True)
    note = models.CharField(_("Anmerkung"), max_length=200, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("Steuer- oder Umlagesatz")
        verbose_name_plural = _("Steuer- und Umlagesätze")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="rate_slice_once"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="rate_period_not_empty",
                violation_error_message=_("Das Ende muss nach dem Beginn liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ab {self.valid_from:%d.%m.%Y}"

    def clean(self) -> None:
        super().clean()
        if not self.code or not self.valid_from:
            return
        overlapping = Rate.objects.filter(code=self.code).exclude(pk=self.pk)
        end = self.valid_to or date.max
        overlapping = overlapping.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=self.valid_from), valid_from__lt=end
        )
        if overlapping.exists():
            raise ValidationError(
                {
                    "valid_from": _(
                        "Für „%(code)s“ gilt in diesem Zeitraum schon ein Satz: %(other)s."
                    )
                    % {"code": self.code, "other": overlapping.first()}
                }
            )


def validate_melo_ids(value) -> None:
    """A list of MeLo-IDs, each valid, none twice; the error names the entry."""
    if not isinstance(value, list):
        raise ValidationError(_("Eine Liste von MeLo-IDs erwartet."), code="invalid")
    seen = set()
    for number, melo in enumerate(value, start=1):
        try:
            checked = identifiers.validate_melo_id(str(melo))
        except ValidationError as error:
            raise ValidationError(
                _("MeLo-ID Nr. %(number)d: %(reason)s")
                % {"number": number, "reason": " ".join(error.messages)},
                code=error.code if hasattr(error, "code") else "invalid",
            ) from None
        if checked.value in seen:
            raise ValidationError(
                _("MeLo-ID Nr. %(number)d steht doppelt in der Liste.") % {"number": number},
                code="duplicate",
            )
        seen.add(checked.value)


class DeliveryPoint(OwnedModel, RecordModel):
    """A Lieferstelle: one market location (MaLo) of one commodity, where energy is delivered.

    It belongs to an account (named by its app label only: the customers app sits above this
    one), or is recorded on a lead before qualification (the sales app's lead lines point here).
    """

    class Metering(models.TextChoices):
        SLP = "SLP", _("Standardlastprofil (SLP)")
        RLM = "RLM", _("Leistungsmessung (RLM)")

    malo_id = MaLoIdField(_("MaLo-ID"))
    melo_ids = models.JSONField(
        _("MeLo-IDs"),
        default=list,
        blank=True,
        validators=[validate_melo_ids],
        help_text=_("Zählpunktbezeichnungen, je 33 Zeichen"),
    )
    commodity = models.ForeignKey(
        Commodity, verbose_name=_("Sparte"), on_delete=models.PROTECT, related_name="+"
    )
    account = models.ForeignKey(
        "customers.Account",
        verbose_name=_("Firma"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delivery_points",
    )
    name = models.CharField(_("Bezeichnung"), max_length=150, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=150, blank=True)
    postcode = models.CharField(
        _("PLZ"),
        max_length=5,
        blank=True,
        validators=[
            RegexValidator(r"^\d{5}$", _("Die Postleitzahl hat fünf Ziffern."), code="postcode")
        ],
    )
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    network_operator = models.ForeignKey(
        NetworkOperator,
        verbose_name=_("Netzbetreiber"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delivery_points",
    )
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
    metering = models.CharField(
        _("Messung"), max_length=3, choices=Metering.choices, default=Metering.SLP
    )
    load_profile = models.ForeignKey(
        LoadProfile,
        verbose_name=_("Lastprofil"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    annual_kwh = models.DecimalField(
        _("Jahresverbrauch (kWh)"),
        max_digits=15,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    peak_kw = models.DecimalField(
        _("Höchstlast (kW)"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta(OwnedModel.Meta):
        verbose_name = _("Lieferstelle")
        verbose_name_plural = _("Lieferstellen")
        ordering = ["malo_id"]
        constraints = [
            *OwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["commodity", "malo_id"],
                name="delivery_point_malo_once_per_commodity",
                violation_error_message=_("Diese MaLo-ID gibt es in dieser Sparte schon."),
            ),
        ]
        # The unique pair leads with the commodity: a search by MaLo-ID alone (and the list's
        # order) needs its own index; PostgreSQL read the whole table without one.
        indexes = [models.Index(fields=["malo_id"], name="delivery_point_malo")]

    def __str__(self) -> str:
        return f"{self.malo_id} {self.name}".strip()

    @property
    def full_load_hours(self) -> Decimal | None:
        """Benutzungsstunden (h/a), derived from annual consumption and peak load."""
        return full_load_hours(self.annual_kwh or Decimal(0), self.peak_kw or Decimal(0))

    def clean(self) -> None:
        super().clean()
        self.melo_ids = [identifiers.normalise_melo_id(str(m)) for m in self.melo_ids or []]
        profile = self.load_profile if self.load_profile_id else None
        if profile and self.commodity_id and profile.commodity_id != self.commodity_id:
            raise ValidationError(
                {"load_profile": _("Das Lastprofil gehört zu einer anderen Sparte.")}
            )
