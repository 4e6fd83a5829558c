"""The generic permission suite: privilege × depth × surface, declared once per record type.

:class:`~wattwerk.core.testing.RecordTypeSuite` inherits :class:`PermissionMatrixSuite`, so every
record type that declares its suite is covered. For each privilege (read, write,
delete, create and, on owned records, assign) and each depth, one test places a record at every
position relative to an acting user (own, own department, a department below, elsewhere), grants
the privilege at that depth and checks every surface: lists, record pages, forms, the API,
search and the pickers of other record types. Allowed where the depth reaches, 404 where the
record is out of reach, 403 where it is readable but the action is not allowed. A share gives
exactly read or read and write on the one record.

Which positions exist follows from the model's ``access_*`` attributes, the same ones
:func:`wattwerk.access.rights.scope` reads: a role (none of them) is only ever "elsewhere".

Core may not import the access app, so the suite asks for users, departments, grants and shares
through hooks (:meth:`~PermissionMatrixSuite.make_department`, ``make_user``, ``grant``,
``share``) that the ``rights_hooks`` fixture (``wattwerk/conftest.py``) provides.
"""

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from types import SimpleNamespace

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .forms import RecordPicker, picked_label
from .models import OwnedModel
from .querysets import Action
from .registry import RecordType, registry

# The values of ``wattwerk.access.models.Depth``, which core cannot import; the access tests
# check that the two agree.
DEPTHS = {"none": 0, "own": 1, "department": 2, "tree": 3, "organisation": 4}
ORGANISATION = DEPTHS["organisation"]


class Position(StrEnum):
    """Where a record sits relative to the acting user."""

    OWN = "own"  # the user owns it, is it, or is in the team that owns it
    DEPARTMENT = "department"  # in the user's department, someone else's
    TREE = "tree"  # in a department below the user's
    ORGANISATION = "org"  # elsewhere in the organisation


# The positions each depth reaches: every depth reaches what the one below it reaches.
REACH: dict[int, frozenset[Position]] = {
    depth: frozenset(list(Position)[:depth]) for depth in DEPTHS.values()
}


@dataclass(frozen=True)
class Expected:
    """How an action on the records at hand should end, by the records' labels.

    ``allowed``: where it succeeds. ``readable``: where the user sees the record, so that a
    refusal is 403 rather than 404. ``granted``: the privilege is held at some depth, so that a
    new record out of reach is refused as invalid (422/400) rather than as forbidden (403).
    """

    allowed: frozenset
    readable: frozenset
    granted: bool = True


@dataclass(frozen=True)
class Actor:
    """The acting user, signed in to the pages and to the API."""

    user: models.Model
    client: Client
    api: APIClient
    grants: str  # for the failure messages


def status(label, expected: Expected, ok: int) -> int:
    if label in expected.allowed:
        return ok
    return 403 if label in expected.readable else 404


