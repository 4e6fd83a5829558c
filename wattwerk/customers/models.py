"""Customers: accounts (Firmen) and contacts (Ansprechpartner), with the editable lists they use
(customer types, industry codes, marketing interests and channels).

Credit standing and commercial data are secured fields: only a field security profile (e.g.
Kreditmanagement) shows or changes them. Securities an account provides, its delivery points and
its totals hang off the account; leads and opportunities (the sales app) point to it.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wattwerk.activities.models import ActivityLinks
from wattwerk.core.models import OwnedModel, RecordModel

from .fields import IbanField, PhoneField, VatIdField
from .securities import SecuritiesField

POSTCODE = RegexValidator(r"^\d{5}$", _("Die Postleitzahl hat fünf Ziffern."), code="postcode")
ENERGY_PLACES = {"max_digits": 18, "decimal_places": 3}
MONEY_PLACES = {"max_digits": 16, "decimal_places": 2}


class TotalsFields(models.Model):
    """Stored totals of what a record is about (for accounts, leads, opportunities): kept right
    by the sales operations in the same transaction as the change (``wattwerk.sales.totals``)."""

    potential_kwh = models.DecimalField(
        _("Energiepotenzial (kWh/a)"), default=Decimal(0), editable=False, **ENERGY_PLACES
    )
    demand_kwh = models.DecimalField(
        _("Gesamtbedarf (kWh/a)"), default=Decimal(0), editable=False, **ENERGY_PLACES
    )
    services_eur = models.DecimalField(
        _("Dienstleistungspotenzial (EUR)"), default=Decimal(0), editable=False, **MONEY_PLACES
    )
    revenue_eur = models.DecimalField(
        _("Umsatzpotenzial (EUR)"),
        default=Decimal(0),
        editable=False,
        help_text=_("Potenzial über den Lieferzeitraum: Menge × Preis, dazu die Dienstleistungen"),
        **MONEY_PLACES,
    )
    totals = models.JSONField(
        _("Summen je Sparte und Lieferjahr"), default=dict, editable=False, blank=True
    )

    changelog_exclude = ("potential_kwh", "demand_kwh", "services_eur", "revenue_eur", "totals")

    class Meta:
        abstract = True


class CustomerType(RecordModel):
    """Stadtwerk/Weiterverteiler, Industrie, Gewerbe, … (an editable list)."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Kundentyp")
        verbose_name_plural = _("Kundentypen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IndustryCode(RecordModel):
    """One code of an industry classification (WZ 2008: sections and divisions shipped)."""

    system = models.CharField(_("Klassifikation"), max_length=20, default="WZ")
    version = models.CharField(_("Version"), max_length=10, default="2008")
    code = models.CharField(_("Code"), max_length=10)
    title = models.CharField(_("Bezeichnung"), max_length=250)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("Wirtschaftszweig")
        verbose_name_plural = _("Wirtschaftszweige")
        ordering = ["system", "version", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "version", "code"], name="industry_code_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class Interest(RecordModel):
    """A marketing interest (Ökostrom, Photovoltaik, E-Mobilität, …)."""

    name = models.CharField(_("Name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("Interesse")
        verbose_name_plural = _("Interessen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Channel(RecordModel):
    """A way to reach a customer (E-Mail, Telefon, Brief, Besuch, …)."""

    name = models.CharField(_("Name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("Kanal")
        verbose_name_plural = _("Kanäle")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Segment(models.TextChoices):
    A = "A", _("A – Schlüsselkunde")
    B = "B", _("B – Kernkunde")
    C = "C", _("C – Standardkunde")


class MarketingAttributes(models.Model):
    """What marketing knows and may do: segment, interests, channels, advertising consent."""

    segment = models.CharField(_("Segment"), max_length=1, choices=Segment.choices, blank=True)
    interests = models.ManyToManyField(
        Interest, verbose_name=_("Interessen"), blank=True, related_name="+"
    )
    channels = models.ManyToManyField(
        Channel, verbose_name=_("bevorzugte Kanäle"), blank=True, related_name="+"
    )
    consent = models.BooleanField(_("Werbeeinwilligung"), default=False)
    consent_date = models.DateField(_("Einwilligung am"), null=True, blank=True)
    consent_source = models.CharField(
        _("Einwilligung über"),
        max_length=100,
        blank=True,
        help_text=_("z. B. Vertragsformular, Messe, Website"),
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.consent and not (self.consent_date and self.consent_source):
            missing = {}
            if not self.consent_date:
                missing["consent_date"] = _("Bei einer Einwilligung: wann sie erteilt wurde.")
            if not self.consent_source:
                missing["consent_source"] = _("Bei einer Einwilligung: wie sie erteilt wurde.")
            raise ValidationError(missing)


class LegalForm(models.TextChoices):
    GMBH = "GmbH", "GmbH"
    GMBH_CO_KG = "GmbH & Co. KG", "GmbH & Co. KG"
    AG = "AG", "AG"
    SE = "SE", "SE"
    KG = "KG", "KG"
    OHG = "OHG", "OHG"
    UG = "UG (haftungsbeschränkt)", "UG (haftungsbeschränkt)"
    GBR = "GbR", "GbR"
    EK = "e. K.", "e. K."
    EG = "eG", "eG"
    EV = "e. V.", "e. V."
    AOER = "AöR", _("AöR (Anstalt des öffentlichen Rechts)")
    KOER = "KdöR", _("KdöR (Körperschaft des öffentlichen Rechts)")
    EIGENBETRIEB = "Eigenbetrieb", _("Eigenbetrieb")
    ZWECKVERBAND = "Zweckverband", _("Zweckverband")
    GEBIETSKOERPERSCHAFT = "Gebietskörperschaft", _("Gebietskörperschaft")
    STIFTUNG = "Stiftung", _("Stiftung")
    OTHER = "sonstige", _("sonstige")


class RatingSystem(models.TextChoices):
    CREDITREFORM = "creditreform", _("Creditreform Bonitätsindex (100–600)")
    CREDITSAFE = "creditsafe", _("Creditsafe Score (0–100)")
    CRIF = "crif", _("CRIF Bürgel Score")
    DNB = "dnb", _("Dun & Bradstreet")
    SCHUFA = "schufa", _("SCHUFA B2B")
    AGENCY = "agency", _("Ratingagentur (S&P, Moody's, Fitch)")
    INTERNAL = "internal", _("interne Ratingklasse")


class Account(OwnedModel, MarketingAttributes, TotalsFields, ActivityLinks, RecordModel):
    """A Firma: a customer or prospect company, possibly part of a group (parent account)."""

    secured_fields = (
        "rating_system",
        "credit_score",
        "rating_date",
        "credit_limit",
        "debtor_number",
        "creditor_number",
        "payment_terms",
        "iban",
        "securities",
    )

    name = models.CharField(_("Name"), max_length=200)
    legal_form = models.CharField(
        _("Rechtsform"), max_length=30, choices=LegalForm.choices, blank=True
    )
    customer_type = models.ForeignKey(
        CustomerType,
        verbose_name=_("Kundentyp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Muttergesellschaft"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidiaries",
    )
    industry = models.ForeignKey(
        IndustryCode,
        verbose_name=_("Wirtschaftszweig"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    vat_id = VatIdField(_("USt-IdNr."), blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=150, blank=True)
    postcode = models.CharField(_("PLZ"), max_length=5, blank=True, validators=[POSTCODE])
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    billing_street = models.CharField(
        _("Rechnungsanschrift: Straße oder Postfach"), max_length=150, blank=True
    )
    billing_postcode = models.CharField(
        _("Rechnungsanschrift: PLZ"), max_length=5, blank=True, validators=[POSTCODE]
    )
    billing_city = models.CharField(_("Rechnungsanschrift: Ort"), max_length=100, blank=True)
    phone = PhoneField(_("Telefon"), blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    website = models.URLField(_("Website"), blank=True)

    rating_system = models.CharField(
        _("Ratingsystem"), max_length=20, choices=RatingSystem.choices, blank=True
    )
    credit_score = models.DecimalField(
        _("Bonitätswert"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    rating_date = models.DateField(_("Ratingdatum"), null=True, blank=True)
    credit_limit = models.DecimalField(
        _("Kreditlimit (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    debtor_number = models.CharField(_("Debitorennummer"), max_length=20, blank=True)
    creditor_number = models.CharField(_("Kreditorennummer"), max_length=20, blank=True)
    payment_terms = models.CharField(
        _("Zahlungsbedingungen"), max_length=100, blank=True, help_text=_("z. B. 14 Tage netto")
    )
    iban = IbanField(_("IBAN"), blank=True)
    securities = SecuritiesField(_("gestellte Sicherheiten"), kind="provided")

    class Meta(OwnedModel.Meta):
        verbose_name = _("Firma")
        verbose_name_plural = _("Firmen")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="account_name"),
            # The key accounts (segment A, a few hundred of 150,000) by name.
            models.Index(fields=["segment", "name"], name="account_segment"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.legal_form}".strip()

    def clean(self) -> None:
        super().clean()
        if self.pk and self.parent_id:
            ancestor, seen = self.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.pk:
                    raise ValidationError(
                        {"parent": _("Eine Firma kann nicht unter sich selbst hängen.")}
                    )
                seen.add(ancestor.pk)
                ancestor = ancestor.parent


class Salutation(models.TextChoices):
    FRAU = "Frau", _("Frau")
    HERR = "Herr", _("Herr")
    DIVERS = "divers", _("divers")


class Contact(OwnedModel, MarketingAttributes, RecordModel):
    """An Ansprechpartner: a person at one or more accounts."""

    salutation = models.CharField(
        _("Anrede"), max_length=10, choices=Salutation.choices, blank=True
    )
    title = models.CharField(_("Titel"), max_length=30, blank=True, help_text=_("z. B. Dr."))
    first_name = models.CharField(_("Vorname"), max_length=100, blank=True)
    last_name = models.CharField(_("Nachname"), max_length=100)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = PhoneField(_("Telefon"), blank=True)
    mobile = PhoneField(_("Mobil"), blank=True)
    accounts = models.ManyToManyField(
        Account,
        verbose_name=_("Firmen"),
        through="AccountContact",
        blank=True,
        related_name="contacts",
    )

    class Meta(OwnedModel.Meta):
        verbose_name = _("Kontakt")
        verbose_name_plural = _("Kontakte")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["last_name", "first_name"], name="contact_name")]

    def __str__(self) -> str:
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)


class AccountContact(models.Model):
    """A contact at an account: position (Funktion) and department there."""

    account = models.ForeignKey(
        Account, verbose_name=_("Firma"), on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("Kontakt"), on_delete=models.CASCADE, related_name="positions"
    )
    position = models.CharField(_("Funktion"), max_length=100, blank=True)
    department = models.CharField(_("Abteilung"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("Kontakt einer Firma")
        verbose_name_plural = _("Kontakte der Firmen")
        constraints = [
            models.UniqueConstraint(fields=["account", "contact"], name="account_contact_once")
        ]

    def __str__(self) -> str:
        return f"{self.contact} ({self.account})"
