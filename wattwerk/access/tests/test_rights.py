"""Roles with depth, owner teams and shares, as seen through ``restrict``."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wattwerk.access.models import Depth, Share
from wattwerk.core import operations
from wattwerk.core.querysets import Action
from wattwerk.core.tests.sample.models import Note

from .factories import DepartmentFactory, TeamFactory, UserFactory, role_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    """Stadtwerke → Vertrieb → Geschäftskunden; Stadtwerke → Kreditmanagement."""
    root = DepartmentFactory(name="Stadtwerke", code="swm")
    sales = DepartmentFactory(name="Vertrieb", code="vertrieb", parent=root)
    business = DepartmentFactory(name="Geschäftskunden", code="gk", parent=sales)
    credit = DepartmentFactory(name="Kreditmanagement", code="kredit", parent=root)
    return root, sales, business, credit


def user_with(department, *privileges, **fields):
    user = UserFactory(department=department, **fields)
    if privileges:
        user.roles.add(role_with(*privileges))
    return user


def note(owner=None, team=None, title="Notiz"):
    return Note.objects.create(title=title, owner=owner, owner_team=team)


def visible(user, action=Action.READ):
    return set(Note.objects.restrict(user, action).values_list("title", flat=True))


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        (Depth.NONE, set()),
        (Depth.OWN, {"meine"}),
        (Depth.DEPARTMENT, {"meine", "Vertrieb"}),
        (Depth.DEPARTMENT_TREE, {"meine", "Vertrieb", "Geschäftskunden"}),
        (Depth.ORGANISATION, {"meine", "Vertrieb", "Geschäftskunden", "Kredit"}),
    ],
)
def test_each_depth_reaches_exactly_its_records(org, depth, expected):
    _, sales, business, credit = org
    me = user_with(sales, ("sample.read_note", depth))
    note(me, title="meine")
    note(UserFactory(department=sales), title="Vertrieb")
    note(UserFactory(department=business), title="Geschäftskunden")
    note(UserFactory(department=credit), title="Kredit")

    assert visible(me) == expected


def test_grants_add_up_and_apply_per_privilege(org):
    _, sales, _, credit = org
    me = user_with(sales, ("sample.read_note", Depth.ORGANISATION))
    me.roles.add(role_with(("sample.write_note", Depth.DEPARTMENT)))
    note(UserFactory(department=sales), title="Vertrieb")
    note(UserFactory(department=credit), title="Kredit")

    assert visible(me, Action.READ) == {"Vertrieb", "Kredit"}
    assert visible(me, Action.WRITE) == {"Vertrieb"}
    assert visible(me, Action.DELETE) == set()


def test_team_records_are_own_records_of_every_member(org):
    _, sales, _, credit = org
    analyst = user_with(credit, ("sample.read_note", Depth.OWN))
    team = TeamFactory(department=sales, members=[analyst])
    note(team=team, title="Team")
    note(UserFactory(department=credit), title="Kollegin")

    assert visible(analyst) == {"Team"}


def test_a_wider_depth_still_reaches_ones_team_records_of_another_department(org):
    _, sales, _, credit = org
    analyst = user_with(credit, ("sample.read_note", Depth.DEPARTMENT))
    team = TeamFactory(department=sales, members=[analyst])
    note(team=team, title="Team")
    note(UserFactory(department=sales), title="Vertrieb")

    assert visible(analyst) == {"Team"}


def test_team_roles_measure_depth_from_the_team_department(org):
    _, sales, business, credit = org
    analyst = UserFactory(department=credit)
    team = TeamFactory(department=sales, members=[analyst])
    team.roles.add(role_with(("sample.read_note", Depth.DEPARTMENT_TREE)))
    note(UserFactory(department=business), title="Geschäftskunden")
    note(UserFactory(department=credit), title="Kredit")

    assert visible(analyst) == {"Geschäftskunden"}


def test_shares_add_single_records_until_they_expire(org):
    _, sales, _, credit = org
    seller = UserFactory(department=sales)
    shared = note(UserFactory(department=credit), title="geteilt")
    expired = note(UserFactory(department=credit), title="abgelaufen")
    written = note(UserFactory(department=credit), title="schreibbar")
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Note)
    for record, access, until in [
        (shared, Share.Access.READ, None),
        (expired, Share.Access.READ_WRITE, now - timedelta(minutes=1)),
        (written, Share.Access.READ_WRITE, now + timedelta(days=1)),
    ]:
        Share.objects.create(
            content_type=content_type,
            object_id=record.pk,
            user=seller,
            access=access,
            valid_until=until,
            created_at=now,
        )

    assert visible(seller, Action.READ) == {"geteilt", "schreibbar"}
    assert visible(seller, Action.WRITE) == {"schreibbar"}
    assert visible(seller, Action.DELETE) == set()


def test_a_share_with_a_team_reaches_its_members(org):
    _, sales, _, credit = org
    seller = UserFactory(department=sales)
    team = TeamFactory(department=sales, members=[seller])
    record = note(UserFactory(department=credit), title="für das Team")
    Share.objects.create(
        content_type=ContentType.objects.get_for_model(Note),
        object_id=record.pk,
        team=team,
        access=Share.Access.READ,
        created_at=timezone.now(),
    )

    assert visible(seller) == {"für das Team"}


def test_inactive_users_and_nobody_see_nothing(org):
    _, sales, _, _ = org
    gone = user_with(sales, ("sample.read_note", Depth.ORGANISATION), is_active=False)
    note(UserFactory(department=sales))
    assert visible(gone) == set()
    assert Note.objects.restrict(None).count() == 0


def test_a_record_created_outside_ones_reach_is_rolled_back(org):
    _, sales, _, credit = org
    seller = user_with(sales, ("sample.create_note", Depth.DEPARTMENT))
    colleague_elsewhere = UserFactory(department=credit)

    with pytest.raises(ValidationError):
        operations.create_record(
            instance=Note(title="fremd", owner=colleague_elsewhere),
            acting_user=seller,
            now=timezone.now(),
        )
    assert not Note.objects.filter(title="fremd").exists()

    operations.create_record(instance=Note(title="eigen"), acting_user=seller, now=timezone.now())
    assert Note.objects.get(title="eigen").owning_department == sales


def test_handing_a_record_to_someone_else_needs_the_assign_privilege(org):
    _, sales, _, credit = org
    seller = user_with(sales, ("sample.write_note", Depth.DEPARTMENT))
    record = note(seller, title="Angebot")
    record.owner = UserFactory(department=credit)

    with pytest.raises(ValidationError) as error:
        operations.update_record(instance=record, acting_user=seller, now=timezone.now())
    assert "owner" in error.value.message_dict
    assert Note.objects.get(pk=record.pk).owner == seller

    seller.roles.add(role_with(("sample.assign_note", Depth.OWN)))
    seller = type(seller).objects.get(pk=seller.pk)  # fresh grants
    record.owner = UserFactory(department=credit)
    operations.update_record(instance=record, acting_user=seller, now=timezone.now())
    assert Note.objects.get(pk=record.pk).owning_department == credit


def test_restriction_costs_a_fixed_number_of_queries(org):
    """The grants are read once per user; rows, roles and shares do not add queries."""
    _, sales, _, credit = org

    def cost(user):
        user = type(user).objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            list(Note.objects.restrict(user, Action.READ))
        return len(queries)

    small = user_with(sales, ("sample.read_note", Depth.DEPARTMENT))
    note(small)
    baseline = cost(small)

    big = user_with(sales, ("sample.read_note", Depth.DEPARTMENT))
    for _ in range(5):
        big.roles.add(role_with(("sample.read_note", Depth.OWN), ("sample.write_note", Depth.OWN)))
        TeamFactory(department=credit, members=[big]).roles.add(
            role_with(("sample.read_note", Depth.DEPARTMENT_TREE))
        )
    content_type = ContentType.objects.get_for_model(Note)
    for _ in range(30):
        record = note(UserFactory(department=credit))
        Share.objects.create(
            content_type=content_type,
            object_id=record.pk,
            user=big,
            access=Share.Access.READ,
            created_at=timezone.now(),
        )
    assert cost(big) == baseline


def test_why_can_i_see_this_names_roles_teams_and_shares(org, client, api_client):
    _, sales, _, credit = org
    seller = user_with(sales, ("sample.read_note", Depth.DEPARTMENT))
    team = TeamFactory(name="Ausschreibungen", department=credit, members=[seller])
    team.roles.add(role_with(("sample.write_note", Depth.DEPARTMENT), name="Angebotsteam"))
    record = note(UserFactory(department=credit), title="Ausschreibung Klinikum")
    Share.objects.create(
        content_type=ContentType.objects.get_for_model(Note),
        object_id=record.pk,
        user=seller,
        access=Share.Access.READ,
        created_at=timezone.now(),
    )

    client.force_login(seller)
    page = client.get(f"/notes/{record.pk}/access/").content.decode()
    assert "Freigabe an Sie (Lesen)" in page
    assert "Rolle „Angebotsteam“ über Team „Ausschreibungen“: eigene Abteilung" in page

    api_client.force_authenticate(seller)
    reasons = api_client.get(f"/api/v1/notes/{record.pk}/access/").json()
    assert {(r["action"], r["source"]) for r in reasons} == {
        ("read", "share"),
        ("write", "team_role"),
    }


def test_why_page_of_an_unreadable_record_is_404(org, client):
    _, sales, _, credit = org
    seller = user_with(sales, ("sample.read_note", Depth.DEPARTMENT))
    record = note(UserFactory(department=credit))
    client.force_login(seller)
    assert client.get(f"/notes/{record.pk}/access/").status_code == 404