@pytest.mark.django_db
class PermissionMatrixSuite:
    """Every privilege at every depth on every surface, for one record type.

    Uses what the record type suite declares (``slug``, ``factory``, ``api_path``,
    ``change_field``/``change_value``, ``related_permissions``, ``valid_form_data``,
    ``valid_api_data``, ``form_values_of``) and the hooks below. Override :meth:`place` (and
    :meth:`new_record_data`) for record types that are not :class:`OwnedModel`.
    """

    slug: str
    factory: type
    api_path: str
    change_field: str
    change_value: object
    related_permissions: tuple[str, ...] = ()
    # Positions whose record is still used by others (one's own department has oneself as a
    # member): deleting it is allowed but refused as "still in use" (409), and it stays.
    in_use_positions: tuple[Position, ...] = ()
    # Surfaces that change the records they are given: the next surface gets fresh ones.
    changing_surfaces = frozenset(
        {"api_write", "ui_delete", "api_delete", "ui_assign", "api_assign"}
    )

    # --- hooks: core cannot build users, roles or shares; the ``rights_hooks`` fixture can ----
    @pytest.fixture(autouse=True)
    def _use_rights_hooks(self, rights_hooks):
        self.hooks = rights_hooks

    def make_department(self, parent=None):
        return self.hooks.make_department(parent)

    def make_user(self, department):
        """A user in ``department`` without any privileges."""
        return self.hooks.make_user(department)

    def grant(self, user, *privileges: tuple[str, int]) -> None:
        """Give ``user`` a role with these privileges (``("sample.read_note", depth)``)."""
        self.hooks.grant(user, *privileges)

    def share(self, record, user, access: str, valid_until) -> None:
        """Share ``record`` with ``user`` for ``access`` ("read" or "read_write")."""
        self.hooks.share(record, user, access, valid_until)

    # --- declared by the record type suite ---------------------------------------------------
    def valid_form_data(self) -> dict:
        raise NotImplementedError

    def valid_api_data(self) -> dict:
        raise NotImplementedError

    def form_values_of(self, record) -> dict:
        raise NotImplementedError

    # --- where the records are ---------------------------------------------------------------
    @property
    def record_type(self) -> RecordType:
        return registry[self.slug]

    @property
    def model(self) -> type[models.Model]:
        return self.record_type.model

    def url(self, view: str, instance=None) -> str:
        args = [instance.pk] if instance is not None else []
        return reverse(self.record_type.url_name(view), args=args)

    def positions(self) -> tuple[Position, ...]:
        """The positions a record of this type can take, read from its ``access_*`` attributes."""
        model = self.model
        exist = {
            Position.OWN: bool(
                getattr(model, "access_owner", None) or getattr(model, "access_owner_team", None)
            ),
            Position.DEPARTMENT: bool(getattr(model, "access_department", None)),
            Position.TREE: bool(getattr(model, "access_department_path", None)),
            Position.ORGANISATION: True,
        }
        return tuple(position for position, present in exist.items() if present)

    def reach(self, depth: int) -> frozenset[Position]:
        return REACH[depth] & frozenset(self.positions())

    def department_at(self, position: Position, user):
        """The user's department, a new one below it, or a new one elsewhere."""
        if position in (Position.OWN, Position.DEPARTMENT):
            return user.department
        if position == Position.TREE:
            return self.make_department(parent=user.department)
        return self.make_department()

    def user_at(self, position: Position, user):
        """The user, a colleague, someone in a department below, or someone elsewhere."""
        if position == Position.OWN:
            return user
        return self.make_user(self.department_at(position, user))

    def place(self, position: Position, user) -> models.Model | None:
        """A record at ``position`` relative to ``user``; None where the type has no such place.

        Owned records get an owner at that position; other record types override this.
        """
        if issubclass(self.model, OwnedModel):
            return self.factory(owner=self.user_at(position, user))
        return self.factory() if position == Position.ORGANISATION else None

    def typed(self, data: dict) -> dict:
        """Form data as the browser sends it: a related record picked by typing is its chosen
        suggestion, "Name · id" (``valid_form_data`` gives ids, as the API takes them)."""
        form = self.record_type.form_class(user=None)
        return {
            name: picked_label(form.fields[name].queryset.model.objects.get(pk=value))
            if name in form.fields
            and isinstance(form.fields[name].widget, RecordPicker)
            and str(value).isdigit()
            else value
            for name, value in data.items()
        }

    def new_record_data(self, position: Position, user, *, api: bool) -> dict | None:
        """Form (or API) data for a new record at ``position``; None where none can be made."""
        data = self.valid_api_data() if api else self.valid_form_data()
        if issubclass(self.model, OwnedModel):
            return {**data, "owner": self.user_at(position, user).pk}
        return data if position == Position.ORGANISATION else None

    def search_term(self, record) -> str:
        return str(record)

    def changed_value(self, record):
        """``change_value``, made unique per record when the field must be unique."""
        field = self.model._meta.get_field(self.change_field)
        if field.unique and isinstance(self.change_value, str):
            return f"{self.change_value} {record.pk}"
        return self.change_value

    def pickers(self) -> list[tuple[RecordType, str, str]]:
        """Every form field and filter of a registered record type that offers this type."""
        found = []
        for record_type in registry:
            for name, field in record_type.form_class.base_fields.items():
                if getattr(getattr(field, "queryset", None), "model", None) is self.model:
                    found.append((record_type, "form", name))
            for name, filter_ in record_type.filterset_class.base_filters.items():
                if getattr(getattr(filter_, "queryset", None), "model", None) is self.model:
                    found.append((record_type, "filter", name))
        return found

    # --- the surfaces ------------------------------------------------------------------------
    def surfaces(self, action: str) -> tuple[str, ...]:
        """The surfaces each action is checked on, each by its ``check_<surface>`` method.

        Export and the global search do not exist yet. When they are built, add "export" and
        "global_search" to READ here and write ``check_export``/``check_global_search``: every
        record type that declares this suite is then covered.
        """
        return {
            Action.READ: ("ui_list", "ui_detail", "api_list", "api_detail", "search", "pickers"),
            Action.WRITE: ("ui_edit", "api_write"),
            Action.DELETE: ("ui_delete", "api_delete"),
            Action.CREATE: ("ui_create", "api_create"),
            Action.ASSIGN: ("ui_assign", "api_assign"),
        }[action]

    def check_ui_list(self, actor, records, expected) -> Iterator[str]:
        response = actor.client.get(self.url("list"), {"per_page": 100})
        yield from self._listed(response, records, expected)

    def check_search(self, actor, records, expected) -> Iterator[str]:
        # As the search box asks: for the results only.
        htmx = {"HX-Request": "true", "HX-Target": "results"}
        for label, record in records.items():
            term = self.search_term(record)
            response = actor.client.get(self.url("list"), {"q": term}, headers=htmx)
            for failure in self._listed(response, {label: record}, expected):
                yield f"{failure} (searching {term!r})"

    def _listed(self, response, records, expected) -> Iterator[str]:
        if response.status_code != 200:
            yield f"list answers {response.status_code}"
            return
        page = response.content.decode()
        for label, record in records.items():
            listed = f'href="{record.get_absolute_url()}"' in page
            if listed != (label in expected.readable):
                yield f"{label}: {'listed' if listed else 'not listed'}"

    def check_ui_detail(self, actor, records, expected) -> Iterator[str]:
        for label, record in records.items():
            got = actor.client.get(self.url("detail", record)).status_code
            if got != (want := status(label, expected, 200)):
                yield f"{label}: {got}, expected {want}"

    def check_api_list(self, actor, records, expected) -> Iterator[str]:
        response = actor.api.get(self.api_path, {"limit": 500})
        if response.status_code != 200:
            yield f"answers {response.status_code}"
            return
        ids = {row["id"] for row in response.json()["results"]}
        for label, record in records.items():
            if (record.pk in ids) != (label in expected.readable):
                yield f"{label}: {'listed' if record.pk in ids else 'not listed'}"

    def check_api_detail(self, actor, records, expected) -> Iterator[str]:
        for label, record in records.items():
            got = actor.api.get(f"{self.api_path}{record.pk}/").status_code
            if got != (want := status(label, expected, 200)):
                yield f"{label}: {got}, expected {want}"

    def check_pickers(self, actor, records, expected) -> Iterator[str]:
        # A fresh user object: its rights are read once and kept on it.
        user = type(actor.user)._default_manager.get(pk=actor.user.pk)
        ids = [record.pk for record in records.values()]
        for record_type, kind, name in self.pickers():
            if kind == "form":
                field = record_type.form_class(user=user).fields[name]
            else:
                filterset = record_type.filterset_class(
                    None,
                    queryset=record_type.model._default_manager.none(),
                    request=SimpleNamespace(user=user),
                )
                field = filterset.form.fields[name]
            offered = set(field.queryset.filter(pk__in=ids).values_list("pk", flat=True))
            for label, record in records.items():
                if (record.pk in offered) != (label in expected.readable):
                    state = "offered" if record.pk in offered else "not offered"
                    yield f"{label}: {state} in {record_type.slug} {kind} {name!r}"

    def check_ui_edit(self, actor, records, expected) -> Iterator[str]:
        for label, record in records.items():
            got = actor.client.get(self.url("edit", record)).status_code
            if got != (want := status(label, expected, 200)):
                yield f"{label}: edit page {got}, expected {want}"
            if label in expected.readable:
                page = actor.client.get(self.url("detail", record)).content.decode()
                shown = f'href="{self.url("edit", record)}"' in page
                if shown != (label in expected.allowed):
                    yield f"{label}: edit button {'shown' if shown else 'missing'}"

    def check_api_write(self, actor, records, expected) -> Iterator[str]:
        for label, record in records.items():
            old, new = getattr(record, self.change_field), self.changed_value(record)
            response = actor.api.patch(
                f"{self.api_path}{record.pk}/", {self.change_field: new}, format="json"
            )
            if response.status_code != (want := status(label, expected, 200)):
                yield f"{label}: {response.status_code}, expected {want}: {response.content!r}"
            record.refresh_from_db()
            now = getattr(record, self.change_field)
            if now != (new if label in expected.allowed else old):
                yield f"{label}: {self.change_field} is {now!r}"

    def check_ui_delete(self, actor, records, expected) -> Iterator[str]:
        yield from self._deletes(
            records,
            expected,
            lambda record: actor.client.post(self.url("delete", record)),
            deleted=302,
            in_use=302,
        )

    def check_api_delete(self, actor, records, expected) -> Iterator[str]:
        yield from self._deletes(
            records,
            expected,
            lambda record: actor.api.delete(f"{self.api_path}{record.pk}/"),
            deleted=204,
            in_use=409,
        )

    def _deletes(self, records, expected, delete: Callable, *, deleted, in_use) -> Iterator[str]:
        # One's own user record last: deleting it signs one out.
        ordered = sorted(records.items(), key=lambda item: item[0] == Position.OWN)
        for label, record in ordered:
            used = label in expected.allowed and label in self.in_use_positions
            response = delete(record)
            want = status(label, expected, in_use if used else deleted)
            if response.status_code != want:
                yield f"{label}: {response.status_code}, expected {want}"
            elif response.status_code == 302:
                # Deleted: back to the list. Still in use: back to the record, with the reason.
                target = self.url("detail", record) if used else self.url("list")
                if response["Location"] != target:
                    yield f"{label}: redirected to {response['Location']}, expected {target}"
            gone = not self.model._default_manager.filter(pk=record.pk).exists()
            if gone != (label in expected.allowed and not used):
                yield f"{label}: {'deleted' if gone else 'still there'}"

    def check_ui_create(self, actor, positions, expected) -> Iterator[str]:
        def post(data):
            return actor.client.post(self.url("add"), self.typed(data))

        yield from self._creates(actor, positions, expected, post, api=False, ok=(302, 422))

    def check_api_create(self, actor, positions, expected) -> Iterator[str]:
        def post(data):
            return actor.api.post(self.api_path, data, format="json")

        yield from self._creates(actor, positions, expected, post, api=True, ok=(201, 400))

    def _creates(self, actor, positions, expected, post, *, api, ok) -> Iterator[str]:
        created, out_of_reach = ok
        for label, position in positions.items():
            data = self.new_record_data(position, actor.user, api=api)
            if data is None:
                continue
            before = self.model._default_manager.count()
            response = post(data)
            if label in expected.allowed:
                want = created
            else:
                want = out_of_reach if expected.granted else 403
            if response.status_code != want:
                yield f"{label}: {response.status_code}, expected {want}: {response.content!r}"
            added = self.model._default_manager.count() - before
            if added != (label in expected.allowed):
                yield f"{label}: {added} records added"

    def check_ui_assign(self, actor, records, expected) -> Iterator[str]:
        def hand_over(record, to):
            data = {**self.form_values_of(record), "owner": to.pk}
            return actor.client.post(self.url("edit", record), self.typed(data))

        yield from self._assigns(actor, records, expected, hand_over, ok=(302, 422))

    def check_api_assign(self, actor, records, expected) -> Iterator[str]:
        def hand_over(record, to):
            return actor.api.patch(f"{self.api_path}{record.pk}/", {"owner": to.pk}, format="json")

        yield from self._assigns(actor, records, expected, hand_over, ok=(200, 400))

    def _assigns(self, actor, records, expected, hand_over, *, ok) -> Iterator[str]:
        done, refused = ok
        for label, record in records.items():
            old_owner_id = record.owner_id
            new_owner = self.user_at(Position.ORGANISATION, actor.user)
            response = hand_over(record, new_owner)
            want = done if label in expected.allowed else refused
            if response.status_code != want:
                yield f"{label}: {response.status_code}, expected {want}: {response.content!r}"
            record.refresh_from_db()
            if record.owner_id != (new_owner.pk if label in expected.allowed else old_owner_id):
                yield f"{label}: owner is {record.owner}"

    # --- running the checks ------------------------------------------------------------------
    def privilege(self, action: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.{action}_{opts.model_name}"

    def actor(self, *grants: tuple[str, int]) -> Actor:
        """A new user in a new department holding ``grants`` on this type (and the related
        permissions at organisation depth), signed in to the pages and the API."""
        user = self.make_user(self.make_department())
        privileges = [(self.privilege(action), depth) for action, depth in grants]
        privileges += [(name, ORGANISATION) for name in self.related_permissions]
        if privileges:
            self.grant(user, *privileges)
        client = Client()
        client.force_login(user)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        names = {depth: name for name, depth in DEPTHS.items()}
        described = ", ".join(f"{action} {names[depth]}" for action, depth in grants) or "nothing"
        return Actor(user=user, client=client, api=api, grants=described)

    def place_all(self, user) -> dict[Position, models.Model]:
        return {position: self.place(position, user) for position in self.positions()}

    def verify(
        self,
        grants: Iterable[tuple[str, int]],
        expectations: dict[str, Expected],
        setup: Callable | None = None,
    ) -> list[str]:
        """Check each action on each of its surfaces; the failures, each saying where.

        One actor serves every surface; after a surface that changed its records (a write, a
        delete) the next one gets fresh records, and a fresh actor if the last one deleted
        their own user record.
        """
        setup = setup or self.place_all
        actor = self.actor(*grants)
        records, stale, failures = setup(actor.user), False, []
        for action, expected in expectations.items():
            for surface in self.surfaces(action):
                if stale:
                    if not type(actor.user)._default_manager.filter(pk=actor.user.pk).exists():
                        actor = self.actor(*grants)
                    records = setup(actor.user)
                check = getattr(self, f"check_{surface}")
                failures += [
                    f"[{actor.grants}] {surface} {f}" for f in check(actor, records, expected)
                ]
                stale = surface in self.changing_surfaces and bool(expected.allowed)
        return failures

    # --- the tests ---------------------------------------------------------------------------
    def test_declaration_matches_the_access_rules(self):
        """``place`` puts a record at exactly the positions the model's attributes allow."""
        user = self.make_user(self.make_department())
        placed = {position for position in Position if self.place(position, user) is not None}
        assert placed == set(self.positions()), "declare place() for the positions of the type"
        opts = self.model._meta
        for name in self.related_permissions:
            app_label, codename = name.split(".")
            assert (app_label, codename.split("_", 1)[1]) != (opts.app_label, opts.model_name), (
                f"{name} in related_permissions would grant what the matrix tests"
            )

    def test_every_surface_has_a_check(self):
        actions = [Action.READ, Action.WRITE, Action.DELETE, Action.CREATE, Action.ASSIGN]
        surfaces = itertools.chain.from_iterable(self.surfaces(action) for action in actions)
        assert [s for s in surfaces if not hasattr(self, f"check_{s}")] == []

    @pytest.mark.parametrize("depth", DEPTHS.values(), ids=DEPTHS.keys())
    def test_read(self, depth):
        reach = self.reach(depth)
        failures = self.verify([(Action.READ, depth)], {Action.READ: Expected(reach, reach)})
        assert not failures, "\n".join(failures)

    @pytest.mark.parametrize("depth", DEPTHS.values(), ids=DEPTHS.keys())
    def test_write(self, depth):
        """The user reads one depth further than they write, so the answers show all three:
        200 where the depth reaches, 403 where the record is only readable, 404 beyond."""
        read_depth = min(depth + 1, ORGANISATION)
        grants = [(Action.READ, read_depth), (Action.WRITE, depth)]
        expected = Expected(self.reach(depth), self.reach(read_depth))
        failures = self.verify(grants, {Action.WRITE: expected})
        assert not failures, "\n".join(failures)

    @pytest.mark.parametrize("depth", DEPTHS.values(), ids=DEPTHS.keys())
    def test_delete(self, depth):
        """As for writing: deleted where the depth reaches, 403 where readable, 404 beyond."""
        read_depth = min(depth + 1, ORGANISATION)
        grants = [(Action.READ, read_depth), (Action.DELETE, depth)]
        expected = Expected(self.reach(depth), self.reach(read_depth))
        failures = self.verify(grants, {Action.DELETE: expected})
        assert not failures, "\n".join(failures)

    @pytest.mark.parametrize("depth", DEPTHS.values(), ids=DEPTHS.keys())
    def test_create(self, depth):
        """A new record where the depth reaches is saved; elsewhere it is refused as invalid,
        and without the privilege at all as forbidden."""
        every = frozenset(self.positions())
        grants = [(Action.READ, ORGANISATION), (Action.CREATE, depth)]
        expected = Expected(self.reach(depth), every, granted=depth > 0)
        failures = self.verify(
            grants, {Action.CREATE: expected}, setup=lambda user: {p: p for p in every}
        )
        assert not failures, "\n".join(failures)

    @pytest.mark.parametrize("depth", DEPTHS.values(), ids=DEPTHS.keys())
    def test_assign(self, depth):
        """Handing a record to another owner needs assign where the record is now."""
        if not issubclass(self.model, OwnedModel):
            pytest.skip("the record type has no owner to hand over")
        grants = [
            (Action.READ, ORGANISATION),
            (Action.WRITE, ORGANISATION),
            (Action.ASSIGN, depth),
        ]
        expected = Expected(self.reach(depth), frozenset(self.positions()))
        failures = self.verify(grants, {Action.ASSIGN: expected})
        assert not failures, "\n".join(failures)

    @pytest.mark.parametrize("kind", ["read", "read_write", "expired"])
    def test_share(self, kind):
        """A share gives read (or read and write) on the one record, never delete; an expired
        one gives nothing. The user holds no privilege on the record type."""
        access = "read" if kind == "read" else "read_write"
        valid_until = timezone.now() - timedelta(minutes=1) if kind == "expired" else None
        shared = frozenset() if kind == "expired" else frozenset({"shared"})
        writable = shared if access == "read_write" else frozenset()

        def setup(user):
            records = {
                "shared": self.place(Position.ORGANISATION, user),
                "not shared": self.place(Position.ORGANISATION, user),
            }
            self.share(records["shared"], user, access, valid_until)
            return records

        expectations = {
            Action.READ: Expected(shared, shared),
            Action.WRITE: Expected(writable, shared),
            Action.DELETE: Expected(frozenset(), shared),
        }
        failures = self.verify([], expectations, setup=setup)
        assert not failures, "\n".join(failures)
