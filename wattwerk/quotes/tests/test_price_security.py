"""The prices of quote lines are field-secured: the Preisbildung writes them, whoever holds a
read profile sees them, and everyone else sees the quote without them — on its pages, in its
history and comparison, in the API; the document, which shows them all, is refused to them."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wattwerk.access.models import FieldPermission
from wattwerk.access.operations import secured_field_rows
from wattwerk.access.tests.factories import UserFactory
from wattwerk.core.checks import secured_parts_exist
from wattwerk.core.querysets import field_rights
from wattwerk.quotes import operations
from wattwerk.quotes.models import Quote, QuoteLine

from .helpers import later, salesperson, seed_opportunity

pytestmark = pytest.mark.django_db

PRICE = Decimal("7.3456")  # ct/kWh, shown as "7,3456"
SHOWN = "7,3456"
PRICES = set(QuoteLine.secured_fields)
PRICES_IN_ORDER = QuoteLine.secured_fields


def draft(owner, now, price=PRICE) -> Quote:
    """A draft from the seed opportunity, its one line priced by the system (the demo loader,
    an import)."""
    quote = operations.quote_from_opportunity(
        opportunity=seed_opportunity(owner, now),
        name="Strom 2027",
        binding_until=later(now),
        acting_user=owner,
        now=now,
    )
    operations.change_line(
        line=quote.lines.get(), values={"price_ct_kwh": price}, acting_user=None, now=now
    )
    return quote


def colleague(prices: str):
    """Someone of the sales team who may read and change the quote, with ``prices`` access."""
    return salesperson(prices=prices)


# --- rights and operations -----------------------------------------------------------------


def test_without_a_profile_the_prices_are_hidden_and_with_read_read_only():
    assert field_rights(colleague("none"), QuoteLine).hidden == PRICES
    reader = field_rights(colleague("read"), QuoteLine)
    assert (reader.hidden, reader.read_only) == (set(), PRICES)
    writer = field_rights(colleague("write"), QuoteLine)
    assert (writer.hidden, writer.read_only) == (set(), set())
    assert field_rights(UserFactory(is_superuser=True), QuoteLine).hidden == set()


def test_a_line_with_a_price_is_refused_without_write_and_nothing_is_written(now):
    reader = colleague("read")
    quote = draft(reader, now)
    values = {
        "kind": "energy",
        "commodity": quote.lines.get().commodity,
        "annual_kwh": Decimal("500000"),
        "active_from": quote.lines.get().active_from,
        "active_to": quote.lines.get().active_to,
    }
    with pytest.raises(ValidationError) as refused:
        operations.add_line(
            parent=quote, values={**values, "price_ct_kwh": PRICE}, acting_user=reader, now=now
        )
    assert "Arbeitspreis (ct/kWh)" in refused.value.message_dict["price_ct_kwh"][0]
    assert quote.lines.count() == 1
    # without a price the line is added; the Preisbildung prices it later
    line = operations.add_line(parent=quote, values=values, acting_user=reader, now=now)
    assert line.price_ct_kwh is None


def test_a_price_is_kept_when_a_reader_changes_the_quantity_and_refused_when_they_change_it(now):
    reader = colleague("read")
    quote = draft(reader, now)
    line = quote.lines.get()
    operations.change_line(
        line=line, values={"annual_kwh": Decimal("9000000")}, acting_user=reader, now=now
    )
    with pytest.raises(ValidationError) as refused:
        operations.change_line(
            line=QuoteLine.objects.get(pk=line.pk),
            values={"price_ct_kwh": Decimal("5")},
            acting_user=reader,
            now=now,
        )
    assert "price_ct_kwh" in refused.value.message_dict
    stored = QuoteLine.objects.get(pk=line.pk)
    assert (stored.annual_kwh, stored.price_ct_kwh) == (Decimal("9000000"), PRICE)
    writer = colleague("write")
    operations.change_line(
        line=stored, values={"price_ct_kwh": Decimal("5")}, acting_user=writer, now=now
    )
    assert QuoteLine.objects.get(pk=line.pk).price_ct_kwh == Decimal("5")


def test_a_quote_from_the_opportunity_takes_the_potential_price_only_for_a_writer(now):
    for prices, expected in (("write", Decimal("6.5")), ("read", None)):
        owner = colleague(prices)
        opportunity = seed_opportunity(owner, now)
        opportunity.lines.filter(line_set="potential").update(price_ct_kwh=Decimal("6.5"))
        quote = operations.quote_from_opportunity(
            opportunity=opportunity, name="Strom", acting_user=owner, now=now
        )
        assert quote.lines.get().price_ct_kwh == expected


def test_a_revision_keeps_the_prices_whoever_revises(now):
    reader = colleague("read")
    quote = draft(reader, now)
    operations.activate_quote(quote=quote, acting_user=None, now=now)
    revision = operations.revise_quote(quote=quote, acting_user=reader, now=now)
    assert revision.lines.get().price_ct_kwh == PRICE


# --- pages ---------------------------------------------------------------------------------


def test_the_lines_tab_shows_no_price_without_read_and_offers_no_price_field(client, now):
    stranger = colleague("none")
    quote = draft(stranger, now)
    client.force_login(stranger)
    page = client.get(reverse("quotes_lines", args=[quote.pk])).content.decode()
    assert SHOWN not in page
    assert "verborgen" in page
    assert 'id="line-form"' in page
    assert 'name="price_ct_kwh"' not in page
    assert 'name="annual_kwh"' in page


def test_a_reader_sees_the_price_but_cannot_post_one(client, now):
    reader = colleague("read")
    quote = draft(reader, now)
    client.force_login(reader)
    url = reverse("quotes_lines", args=[quote.pk])
    page = client.get(url).content.decode()
    assert SHOWN in page
    assert "verborgen" not in page
    line = quote.lines.get()
    response = client.post(
        url,
        {
            "line": line.pk,
            "kind": "energy",
            "commodity": line.commodity_id,
            "annual_kwh": "10.000.000",
            "active_from": "2027-01-01",
            "active_to": "2028-01-01",
            "price_ct_kwh": "3,1",
        },
    )
    assert response.status_code == 422
    assert "Sie dürfen das Feld „Arbeitspreis (ct/kWh)“ nicht ändern" in response.content.decode()
    assert QuoteLine.objects.get(pk=line.pk).price_ct_kwh == PRICE


def test_the_document_is_refused_without_read_on_the_prices(client, now):
    stranger = colleague("none")
    quote = draft(stranger, now)
    client.force_login(stranger)
    decide = client.get(reverse("quotes_decide", args=[quote.pk])).content.decode()
    assert 'id="quote-pdf-hidden"' in decide
    assert 'id="send-form"' not in decide
    response = client.get(reverse("quotes_document", args=[quote.pk]))
    assert response.status_code == 403
    sent = client.post(reverse("quotes_send", args=[quote.pk]), {"recipient": "ich@example.com"})
    assert sent.status_code == 403
    assert "Leserecht auf Arbeitspreis (ct/kWh)" in sent.content.decode()
    with pytest.raises(PermissionDenied, match="Arbeitspreis"):
        operations.send_quote(
            quote=quote, acting_user=stranger, now=now, recipient="einkauf@example.com"
        )
    assert Quote.objects.get(pk=quote.pk).status == Quote.Status.DRAFT


def test_history_and_comparison_show_that_a_price_changed_but_not_the_price(
    client, api_client, now
):
    stranger = colleague("none")
    quote = draft(stranger, now)
    operations.activate_quote(quote=quote, acting_user=None, now=now)
    revision = operations.revise_quote(quote=quote, acting_user=None, now=now)
    line = revision.lines.get()
    operations.change_line(
        line=line, values={"price_ct_kwh": Decimal("6.1")}, acting_user=None, now=now
    )
    client.force_login(stranger)
    for name in ("history", "timeline"):
        page = client.get(reverse(f"quotes_{name}", args=[revision.pk])).content.decode()
        assert "Zeile geändert" in page
        for shown in (SHOWN, str(PRICE), "6,1", "6.1"):
            assert shown not in page
    page = client.get(reverse("quotes_history", args=[quote.pk])).content.decode()
    assert str(PRICE) not in page  # the line's first price, set on the draft
    page = client.get(reverse("quotes_revisions", args=[revision.pk])).content.decode()
    assert "Arbeitspreis (ct/kWh)" in page
    assert "verborgen" in page
    assert SHOWN not in page
    api_client.force_authenticate(stranger)
    compared = api_client.get(f"/api/v1/quotes/{revision.pk}/compare/1/").json()
    [change] = compared["lines"]
    assert ["Arbeitspreis (ct/kWh)", "verborgen", "verborgen"] in change["fields"]

    reader = colleague("read")
    client.force_login(reader)
    page = client.get(reverse("quotes_revisions", args=[revision.pk])).content.decode()
    assert SHOWN in page
    assert "6,1" in page
    page = client.get(reverse("quotes_history", args=[revision.pk])).content.decode()
    assert "6.1" in page  # the event's data as stored


def test_the_access_tab_names_the_price_fields_of_the_lines(client, api_client, now):
    stranger = colleague("none")
    quote = draft(stranger, now)
    client.force_login(stranger)
    page = client.get(reverse("quotes_access", args=[quote.pk])).content.decode()
    assert "Angebotszeilen · Arbeitspreis (ct/kWh)" in page
    assert "verborgen" in page
    reader = colleague("read")
    client.force_login(reader)
    api_client.force_authenticate(reader)
    page = client.get(reverse("quotes_access", args=[quote.pk])).content.decode()
    assert "nur lesen" in page
    reasons = api_client.get(f"/api/v1/quotes/{quote.pk}/access/").json()
    fields = {r["field"] for r in reasons if r["source"] == "field_profile"}
    assert fields == {f"lines.{name}" for name in PRICES}


# --- API -----------------------------------------------------------------------------------


def test_the_api_leaves_the_prices_out_without_read_and_refuses_them_without_write(api_client, now):
    stranger = colleague("none")
    quote = draft(stranger, now)
    api_client.force_authenticate(stranger)
    url = f"/api/v1/quotes/{quote.pk}/lines/"
    [line] = api_client.get(url).json()
    assert PRICES.isdisjoint(line)
    assert Decimal(line["amount_eur"]) > 0  # the amount stays, as the quote's total does
    values = {
        "kind": "energy",
        "commodity": line["commodity"],
        "annual_kwh": "1000",
        "active_from": "2027-01-01",
        "active_to": "2028-01-01",
    }
    refused = api_client.post(url, {**values, "price_ct_kwh": "5.0"}, format="json")
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["errors"]] == ["price_ct_kwh"]
    assert quote.lines.count() == 1
    added = api_client.post(url, values, format="json")
    assert added.status_code == 201
    assert PRICES.isdisjoint(added.json())
    changed = api_client.patch(f"{url}{added.json()['id']}/", {"annual_kwh": "2000"}, format="json")
    assert changed.status_code == 200
    assert PRICES.isdisjoint(changed.json())
    pdf = api_client.get(f"/api/v1/quotes/{quote.pk}/pdf/")
    assert pdf.status_code == 403
    assert "Arbeitspreis" in pdf.json()["detail"]

    reader = colleague("read")
    api_client.force_authenticate(reader)
    line = api_client.get(url).json()[0]
    assert Decimal(line["price_ct_kwh"]) == PRICE
    line_url = f"{url}{line['id']}/"
    echoed = api_client.patch(line_url, {"price_ct_kwh": line["price_ct_kwh"]}, format="json")
    assert echoed.status_code == 200
    changed = api_client.patch(line_url, {"price_ct_kwh": "4.2"}, format="json")
    assert changed.status_code == 400
    assert QuoteLine.objects.get(pk=line["id"]).price_ct_kwh == PRICE

    writer = colleague("write")
    api_client.force_authenticate(writer)
    assert api_client.patch(line_url, {"price_ct_kwh": "4.2"}, format="json").status_code == 200
    assert QuoteLine.objects.get(pk=line["id"]).price_ct_kwh == Decimal("4.2")


# --- the field matrix ----------------------------------------------------------------------


def test_the_field_matrix_lists_the_prices_of_the_lines_under_quotes(api_client, now):
    rows = [row for row in secured_field_rows() if row.model is QuoteLine]
    assert [row.api_field for row in rows] == [f"lines.{name}" for name in PRICES_IN_ORDER]
    assert rows[0].label == "Angebotszeilen · Arbeitspreis (ct/kWh)"

    admin = UserFactory(is_superuser=True)
    api_client.force_authenticate(admin)
    profile = api_client.post("/api/v1/field-profiles/", {"name": "Preise"}, format="json").json()
    url = f"/api/v1/field-profiles/{profile['id']}/fields/"
    entry = {"record_type": "quotes", "field": "lines.price_ct_kwh", "access": "write"}
    assert api_client.put(url, [entry], format="json").status_code == 200
    permission = FieldPermission.objects.get(profile_id=profile["id"])
    assert permission.content_type == ContentType.objects.get_for_model(QuoteLine)
    assert (permission.field_name, permission.can_write) == ("price_ct_kwh", True)
    shown = {row["field"]: row["access"] for row in api_client.get(url).json()}
    assert shown["lines.price_ct_kwh"] == "write"
    assert shown["lines.value_eur"] == "none"

    wrong = api_client.put(url, [{**entry, "field": "lines.annual_kwh"}], format="json")
    assert wrong.status_code == 400
    assert "kein feldgesichertes Feld" in wrong.json()["detail"]


def test_the_system_check_catches_a_wrong_secured_part(monkeypatch):
    assert secured_parts_exist() == []
    monkeypatch.setattr(Quote, "secured_parts", ("lines", "group"))  # a relation to one row
    [error] = secured_parts_exist()
    assert error.id == "wattwerk.E003"
    assert "'group'" in error.msg
    monkeypatch.setattr(QuoteLine, "secured_fields", ())  # child rows that secure nothing
    assert [error.id for error in secured_parts_exist()] == ["wattwerk.E003", "wattwerk.E003"]


def test_the_api_schema_documents_the_line_prices_as_secured(api_client):
    api_client.force_authenticate(UserFactory(is_superuser=True))
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    line = schema["components"]["schemas"]["QuoteLine"]["properties"]
    assert "Feldgesichert" in line["price_ct_kwh"]["description"]
    assert "amount_eur" in line
    operation = schema["paths"]["/api/v1/quotes/{id}/lines/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/QuoteLineRequest")
