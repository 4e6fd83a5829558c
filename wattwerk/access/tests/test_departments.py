"""The department tree: paths, subtrees, moves, and no department below itself."""

import contextlib

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wattwerk.access.models import Department
from wattwerk.core import operations
from wattwerk.core.testing import history

from .factories import DepartmentFactory


@pytest.fixture
def tree(db):
    root = DepartmentFactory(code="swm", name="Stadtwerke")
    sales = DepartmentFactory(code="vertrieb", name="Vertrieb", parent=root)
    business = DepartmentFactory(code="gk", name="Geschäftskunden", parent=sales)
    credit = DepartmentFactory(code="kredit", name="Kreditmanagement", parent=root)
    return root, sales, business, credit


def test_subtree_is_the_department_and_everything_below(tree):
    root, sales, business, credit = tree
    assert set(Department.objects.subtree(sales)) == {sales, business}
    assert set(Department.objects.subtree(root)) == {root, sales, business, credit}
    assert (root.depth, sales.depth, business.depth) == (0, 1, 2)


def test_moving_a_department_moves_its_subtree(tree, admin_user):
    root, sales, business, credit = tree
    sales.parent = credit
    operations.update_record(instance=sales, acting_user=admin_user, now=timezone.now())

    business.refresh_from_db()
    assert business.path == f"{root.pk:06d}/{credit.pk:06d}/{sales.pk:06d}/{business.pk:06d}/"
    assert set(Department.objects.subtree(credit)) == {credit, sales, business}


@pytest.mark.parametrize("new_parent", ["self", "child"])
def test_a_department_cannot_be_placed_below_itself(tree, admin_user, new_parent):
    _, sales, business, _ = tree
    sales.parent = sales if new_parent == "self" else business
    with pytest.raises(ValidationError) as error:
        operations.update_record(instance=sales, acting_user=admin_user, now=timezone.now())
    assert "parent" in error.value.message_dict
    sales.refresh_from_db()
    assert sales.parent.code == "swm"


def test_department_with_members_cannot_be_deleted(tree, admin_user, make_user):
    _, sales, _, _ = tree
    make_user(department=sales)
    with pytest.raises(operations.UnableToDeleteRecord):
        operations.delete_record(instance=sales, acting_user=admin_user, now=timezone.now())
    assert Department.objects.filter(pk=sales.pk).exists()


def test_deleting_a_used_department_through_the_api_is_a_clear_error(tree, api_client, make_user):
    _, sales, _, _ = tree
    make_user(department=sales)
    api_client.force_authenticate(make_user("access.view_department", "access.delete_department"))
    response = api_client.delete(f"/api/v1/departments/{sales.pk}/")
    assert response.status_code == 409
    assert "Vertrieb" in response.json()["detail"]


def test_change_through_the_api_shows_old_and_new_value_on_the_history_tab(
    tree, api_client, client, make_user
):
    _, sales, _, _ = tree
    user = make_user("access.view_department", "access.change_department")
    api_client.force_authenticate(user)
    response = api_client.patch(
        f"/api/v1/departments/{sales.pk}/", {"email": "vertrieb-neu@example.org"}, format="json"
    )
    assert response.status_code == 200

    client.force_login(user)
    page = client.get(f"/departments/{sales.pk}/history/").content.decode()
    assert "vertrieb@example.org" in page
    assert "vertrieb-neu@example.org" in page
    assert user.department.name in page


def test_writing_to_something_that_is_not_an_id_is_a_404_problem(api_client, make_user):
    api_client.force_authenticate(make_user("access.view_department", "access.change_department"))
    response = api_client.patch("/api/v1/departments/abc/", {"name": "x"}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_change_in_the_admin_is_in_the_history(tree, admin_client, admin_user):
    _, sales, _, _ = tree
    response = admin_client.post(
        f"/admin/access/department/{sales.pk}/change/",
        {"name": "Vertrieb Energie", "code": "vertrieb", "parent": sales.parent_id, "email": ""},
    )
    assert response.status_code == 302
    [entry] = history(sales)
    assert entry.user == admin_user
    assert entry.changes["name"]["old"] == "Vertrieb"
    assert entry.changes["name"]["new"] == "Vertrieb Energie"


@given(
    moves=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 6)), min_size=1, max_size=12),
)
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_paths_follow_the_parents_after_any_sequence_of_moves(db, admin_user, moves):
    """Whatever is moved where, each path is the chain of its ancestors and no cycle arises."""
    with transaction.atomic():
        ids = [DepartmentFactory(code=f"h{i}").pk for i in range(6)]
        for child, parent in moves:
            department = Department.objects.get(pk=ids[child])
            department.parent_id = None if parent == 6 else ids[parent]
            # Placing it below itself is refused; the tree then stays as it was.
            with contextlib.suppress(ValidationError):
                operations.update_record(
                    instance=department, acting_user=admin_user, now=timezone.now()
                )

        by_id = {d.pk: d for d in Department.objects.filter(pk__in=ids)}
        for department in by_id.values():
            chain, node = [], department
            while node is not None:
                assert node.pk not in chain, "cycle"
                chain.insert(0, node.pk)
                node = by_id.get(node.parent_id)
            assert department.path == "".join(f"{pk:06d}/" for pk in chain)
        transaction.set_rollback(True)


def test_filters_offer_only_departments_the_user_may_read(tree, client, api_client, make_user):
    _, sales, _, _ = tree
    user = make_user("access.view_user")
    client.force_login(user)
    page = client.get("/users/").content.decode()
    assert "Kreditmanagement" not in page

    api_client.force_authenticate(user)
    response = api_client.get("/api/v1/users/", {"department": sales.pk})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "department"
