"""The SQL restriction against a plain Python statement of the rules, over random organisations.

If the two ever disagree, either the filter or our understanding of the rules is wrong.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wattwerk.access.models import Depth, Share
from wattwerk.core.querysets import Action
from wattwerk.core.tests.sample.models import Note

from .factories import DepartmentFactory, TeamFactory, UserFactory, role_with

ACTIONS = [Action.READ, Action.WRITE, Action.DELETE]
depths = st.sampled_from(list(Depth))
grants = st.lists(st.tuples(st.sampled_from(ACTIONS), depths), max_size=3)


@st.composite
def organisations(draw):
    n_departments = draw(st.integers(1, 5))
    parents = [None] + [draw(st.integers(0, i - 1)) for i in range(1, n_departments)]
    department = st.integers(0, n_departments - 1)
    users = draw(st.lists(st.tuples(department, grants), min_size=1, max_size=4))
    n_users = len(users)
    teams = draw(
        st.lists(st.tuples(department, st.sets(st.integers(0, n_users - 1)), grants), max_size=2)
    )
    owners = st.one_of(
        st.tuples(st.just("user"), st.integers(0, n_users - 1)),
        *([st.tuples(st.just("team"), st.integers(0, len(teams) - 1))] if teams else []),
    )
    notes = draw(st.lists(owners, max_size=6))
    shares = (
        draw(
            st.lists(
                st.tuples(
                    st.integers(0, len(notes) - 1),
                    owners,  # whom it is shared with: a user or a team
                    st.sampled_from(list(Share.Access)),
                    st.booleans(),  # expired
                ),
                max_size=4,
            )
        )
        if notes
        else []
    )
    return parents, users, teams, notes, shares


def python_model(org, user_index: int, note_index: int, action: str) -> bool:
    """The rules as a person would state them, record by record."""
    parents, users, teams, notes, shares = org

    def within(department: int, base: int) -> bool:
        while department is not None:
            if department == base:
                return True
            department = parents[department]
        return False

    my_department = users[user_index][0]
    my_teams = {t for t, (_, members, _) in enumerate(teams) if user_index in members}
    kind, owner = notes[note_index]
    owning_department = users[owner][0] if kind == "user" else teams[owner][0]
    mine = (kind == "user" and owner == user_index) or (kind == "team" and owner in my_teams)

    granted = [(a, d, my_department) for a, d in users[user_index][1]]
    granted += [(a, d, teams[t][0]) for t in my_teams for a, d in teams[t][2]]
    for granted_action, depth, base in granted:
        if granted_action != action or depth == Depth.NONE:
            continue
        if depth == Depth.ORGANISATION:
            return True
        if mine:  # every depth reaches one's own records
            return True
        if depth == Depth.DEPARTMENT and owning_department == base:
            return True
        if depth == Depth.DEPARTMENT_TREE and within(owning_department, base):
            return True
    for shared_note, (with_kind, with_index), access, expired in shares:
        reaches_me = (with_kind == "user" and with_index == user_index) or (
            with_kind == "team" and with_index in my_teams
        )
        allows = action == Action.READ or (
            action == Action.WRITE and access == Share.Access.READ_WRITE
        )
        if shared_note == note_index and reaches_me and not expired and allows:
            return True
    return False


def build(org):
    parents, users, teams, notes, shares = org
    departments = []
    for parent in parents:
        departments.append(
            DepartmentFactory(parent=departments[parent] if parent is not None else None)
        )
    user_objects = []
    for department, user_grants in users:
        user = UserFactory(department=departments[department])
        for action, depth in user_grants:
            user.roles.add(role_with((f"sample.{action}_note", depth)))
        user_objects.append(user)
    team_objects = []
    for department, members, team_grants in teams:
        team = TeamFactory(
            department=departments[department], members=[user_objects[m] for m in members]
        )
        for action, depth in team_grants:
            team.roles.add(role_with((f"sample.{action}_note", depth)))
        team_objects.append(team)
    note_objects = [
        Note.objects.create(
            title=f"n{i}",
            owner=user_objects[index] if kind == "user" else None,
            owner_team=team_objects[index] if kind == "team" else None,
        )
        for i, (kind, index) in enumerate(notes)
    ]
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Note)
    for note_index, (kind, index), access, expired in shares:
        Share.objects.create(
            content_type=content_type,
            object_id=note_objects[note_index].pk,
            user=user_objects[index] if kind == "user" else None,
            team=team_objects[index] if kind == "team" else None,
            access=access,
            valid_until=now - timedelta(hours=1) if expired else now + timedelta(days=1),
            created_at=now,
        )
    return user_objects, note_objects


@given(org=organisations())
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_sql_restriction_agrees_with_the_rules_as_stated(db, org):
    with transaction.atomic():
        users, notes = build(org)
        for user_index, user in enumerate(users):
            user = type(user).objects.get(pk=user.pk)
            for action in ACTIONS:
                in_sql = set(Note.objects.restrict(user, action).values_list("pk", flat=True))
                in_python = {
                    note.pk
                    for note_index, note in enumerate(notes)
                    if python_model(org, user_index, note_index, action)
                }
                assert in_sql == in_python, (user_index, action)
        transaction.set_rollback(True)
