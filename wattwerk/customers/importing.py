"""Importing accounts and contacts (see :mod:`wattwerk.core.importing`)."""

from wattwerk.core.importing import Column, Importer, register

from .models import Account, Contact

MARKETING_COLUMNS = [
    Column("segment", "Segment"),
    Column("interests", "Interessen", lookup="name"),
    Column("channels", "Kanäle", lookup="name"),
    Column("consent", "Werbeeinwilligung"),
    Column("consent_date", "Einwilligung am"),
    Column("consent_source", "Einwilligung über"),
]


@register
class AccountImporter(Importer):
    model = Account
    slug = "accounts"
    columns = [
        Column("name", "Name"),
        Column("legal_form", "Rechtsform"),
        Column("customer_type", "Kundentyp", lookup="name"),
        Column("parent", "Muttergesellschaft", lookup="name"),
        Column("industry", "Wirtschaftszweig", lookup="code"),
        Column("vat_id", "USt-IdNr."),
        Column("street", "Straße"),
        Column("postcode", "PLZ"),
        Column("city", "Ort"),
        Column("billing_street", "Rechnungsanschrift Straße"),
        Column("billing_postcode", "Rechnungsanschrift PLZ"),
        Column("billing_city", "Rechnungsanschrift Ort"),
        Column("phone", "Telefon"),
        Column("email", "E-Mail"),
        Column("website", "Website"),
        *MARKETING_COLUMNS,
        Column("rating_system", "Ratingsystem"),
        Column("credit_score", "Bonitätswert"),
        Column("rating_date", "Ratingdatum"),
        Column("credit_limit", "Kreditlimit"),
        Column("debtor_number", "Debitorennummer"),
        Column("creditor_number", "Kreditorennummer"),
        Column("payment_terms", "Zahlungsbedingungen"),
        Column("iban", "IBAN"),
        Column("owner", "Verantwortlich", lookup="username"),
    ]


@register
class ContactImporter(Importer):
    model = Contact
    slug = "contacts"
    columns = [
        Column("salutation", "Anrede"),
        Column("title", "Titel"),
        Column("first_name", "Vorname"),
        Column("last_name", "Nachname"),
        Column("accounts", "Firmen", lookup="name"),
        Column("email", "E-Mail"),
        Column("phone", "Telefon"),
        Column("mobile", "Mobil"),
        *MARKETING_COLUMNS,
        Column("owner", "Verantwortlich", lookup="username"),
    ]
