"""Importing leads with lines, accounts and contacts: the command, the dry run naming every bad
row and column, all or nothing, rights and field security."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wattwerk.core.history import verify_chain
from wattwerk.core.importing import CHUNK, get_importers
from wattwerk.core.models import ObjectChange
from wattwerk.customers.models import Account, Contact
from wattwerk.customers.tests.factories import AccountFactory
from wattwerk.energy.identifiers import with_check_digit
from wattwerk.sales import totals
from wattwerk.sales.models import Lead, LeadLine

pytestmark = pytest.mark.django_db

LEAD_HEADER = [
    "Lead-Nr.",
    "Firma",
    "Ort",
    "Nachname",
    "Quelle",
    "Kundentyp",
    "Menge",
    "Art",
    "Sparte",
    "MaLo-ID",
    "Lieferbeginn",
    "Lieferende",
    "Jahresmenge kWh",
    "Dienstleistung",
    "Wert EUR",
]


def lead_rows(count: int):
    for number in range(count):
        reference = f"L{number}"
        common = [
            reference,
            f"Interessent {number}",
            "Musterstadt",
            "Kühn",
            "Messe/Veranstaltung",
            "Gewerbe",
        ]
        malo = with_check_digit(f"7{number:09d}")
        yield [
            *common,
            "Potenzial",
            "Energie",
            "Strom",
            malo,
            "01.01.2027",
            "01.01.2029",
            "1.250.000",
            "",
            "",
        ]
        yield [
            *common,
            "Gesamtbedarf",
            "Dienstleistung",
            "",
            "",
            "",
            "",
            "",
            "PV-Anlage",
            "45.000,50",
        ]


def write_csv(path, header, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def importer_user(make_user):
    return make_user(
        "sales.read_lead",
        "sales.create_lead",
        "customers.read_account",
        "customers.create_account",
        "customers.read_contact",
        "customers.create_contact",
        "customers.read_customertype",
        "customers.read_industrycode",
        "customers.read_interest",
        "customers.read_channel",
        "energy.read_commodity",
        "energy.read_energyservice",
        "energy.read_pricemodel",
        "energy.read_deliverypoint",
        "access.read_user",
        username="importeur",
    )


def test_ten_thousand_leads_with_twenty_thousand_lines_through_the_command(tmp_path, importer_user):
    path = tmp_path / "leads.csv"
    write_csv(path, LEAD_HEADER, lead_rows(10_000))
    out = io.StringIO()
    call_command("import_records", "leads", str(path), "--user", "importeur", stdout=out)
    assert "Importiert: 10.000 Leads, 20.000 Leadzeilen." in out.getvalue()  # over twenty blocks
    assert Lead.objects.count() == 10_000
    assert LeadLine.objects.count() == 20_000
    lead = Lead.objects.get(company_name="Interessent 4711")
    assert lead.potential_kwh == Decimal(1_250_000)
    assert lead.totals["services_eur"] == {"demand": "45000.50"}
    assert lead.owner == importer_user
    assert totals.differences() == []
    assert ObjectChange.objects.filter(kind="create", object_id=str(lead.pk)).count() == 1
    assert ObjectChange.objects.filter(event="line_added", object_id=str(lead.pk)).count() == 2


def test_three_bad_rows_import_nothing_and_are_named(tmp_path, importer_user):
    rows = list(lead_rows(20))
    rows[4][9] = "12345678918"  # MaLo-ID with a wrong check digit (row 6 of the file)
    rows[10][12] = "viel"  # annual quantity that is no number (row 12)
    rows[22][5] = "Raumfahrt"  # a customer type that does not exist (row 24)
    path = tmp_path / "leads.csv"
    write_csv(path, LEAD_HEADER, rows)
    with pytest.raises(CommandError, match="3 Fehler in 40 Zeilen; nichts importiert"):
        call_command("import_records", "leads", str(path), "--user", "importeur", verbosity=0)
    assert not Lead.objects.exists()
    result = get_importers()["leads"](importer_user, None).run(path.open("rb"), dry_run=True)
    named = sorted((problem.row, problem.column) for problem in result.problems)
    assert named == [(6, "MaLo-ID"), (12, "Jahresmenge kWh"), (24, "Kundentyp")]
    assert "Prüfziffer falsch" in str(result.problems[0])


def test_a_problem_in_the_last_block_leaves_the_earlier_blocks_unwritten(tmp_path, importer_user):
    rows = list(lead_rows(CHUNK + 100))  # leads for two blocks
    rows[-2][5] = rows[-1][5] = "Raumfahrt"  # the last lead, read from its first row
    path = tmp_path / "leads.csv"
    write_csv(path, LEAD_HEADER, rows)
    history_before = ObjectChange.objects.count()
    result = get_importers()["leads"](importer_user, timezone.now()).run(path.open("rb"))
    assert [(problem.row, problem.column) for problem in result.problems] == [
        (len(rows), "Kundentyp")
    ]
    assert result.created == {}
    assert not Lead.objects.exists()
    assert not LeadLine.objects.exists()
    assert ObjectChange.objects.count() == history_before
    assert verify_chain().intact


def test_the_rows_of_a_lead_need_not_follow_each_other(tmp_path, importer_user):
    first, second = list(lead_rows(2))[0::2]  # the energy rows of L0 and L1
    service = list(lead_rows(1))[1]  # L0's service row, after L1's
    path = tmp_path / "leads.csv"
    write_csv(path, LEAD_HEADER, [first, second, service])
    result = get_importers()["leads"](importer_user, timezone.now()).run(path.open("rb"))
    assert result.created == {"leads": 2, "lines": 3}
    assert result.rows == 3
    kinds = {
        lead.company_name: sorted(lead.lines.values_list("kind", flat=True))
        for lead in Lead.objects.all()
    }
    assert kinds == {"Interessent 0": ["energy", "service"], "Interessent 1": ["energy"]}


def test_a_column_named_twice_is_refused(tmp_path, importer_user):
    path = tmp_path / "leads.csv"
    write_csv(path, [*LEAD_HEADER, "reference"], [[*row, "X1"] for row in lead_rows(2)])
    result = get_importers()["leads"](importer_user, timezone.now()).run(path.open("rb"))
    assert [(problem.row, problem.column, problem.message) for problem in result.problems] == [
        (1, "reference", "Diese Spalte steht schon einmal in der Kopfzeile.")
    ]
    assert not Lead.objects.exists()


def test_an_implausible_price_is_named_by_row_and_column(tmp_path, importer_user):
    header = [*LEAD_HEADER, "Preis ct/kWh"]
    rows = [[*row, ""] for row in lead_rows(3)]
    rows[0][-1] = "350"  # EUR/MWh in the ct/kWh column (row 2 of the file)
    rows[2][-1] = "-1,5"  # row 4
    rows[4][-1] = "12,75"  # plausible
    path = tmp_path / "leads.csv"
    write_csv(path, header, rows)
    result = get_importers()["leads"](importer_user, None).run(path.open("rb"))
    assert [(problem.row, problem.column) for problem in result.problems] == [
        (2, "Preis ct/kWh"),
        (4, "Preis ct/kWh"),
    ]
    assert "höchstens 200 ct/kWh" in str(result.problems[0])
    assert not Lead.objects.exists()


def test_accounts_from_xlsx_and_secured_columns_need_a_profile(
    tmp_path, importer_user, grant_fields
):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["Name", "Rechtsform", "Kundentyp", "Wirtschaftszweig", "USt-IdNr.", "Kreditlimit"]
    )
    sheet.append(["Gießerei Feuerstein", "GmbH", "Industrie", "24", "DE 136 695 976", 250000])
    path = tmp_path / "firmen.xlsx"
    workbook.save(path)
    with pytest.raises(CommandError) as refused:
        call_command("import_records", "accounts", str(path), "--user", "importeur", verbosity=0)
    assert "Kreditlimit: Kein Schreibrecht" in str(refused.value) or "Kreditlimit" in str(
        refused.value
    )
    assert not Account.objects.exists()
    grant_fields(importer_user, Account, "credit_limit", write=True)
    call_command("import_records", "accounts", str(path), "--user", "importeur", verbosity=0)
    account = Account.objects.get()
    assert (account.vat_id, account.industry.code, account.credit_limit) == (
        "DE136695976",
        "24",
        Decimal(250000),
    )


def test_contacts_linked_to_their_accounts(tmp_path, importer_user):
    AccountFactory(name="Molkerei Grünland")
    AccountFactory(name="Kühlhaus Nord")
    path = tmp_path / "kontakte.csv"
    write_csv(
        path,
        ["Anrede", "Vorname", "Nachname", "Firmen", "Funktion", "Abteilung", "Mobil"],
        [
            [
                "Frau",
                "Karla",
                "Kühn",
                "Molkerei Grünland | Kühlhaus Nord",
                "Energieeinkauf",
                "Einkauf",
                "0171 1234567",
            ],
            ["Herr", "Jan", "Berg", "Kühlhaus Nord", "", "", ""],
        ],
    )
    call_command("import_records", "contacts", str(path), "--user", "importeur", verbosity=0)
    contact = Contact.objects.get(last_name="Kühn")
    assert sorted(a.name for a in contact.accounts.all()) == ["Kühlhaus Nord", "Molkerei Grünland"]
    assert contact.mobile == "+49 171 1234567"
    assert {(link.position, link.department) for link in contact.positions.all()} == {
        ("Energieeinkauf", "Einkauf")
    }
    assert Contact.objects.get(last_name="Berg").positions.get().position == ""


def test_a_position_too_long_or_without_an_account_is_named(tmp_path, importer_user):
    AccountFactory(name="Kühlhaus Nord")
    path = tmp_path / "kontakte.csv"
    write_csv(
        path,
        ["Nachname", "Firmen", "Funktion"],
        [["Kühn", "Kühlhaus Nord", "x" * 101], ["Berg", "", "Einkauf"]],
    )
    with pytest.raises(CommandError) as error:
        call_command("import_records", "contacts", str(path), "--user", "importeur", verbosity=0)
    assert "Zeile 2, Funktion" in str(error.value)
    assert "Zeile 3, Firmen: Funktion und Abteilung brauchen eine Firma" in str(error.value)
    assert not Contact.objects.exists()


def test_without_the_create_privilege_nothing_is_imported(tmp_path, make_user):
    make_user("sales.read_lead", username="leser")
    path = tmp_path / "leads.csv"
    write_csv(path, LEAD_HEADER, lead_rows(1))
    with pytest.raises(CommandError, match="Recht, Leads anzulegen"):
        call_command("import_records", "leads", str(path), "--user", "leser", verbosity=0)
    assert not Lead.objects.exists()


def test_unknown_columns_are_named(tmp_path, importer_user):
    path = tmp_path / "leads.csv"
    write_csv(path, ["Firma", "Lieblingsfarbe"], [["Kühlhaus", "blau"]])
    result = get_importers()["leads"](importer_user, None).run(path.open("rb"), dry_run=True)
    assert [(p.row, p.column) for p in result.problems] == [(1, "Lieblingsfarbe")]
    assert io  # csv written as text; the importer reads bytes


def csv_upload(rows, name="leads.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(LEAD_HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode("utf-8"), "text/csv")


def test_the_import_page_checks_first_then_imports(client, importer_user, make_user):
    from django.urls import reverse

    client.force_login(importer_user)
    bad = list(lead_rows(3))
    bad[0][10] = "31.02.2027"
    answer = client.post(reverse("import"), {"type": "leads", "file": csv_upload(bad)})
    assert answer.status_code == 422
    page = answer.content.decode()
    assert 'data-row="2"' in page
    assert "Lieferbeginn" in page
    assert not Lead.objects.exists()

    answer = client.post(reverse("import"), {"type": "leads", "file": csv_upload(lead_rows(3))})
    assert answer.status_code == 200
    token = answer.context["token"]
    assert not Lead.objects.exists()  # the check saves nothing
    client.force_login(make_user("sales.read_lead", "sales.create_lead"))
    assert client.post(reverse("import"), {"token": token, "type": "leads"}).status_code == 404
    client.force_login(importer_user)
    done = client.post(reverse("import"), {"token": token, "type": "leads"}, follow=True)
    assert done.redirect_chain[0][1] == 302
    assert "Importiert: 3 Leads, 6 Leadzeilen." in done.content.decode()
    assert Lead.objects.count() == 3
    assert client.post(reverse("import"), {"token": token, "type": "leads"}).status_code == 404


def test_the_import_api(api_client, importer_user):
    api_client.force_authenticate(importer_user)
    bad = list(lead_rows(2))
    bad[2][12] = "-5"
    answer = api_client.post(
        "/api/v1/imports/leads/", {"file": csv_upload(bad)}, format="multipart"
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        {"row": 4, "field": "Jahresmenge kWh", "message": answer.json()["errors"][0]["message"]}
    ]
    dry = api_client.post(
        "/api/v1/imports/leads/",
        {"file": csv_upload(lead_rows(2)), "dry_run": "true"},
        format="multipart",
    )
    assert dry.json() == {"rows": 4, "created": {}, "dry_run": True}
    assert not Lead.objects.exists()
    done = api_client.post(
        "/api/v1/imports/leads/", {"file": csv_upload(lead_rows(2))}, format="multipart"
    )
    assert done.json()["created"] == {"leads": 2, "lines": 4}
    assert api_client.post("/api/v1/imports/raketen/", {}, format="multipart").status_code == 404
