"""The generic test suite every record type declares once.

Subclass :class:`RecordTypeSuite` in the app's tests, name the factory and the data, and the
list/detail/create/edit/delete pages and the API are tested with and without permission, with a
record out of reach (404), with stale ETags and bad fields, and for a fixed number of queries;
field-level security on every surface; and, from :class:`PermissionMatrixSuite`, every privilege
at every depth on every surface.
"""

from contextlib import suppress

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import localize
from rest_framework.authtoken.models import Token

from . import changelog, operations
from .models import ObjectChange
from .querysets import secured_fields
from .registry import registry
from .testing_rights import PermissionMatrixSuite, Position


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def query_plan(queryset) -> str:
    """How the database would answer ``queryset`` (SQLite's query plan; on PostgreSQL the
    plan as if the tables were large, without sequential scans)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = cursor.fetchall()
            cursor.execute("SET LOCAL enable_seqscan = on")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = cursor.fetchall()
        return " ".join(str(row) for row in plan)


def sqlite_query_plan(queryset) -> str:
    """SQLite's plan of ``queryset``; the test is skipped elsewhere. PostgreSQL chooses from the
    statistics of the values: on a test's few rows its choice between two indexes is a coin toss
    (it took another once in CI), on the bench's M data it took the intended one."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL chooses an index by the statistics of the values")
    return query_plan(queryset)


def history(instance) -> list[ObjectChange]:
    return list(
        ObjectChange.objects.filter(
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_id=str(instance.pk),
        ).order_by("changed_at", "pk")
    )


__all__ = ["Position", "RecordTypeSuite", "count_queries", "history"]


