"""Importing accounts and contacts (see :mod:`wattwerk.core.importing`)."""

from django.utils.translation import gettext as _

from wattwerk.core.importing import Column, Importer, Problem, RowConverter, model_errors, register

from .models import Account, AccountContact, Contact

MARKETING_COLUMNS = [
    Column("segment", "Segment"),
    Column("interests", "Interessen", lookup="name"),
    Column("channels", "Kanäle", lookup="name"),
    Column("consent", "Werbeeinwilligung"),
    Column("consent_date", "Einwilligung am"),
    Column("consent_source", "Einwilligung über"),
]


POSITION_COLUMNS = [Column("position", "Funktion"), Column("department", "Abteilung")]


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
        *POSITION_COLUMNS,
        Column("email", "E-Mail"),
        Column("phone", "Telefon"),
        Column("mobile", "Mobil"),
        *MARKETING_COLUMNS,
        Column("owner", "Verantwortlich", lookup="username"),
    ]

    def __init__(self, user, now):
        super().__init__(user, now)
        self.position_converter = RowConverter(AccountContact, POSITION_COLUMNS, user)

    def check_row(self, number, cells):
        """The contact, and its position and department at the accounts of the row."""
        at_accounts = {column: cell for column, cell in cells.items() if column in POSITION_COLUMNS}
        cells = {column: cell for column, cell in cells.items() if column not in POSITION_COLUMNS}
        contact, problems = super().check_row(number, cells)
        values, errors = self.position_converter.values(at_accounts)
        model_errors(AccountContact(**values), errors, exclude_also=("account", "contact"))
        problems += self.problems(number, errors, at_accounts, model=AccountContact)
        contact._import_position = {name: value for name, value in values.items() if value}
        if contact._import_position and not contact._import_links.get("accounts"):
            problems.append(
                Problem(
                    number,
                    _("Firmen"),
                    _("Funktion und Abteilung brauchen eine Firma in der Spalte „Firmen“."),
                )
            )
        return contact, problems

    def save(self, records: list, result) -> None:
        super().save(records, result)
        positions = {record.pk: record._import_position for record in records}
        ids = [pk for pk, values in positions.items() if values]
        for start in range(0, len(ids), 1000):
            links = list(AccountContact.objects.filter(contact_id__in=ids[start : start + 1000]))
            for link in links:
                for name, value in positions[link.contact_id].items():
                    setattr(link, name, value)
            AccountContact.objects.bulk_update(links, ["position", "department"], batch_size=1000)
