"""Reference data of the energy market, shipped with the app and editable by administrators.

Commodities, energy services, market areas (control areas, the bidding zone, the gas market
area), balancing areas, network operators, load profiles, price models, the product catalogue,
and rates that change over time (taxes, levies), kept as time slices keyed by validity.
All of it is organisation data: no owner; roles grant it at "whole organisation".
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wattwerk.core.models import RecordModel
from wattwerk.core.querysets import RestrictedQuerySet

from . import identifiers
from .fields import EicField, MarketPartnerIdField
from .periods import YearKind


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