@pytest.mark.django_db
class RecordTypeSuite(PermissionMatrixSuite):
    slug: str
    factory: type
    api_path: str
    # a field that both the form and the API can change, and a new value for it
    change_field: str
    change_value: object
    # (field, bad value) the API and the form must reject, naming the field
    bad_field: tuple[str, object]
    # permissions every test user holds besides the ones under test (e.g. to read related records)
    related_permissions: tuple[str, ...] = ()
    # every secured field (field-level security): (a value, another value), both distinctive
    # enough that finding them in a response can only mean the field leaked
    secured_values: dict[str, tuple[object, object]] = {}

    def valid_form_data(self) -> dict:
        raise NotImplementedError

    def valid_api_data(self) -> dict:
        raise NotImplementedError

    # --- helpers -----------------------------------------------------------------------------
    @property
    def record_type(self):
        return registry[self.slug]

    @property
    def model(self):
        return self.record_type.model

    def perms(self, *actions: str) -> list[str]:
        opts = self.model._meta
        return [f"{opts.app_label}.{action}_{opts.model_name}" for action in actions] + list(
            self.related_permissions
        )

    def login(self, client, make_user, *actions):
        user = make_user(*self.perms(*actions))
        client.force_login(user)
        return user

    def api_login(self, api_client, make_user, *actions):
        user = make_user(*self.perms(*actions))
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        return user

    def url(self, view, instance=None):
        args = [instance.pk] if instance is not None else []
        return reverse(self.record_type.url_name(view), args=args)

    # --- UI ----------------------------------------------------------------------------------
    def test_list_without_read_privilege_shows_nothing(self, client, make_user):
        record = self.factory()
        self.login(client, make_user)
        response = client.get(self.url("list"))
        assert response.status_code == 200
        assert f'href="{record.get_absolute_url()}"' not in response.content.decode()

    def test_list_shows_records(self, client, make_user):
        record = self.factory()
        self.login(client, make_user, "read")
        response = client.get(self.url("list"))
        assert response.status_code == 200
        assert f'href="{record.get_absolute_url()}"' in response.content.decode()

    def test_list_partial_for_htmx(self, client, make_user):
        self.factory()
        self.login(client, make_user, "read")
        response = client.get(
            self.url("list"), headers={"HX-Request": "true", "HX-Target": "results"}
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert body.lstrip().startswith('<div id="results"')
        assert "<html" not in body
        assert "HX-Request" in response["Vary"]

    @pytest.mark.parametrize("htmx", [False, True], ids=["page", "partial"])
    def test_list_query_count_does_not_grow_with_rows(self, client, make_user, htmx):
        """The page and its htmx partial (what a filter or a sort fetches)."""
        headers = {"HX-Request": "true", "HX-Target": "results"} if htmx else {}
        self.login(client, make_user, "read")
        self.factory.create_batch(2)
        warm_up = client.get(self.url("list"), headers=headers)  # Django's content type cache
        assert warm_up.status_code == 200
        few = count_queries(lambda: client.get(self.url("list"), headers=headers))
        self.factory.create_batch(48)
        many = count_queries(lambda: client.get(self.url("list"), headers=headers))
        assert few == many

    def grow_related(self, record, n: int) -> None:
        """Give ``record`` ``n`` more of each kind of row its record page and tabs list.

        Here the history, which every record has: edits (tab "Verlauf") and business events
        (tab "Zeitleiste"). A suite whose record has rows of its own (an account's contacts, an
        opportunity's lines, activities regarding it, …) adds them too and calls this."""
        original = getattr(record, self.change_field)
        now = timezone.now()
        for i in range(n):
            setattr(record, self.change_field, self.change_value if i % 2 == 0 else original)
            operations.update_record(instance=record, acting_user=None, now=now)
            changelog.log_event(
                instance=record,
                event="query_count_probe",
                message=f"Ereignis {i}",
                data={"index": i},
                acting_user=None,
                now=now,
            )

    def record_pages(self, record) -> list[str]:
        """The record page and each of its tabs (each answers a plain request with the whole
        page, and htmx gets the tab's part of it)."""
        pages = [self.url(view, record) for view in ("detail", "history", "timeline", "access")]
        with suppress(NoReverseMatch):  # only where records are shared one by one
            pages.append(reverse(self.record_type.url_name("shares"), args=[record.pk]))
        pages += [
            reverse(self.record_type.url_name(tab.name), args=[record.pk])
            for tab in self.record_type.related_tabs
        ]
        pages += [reverse(tab.url_name, args=[record.pk]) for tab in self.record_type.tabs]
        return pages

    @staticmethod
    def page_queries(client, url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(context.captured_queries)

    def test_record_page_query_count_does_not_grow_with_related_rows(self, client, make_user):
        """The record page and every tab, with a few related rows and with many, for a user
        who may change the record and read every record type (so every related row shows)."""
        record = self.factory()
        readable = [
            f"{rt.model._meta.app_label}.read_{rt.model._meta.model_name}" for rt in registry
        ]
        client.force_login(make_user(*self.perms("read", "write"), *readable))
        pages = self.record_pages(record)
        self.grow_related(record, 2)
        for url in pages:  # also a warm-up: Django's content type cache, the user's rights
            assert client.get(url).status_code == 200, url
        few = {url: self.page_queries(client, url) for url in pages}
        self.grow_related(record, 8)
        many = {url: self.page_queries(client, url) for url in pages}
        grown = {url: (few[url], many[url]) for url in pages if many[url] != few[url]}
        assert not grown, f"queries (few related rows, more) grow on {grown}"

    def test_detail(self, client, make_user):
        record = self.factory()
        self.login(client, make_user, "read")
        response = client.get(self.url("detail", record))
        assert response.status_code == 200
        assert str(record) in response.content.decode()

    def test_detail_out_of_reach_is_404(self, client, make_user):
        record = self.factory()
        self.login(client, make_user)
        assert client.get(self.url("detail", record)).status_code == 404
        assert client.get(self.url("history", record)).status_code == 404

    def test_create_through_form_is_logged(self, client, make_user):
        user = self.login(client, make_user, "read", "create")
        response = client.post(self.url("add"), self.typed(self.valid_form_data()))
        assert response.status_code == 302, response.content.decode()
        record = self.model.objects.latest("pk")
        assert response["Location"] == record.get_absolute_url()
        [entry] = history(record)
        assert (entry.kind, entry.user) == (ObjectChange.Kind.CREATE, user)

    def test_create_without_permission_is_refused(self, client, make_user):
        self.login(client, make_user, "read")
        before = self.model.objects.count()
        assert client.post(self.url("add"), self.typed(self.valid_form_data())).status_code == 403
        assert self.model.objects.count() == before

    def test_create_with_bad_field_names_it(self, client, make_user):
        self.login(client, make_user, "read", "create")
        field, value = self.bad_field
        before = self.model.objects.count()
        data = self.typed({**self.valid_form_data(), field: value})
        response = client.post(self.url("add"), data)
        assert response.status_code == 422
        assert field in response.context["form"].errors
        assert self.model.objects.count() == before

    def test_edit_shows_old_and_new_value_in_history(self, client, make_user):
        record = self.factory()
        old_value = getattr(record, self.change_field)
        self.login(client, make_user, "read", "write")
        data = {
            **self.valid_form_data(),
            **self.form_values_of(record),
            self.change_field: self.change_value,
        }
        response = client.post(self.url("edit", record), self.typed(data))
        assert response.status_code == 302, response.content.decode()
        page = client.get(self.url("history", record)).content.decode()
        assert str(old_value) in page
        assert str(self.change_value) in page
        entry = history(record)[-1]
        assert entry.changes[self.change_field]["old"] == old_value
        assert entry.changes[self.change_field]["new"] == self.change_value

    def test_edit_out_of_reach_is_404(self, client, make_user):
        record = self.factory()
        self.login(client, make_user)
        data = self.typed(self.valid_form_data())
        assert client.post(self.url("edit", record), data).status_code == 404

    def test_edit_of_a_readable_record_without_write_permission_is_403(self, client, make_user):
        record = self.factory()
        self.login(client, make_user, "read")
        page = client.get(self.url("detail", record)).content.decode()
        assert self.url("edit", record) not in page
        data = self.typed(self.valid_form_data())
        assert client.post(self.url("edit", record), data).status_code == 403

    def test_delete_is_logged(self, client, make_user):
        record = self.factory()
        self.login(client, make_user, "read", "delete")
        assert client.post(self.url("delete", record)).status_code == 302
        assert not self.model.objects.filter(pk=record.pk).exists()
        assert history(record)[-1].kind == ObjectChange.Kind.DELETE

    def test_delete_out_of_reach_is_404(self, client, make_user):
        record = self.factory()
        self.login(client, make_user)
        assert client.post(self.url("delete", record)).status_code == 404
        assert self.model.objects.filter(pk=record.pk).exists()

    def form_values_of(self, record) -> dict:
        form = self.record_type.form_class(instance=record)
        return {name: value for name, value in form.initial.items() if value is not None}

    # --- API ---------------------------------------------------------------------------------
    def test_api_without_token_is_401(self, api_client):
        response = api_client.get(self.api_path)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"

    def test_api_list_paginates_with_count(self, api_client, make_user):
        self.factory.create_batch(3)
        self.api_login(api_client, make_user, "read")
        response = api_client.get(self.api_path, {"limit": 2})
        assert response.status_code == 200
        assert response.json()["count"] == self.model.objects.count()
        assert len(response.json()["results"]) == 2

    def test_api_list_query_count_does_not_grow_with_rows(self, api_client, make_user):
        self.api_login(api_client, make_user, "read")
        self.factory.create_batch(2)
        api_client.get(self.api_path)  # warm-up: Django's content type cache
        few = count_queries(lambda: api_client.get(self.api_path))
        self.factory.create_batch(48)
        many = count_queries(lambda: api_client.get(self.api_path))
        assert few == many

    def test_api_list_without_permission_is_empty(self, api_client, make_user):
        self.factory()
        self.api_login(api_client, make_user)
        assert api_client.get(self.api_path).json()["count"] == 0

    def test_api_out_of_reach_is_404(self, api_client, make_user):
        record = self.factory()
        self.api_login(api_client, make_user)
        assert api_client.get(f"{self.api_path}{record.pk}/").status_code == 404
        patch = api_client.patch(
            f"{self.api_path}{record.pk}/", {self.change_field: self.change_value}
        )
        assert patch.status_code == 404

    def test_api_create_without_permission_is_403(self, api_client, make_user):
        self.api_login(api_client, make_user, "read")
        before = self.model.objects.count()
        response = api_client.post(self.api_path, self.valid_api_data(), format="json")
        assert response.status_code == 403
        assert self.model.objects.count() == before

    def test_api_write_to_a_readable_record_without_permission_is_403(self, api_client, make_user):
        record = self.factory()
        old_value = getattr(record, self.change_field)
        self.api_login(api_client, make_user, "read")
        path = f"{self.api_path}{record.pk}/"
        assert api_client.patch(path, {self.change_field: self.change_value}).status_code == 403
        assert api_client.delete(path).status_code == 403
        record.refresh_from_db()
        assert getattr(record, self.change_field) == old_value

    def test_api_create(self, api_client, make_user):
        user = self.api_login(api_client, make_user, "read", "create")
        response = api_client.post(self.api_path, self.valid_api_data(), format="json")
        assert response.status_code == 201, response.json()
        assert response["ETag"]
        record = self.model.objects.get(pk=response.json()["id"])
        assert history(record)[0].user == user

    def test_api_patch_with_current_etag(self, api_client, make_user):
        record = self.factory()
        self.api_login(api_client, make_user, "read", "write")
        etag = api_client.get(f"{self.api_path}{record.pk}/")["ETag"]
        response = api_client.patch(
            f"{self.api_path}{record.pk}/",
            {self.change_field: self.change_value},
            format="json",
            headers={"If-Match": etag},
        )
        assert response.status_code == 200, response.json()
        assert response["ETag"] != etag
        record.refresh_from_db()
        assert getattr(record, self.change_field) == self.change_value
        assert self.change_field in history(record)[-1].changes

    def test_api_patch_with_stale_etag_is_412_and_changes_nothing(self, api_client, make_user):
        record = self.factory()
        old_value = getattr(record, self.change_field)
        self.api_login(api_client, make_user, "read", "write")
        response = api_client.patch(
            f"{self.api_path}{record.pk}/",
            {self.change_field: self.change_value},
            format="json",
            headers={"If-Match": '"stale"'},
        )
        assert response.status_code == 412
        assert response["Content-Type"] == "application/problem+json"
        record.refresh_from_db()
        assert getattr(record, self.change_field) == old_value
        assert len(history(record)) == 0

    def test_api_bad_field_is_named_in_problem_json(self, api_client, make_user):
        record = self.factory()
        self.api_login(api_client, make_user, "read", "write")
        field, value = self.bad_field
        response = api_client.patch(f"{self.api_path}{record.pk}/", {field: value}, format="json")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 400
        assert field in [error["field"] for error in problem["errors"]]

    def test_api_delete(self, api_client, make_user):
        record = self.factory()
        self.api_login(api_client, make_user, "read", "delete")
        assert api_client.delete(f"{self.api_path}{record.pk}/").status_code == 204
        assert not self.model.objects.filter(pk=record.pk).exists()

    # --- field-level security ----------------------------------------------------------------
    def test_every_secured_field_is_declared_with_test_values(self):
        assert set(self.secured_values) == secured_fields(self.model)

    def require_secured(self) -> None:
        if not self.secured_values:
            pytest.skip("dieser Datensatztyp hat keine feldgesicherten Felder")

    def secured_record(self):
        """A record whose secured fields were set by a change, so its history holds the values."""
        record = self.factory()
        for name, (value, _other) in self.secured_values.items():
            setattr(record, name, value)
        operations.update_record(instance=record, acting_user=None, now=timezone.now())
        return record

    def secured_forms(self) -> dict[str, set[str]]:
        """Per secured field, the ways its value may be written: as stored, localized, and a
        choice's label."""
        forms = {}
        for name, (value, _other) in self.secured_values.items():
            model_field = self.model._meta.get_field(name)
            texts = {str(value), str(localize(value)), changelog.format_value(model_field, value)}
            forms[name] = texts
        return forms

    def secured_texts(self) -> set[str]:
        return set().union(*self.secured_forms().values())

    def secured_form_data(self, record, index: int) -> dict:
        fields = self.record_type.form_class.base_fields
        values = {
            name: fields[name].prepare_value(pair[index]) if name in fields else pair[index]
            for name, pair in self.secured_values.items()
        }  # as the form shows them (e.g. a list one entry per line)
        return self.typed({**self.valid_form_data(), **self.form_values_of(record), **values})

    def test_secured_values_appear_nowhere_without_a_profile(self, client, api_client, make_user):
        self.require_secured()
        record = self.secured_record()
        self.login(client, make_user, "read", "write")
        self.api_login(api_client, make_user, "read", "write")
        pages = [self.url("list"), self.url("detail", record), self.url("history", record)]
        pages += [self.url("access", record), self.url("edit", record)]
        pages += [f"{self.url('list')}?sort={name}" for name in self.secured_values]
        api = [self.api_path, f"{self.api_path}{record.pk}/", f"{self.api_path}{record.pk}/access/"]
        api += [f"{self.api_path}?ordering={name}" for name in self.secured_values]
        for url, get in [(url, client.get) for url in pages] + [
            (url, api_client.get) for url in api
        ]:
            response = get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert not [text for text in self.secured_texts() if text in body], url

        # Sorting by the field sorts by nothing: otherwise the order tells the values apart.
        second = self.factory()
        for name, (_value, other) in self.secured_values.items():
            setattr(second, name, other)
        operations.update_record(instance=second, acting_user=None, now=timezone.now())
        links = [f'href="{r.get_absolute_url()}"' for r in (record, second)]
        for name in self.secured_values:
            orders = []
            for sort in (name, f"-{name}"):
                body = client.get(self.url("list"), {"sort": sort}).content.decode()
                orders.append(sorted(links, key=body.find))
                ids = [
                    r["id"]
                    for r in api_client.get(self.api_path, {"ordering": sort}).json()["results"]
                ]
                orders.append([i for i in ids if i in (record.pk, second.pk)])
            assert orders[0] == orders[2], f"UI sort={name}"
            assert orders[1] == orders[3], f"API ordering={name}"

        # Filtering or searching by the value answers as for any other value: the record's
        # presence tells nothing (the probe's own text is echoed in the page, so only the
        # records found are compared).
        link = f'href="{record.get_absolute_url()}"'
        for name, (value, _other) in self.secured_values.items():
            for param in (name, "q"):
                found, missed = [
                    client.get(self.url("list"), {param: probe}).content.decode()
                    for probe in (value, "KEIN-TREFFER-0000")
                ]
                assert (link in found) == (link in missed), param
                found, missed = [
                    api_client.get(self.api_path, {param: probe}).json()
                    for probe in (value, "KEIN-TREFFER-0000")
                ]
                assert found == missed, param

    def test_secured_field_readable_with_a_read_profile_but_not_writable(
        self, client, api_client, make_user, grant_fields
    ):
        self.require_secured()
        record = self.secured_record()
        user = self.login(client, make_user, "read", "write")
        api_client.force_authenticate(user)
        grant_fields(user, self.model, *self.secured_values)
        detail = client.get(self.url("detail", record)).content.decode()
        assert all(any(text in detail for text in texts) for texts in self.secured_forms().values())
        form = client.get(self.url("edit", record)).context["form"]
        assert all(form.fields[name].disabled for name in self.secured_values)
        entries = len(history(record))

        response = client.post(self.url("edit", record), self.secured_form_data(record, 1))
        assert response.status_code == 422
        errors = " ".join(response.context["form"].non_field_errors())
        for name in self.secured_values:
            assert str(self.model._meta.get_field(name).verbose_name) in errors
        patch = api_client.patch(
            f"{self.api_path}{record.pk}/",
            {name: other for name, (_value, other) in self.secured_values.items()},
            format="json",
        )
        assert patch.status_code == 400
        assert set(self.secured_values) <= {error["field"] for error in patch.json()["errors"]}
        record.refresh_from_db()
        for name, (value, _other) in self.secured_values.items():
            assert getattr(record, name) == value
        assert len(history(record)) == entries

    def test_secured_field_writable_with_a_write_profile(
        self, client, api_client, make_user, grant_fields
    ):
        self.require_secured()
        record = self.secured_record()
        user = self.login(client, make_user, "read", "write")
        api_client.force_authenticate(user)
        grant_fields(user, self.model, *self.secured_values, write=True)
        response = client.post(self.url("edit", record), self.secured_form_data(record, 1))
        assert response.status_code == 302, response.content.decode()
        patch = api_client.patch(
            f"{self.api_path}{record.pk}/",
            {name: value for name, (value, _other) in self.secured_values.items()},
            format="json",
        )
        assert patch.status_code == 200, patch.json()
        record.refresh_from_db()
        for name, (value, _other) in self.secured_values.items():
            assert getattr(record, name) == value
            assert name in history(record)[-1].changes

    def test_create_with_a_secured_value_needs_write_on_the_field(self, api_client, make_user):
        self.require_secured()
        self.api_login(api_client, make_user, "read", "create")
        before = self.model.objects.count()
        data = {
            **self.valid_api_data(),
            **{name: value for name, (value, _other) in self.secured_values.items()},
        }
        response = api_client.post(self.api_path, data, format="json")
        assert response.status_code == 400
        assert set(self.secured_values) <= {error["field"] for error in response.json()["errors"]}
        assert self.model.objects.count() == before
