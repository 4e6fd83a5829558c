"""The quote document: a German PDF whose text holds the number, every line's delivery point,
period, quantity and price, and the Bindefrist; sent to the contact through the outbox (a real
worker and SMTP server) and noted as an e-mail activity."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from wattwerk.activities.models import Activity
from wattwerk.core.tests.smtp import run_worker
from wattwerk.customers.models import AccountContact
from wattwerk.customers.tests.factories import ContactFactory
from wattwerk.energy.models import Commodity, EnergyService
from wattwerk.energy.tests.factories import DeliveryPointFactory
from wattwerk.quotes import documents, operations
from wattwerk.quotes.models import Quote

from .helpers import salesperson, seed_opportunity

BERLIN = ZoneInfo("Europe/Berlin")


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def binding(now) -> datetime:
    """A Bindefrist ahead of the run, in winter time: 3 December at noon of next year."""
    return datetime(now.year + 1, 12, 3, 12, 0, tzinfo=BERLIN)


def quote_with_two_points(owner, now):
    opportunity = seed_opportunity(owner, now)
    quote = operations.create_quote(
        quote=Quote(
            name="Strom 2027–2028 Werk Nord und Süd",
            opportunity=opportunity,
            binding_until=binding(now),
            payment_terms="14 Tage netto",
        ),
        take_lines=False,
        acting_user=owner,
        now=now,
    )
    strom = Commodity.objects.get(code="strom")
    points = [
        DeliveryPointFactory(commodity=strom, account=opportunity.account, name=name)
        for name in ("Werk Nord", "Werk Süd")
    ]
    for point, kwh, price, start, end in (
        (points[0], "1200000", "11.85", date(2027, 1, 1), date(2029, 1, 1)),
        (points[1], "350000", "13.2", date(2027, 4, 1), date(2028, 1, 1)),
    ):
        operations.add_line(
            parent=quote,
            values={
                "kind": "energy",
                "commodity": strom,
                "delivery_point": point,
                "annual_kwh": Decimal(kwh),
                "active_from": start,
                "active_to": end,
                "price_ct_kwh": Decimal(price),
                "base_price_eur_month": Decimal("35"),
            },
            acting_user=owner,
            now=now,
        )
    operations.add_line(
        parent=quote,
        values={
            "kind": "service",
            "service": EnergyService.objects.first(),
            "scope": Decimal("1"),
            "value_eur": Decimal("4800"),
        },
        acting_user=owner,
        now=now,
    )
    return Quote.objects.get(pk=quote.pk), points


@pytest.mark.django_db
def test_the_pdf_names_number_lines_and_bindefrist(now):
    owner = salesperson()
    quote, points = quote_with_two_points(owner, now)

    text = " ".join(text_of(documents.render_pdf(quote, now)).split())

    assert quote.number in text
    for point in points:
        assert f"{point.name} MaLo-ID {point.malo_id}" in text
    assert "01.01.2027 – 01.01.2029" in text
    assert "01.04.2027 – 01.01.2028" in text
    assert "1.200.000 kWh/a" in text
    assert "350.000 kWh/a" in text
    assert "Arbeitspreis 11,85 ct/kWh" in text
    assert "Arbeitspreis 13,20 ct/kWh" in text
    assert "Grundpreis 35,00 EUR/Monat" in text
    assert "Bindefrist" in text
    assert f"03.12.{now.year + 1}, 12:00 Uhr (MEZ)" in text
    assert "14 Tage netto" in text
    total = f"{quote.total_eur:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert total in text


@pytest.mark.django_db
def test_the_pdf_through_page_and_api(client, api_client, now):
    owner = salesperson()
    quote, _points = quote_with_two_points(owner, now)
    client.force_login(owner)
    page = client.get(f"/quotes/{quote.pk}/document.pdf")
    assert page["Content-Type"] == "application/pdf"
    assert quote.number in text_of(page.content)
    api_client.force_authenticate(owner)
    answer = api_client.get(f"/api/v1/quotes/{quote.pk}/pdf/")
    assert answer.status_code == 200
    assert quote.number in text_of(answer.content)


@pytest.mark.django_db(transaction=True)
def test_sending_mails_the_pdf_once_and_notes_an_email_activity(
    reference_data, smtp_server, tmp_path, now
):
    owner = salesperson()
    quote, _points = quote_with_two_points(owner, now)
    contact = ContactFactory(owner=owner, email="einkauf@kunde.example")
    AccountContact.objects.create(account=quote.account, contact=contact)
    Quote.objects.filter(pk=quote.pk).update(contact=contact)
    quote = Quote.objects.get(pk=quote.pk)

    sent = operations.send_quote(quote=quote, acting_user=owner, now=now)

    assert sent.status == "active"  # a draft is given on the way
    run_worker(smtp_server, tmp_path, "--batch")
    run_worker(smtp_server, tmp_path, "--batch")
    (message,) = smtp_server.messages
    assert message["To"] == "einkauf@kunde.example"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == f"Angebot-{quote.number}.pdf"
    assert quote.number in text_of(attachment.get_content())
    activity = Activity.objects.get(kind="email", regarding_id=quote.pk)
    assert activity.status == "completed"
    assert list(activity.contacts.all()) == [contact]


@pytest.mark.django_db
def test_sending_without_an_address_says_so(api_client, now):
    owner = salesperson()
    quote, _points = quote_with_two_points(owner, now)
    api_client.force_authenticate(owner)
    refused = api_client.post(f"/api/v1/quotes/{quote.pk}/send/", {}, format="json")
    assert refused.status_code == 400
    assert "E-Mail-Adresse" in str(refused.json())
    assert Quote.objects.get(pk=quote.pk).status == "draft"
