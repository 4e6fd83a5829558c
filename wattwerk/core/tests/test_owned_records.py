"""The generic machinery on an owned record type (the test-only ``sample.Note``)."""

from decimal import Decimal

import factory
import pytest
from django.utils import timezone

from wattwerk.access.tests.factories import DepartmentFactory, UserFactory
from wattwerk.core import operations
from wattwerk.core.testing import RecordTypeSuite, history
from wattwerk.core.tests.sample.models import Note


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    title = factory.Sequence(lambda n: f"Notiz {n}")
    amount = Decimal("1234.50")
    owner = factory.SubFactory(UserFactory)


class TestNoteRecords(RecordTypeSuite):
    slug = "notes"
    factory = NoteFactory
    api_path = "/api/v1/notes/"
    change_field = "title"
    change_value = "Rückruf Stadtwerke Beispielstadt"
    bad_field = ("amount", "viel")
    related_permissions = ("access.view_user", "access.view_department")
    secured_values = {"rating": ("BONI-AAA-7Q3X", "BONI-CCC-9Z1Y")}

    def valid_form_data(self):
        return {"title": "Angebot nachfassen", "amount": "1.500,25"}

    def form_values_of(self, record):
        return {"title": record.title, "amount": "1.234,50", "owner": record.owner_id}

    def valid_api_data(self):
        return {"title": "Angebot nachfassen", "amount": "1500.25"}


@pytest.mark.django_db
def test_new_record_belongs_to_its_creator_and_their_department(make_user):
    user = make_user("sample.create_note", department=DepartmentFactory(name="Geschäftskunden"))
    note = operations.create_record(
        instance=Note(title="Lastgang anfordern"), acting_user=user, now=timezone.now()
    )
    assert note.owner == user
    assert note.owning_department.name == "Geschäftskunden"


@pytest.mark.django_db
def test_owning_department_follows_the_owner(make_user):
    sales, credit = DepartmentFactory(name="Vertrieb"), DepartmentFactory(name="Kreditmanagement")
    seller = make_user(
        "sample.create_note", "sample.write_note", "sample.assign_note", department=sales
    )
    analyst = make_user(department=credit)
    note = operations.create_record(
        instance=Note(title="Bonität prüfen"), acting_user=seller, now=timezone.now()
    )

    note.owner = analyst
    changes = operations.update_record(instance=note, acting_user=seller, now=timezone.now())

    note.refresh_from_db()
    assert note.owning_department == credit
    assert changes["owning_department"]["old_label"] == "Vertrieb"
    assert changes["owning_department"]["new_label"] == "Kreditmanagement"
    assert history(note)[-1].user == seller


@pytest.mark.django_db
def test_form_offers_the_creator_as_owner_and_takes_german_numbers(client, make_user):
    user = make_user("sample.view_note", "sample.add_note", "access.view_user")
    client.force_login(user)
    form = client.get("/notes/add/").context["form"]
    assert form.initial["owner"] == user.pk

    response = client.post(
        "/notes/add/", {"title": "Abschlag", "amount": "12.345,67", "owner": user.pk}
    )
    assert response.status_code == 302
    assert Note.objects.get(title="Abschlag").amount == Decimal("12345.67")


@pytest.mark.django_db
def test_history_is_formatted_in_the_readers_language(client, make_user):
    user = make_user("sample.view_note", "sample.change_note")
    note = NoteFactory(title="Abschlag", amount=Decimal("1234.50"), owner=user)
    note.amount = Decimal("98765.40")
    operations.update_record(instance=note, acting_user=user, now=timezone.now())
    client.force_login(user)

    german = client.get(f"/notes/{note.pk}/history/").content.decode()
    assert "1.234,50" in german
    assert "98.765,40" in german

    client.post("/i18n/setlang/", {"language": "en"})
    english = client.get(f"/notes/{note.pk}/history/").content.decode()
    assert "1,234.50" in english
    assert "98,765.40" in english
