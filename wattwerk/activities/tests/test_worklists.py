"""Work lists, the week calendar, the iCalendar feed and the daily digest."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from wattwerk.access.models import Depth
from wattwerk.access.tests.factories import DepartmentFactory, UserFactory, role_with
from wattwerk.activities import reminders
from wattwerk.activities.models import Activity, CalendarFeed, ReminderDigest
from wattwerk.core import operations as core_operations
from wattwerk.core.models import OutboxEmail
from wattwerk.core.testing import count_queries
from wattwerk.energy.tests.factories import DeliveryPointFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def add(owner, subject, due, *, kind="task", regarding=None, department=None, status=None):
    values = {}
    if regarding is not None:
        values = {
            "regarding_type": ContentType.objects.get_for_model(type(regarding)),
            "regarding_id": regarding.pk,
        }
    activity = core_operations.create_record(
        instance=Activity(
            kind=kind,
            subject=subject,
            start=due - timedelta(hours=1) if due else None,
            due=due,
            owner=owner,
            assigned_department=department,
            **values,
        ),
        acting_user=None,
        now=timezone.now(),
    )
    if status:
        Activity.objects.filter(pk=activity.pk).update(status=status)
    return activity


@pytest.fixture
def worker(client):
    """Reads, writes and hands on their own activities (own-records depth)."""
    department = DepartmentFactory(name="Preisbildung")
    user = UserFactory(department=department, email="preise@sw.example")
    own = Depth.OWN
    user.roles.add(
        role_with(
            ("activities.read_activity", Depth.DEPARTMENT),
            ("activities.write_activity", own),
            ("activities.assign_activity", own),
            ("access.read_user", Depth.ORGANISATION),
        )
    )
    client.force_login(user)
    return user


def subjects(page: str) -> list[str]:
    return [part.split("</a>")[0].split(">")[-1] for part in page.split('<tr id="row-')[1:]]


def test_the_lists_by_due_date(client, worker):
    now = timezone.now()
    add(worker, "Gestern fällig", now - timedelta(days=1))
    add(worker, "Heute fällig", now + timedelta(minutes=5))
    add(worker, "In drei Wochen", now + timedelta(days=21))
    add(worker, "Schon erledigt", now, status="completed")
    add(UserFactory(department=worker.department), "Fremd", now, department=worker.department)
    url = reverse("activities_worklist")
    mine = client.get(url).content.decode()
    assert subjects(mine) == ["Gestern fällig", "Heute fällig", "In drei Wochen"]
    assert subjects(client.get(url, {"list": "overdue"}).content.decode()) == ["Gestern fällig"]
    queue = client.get(url, {"list": "department"}).content.decode()
    assert subjects(queue) == ["Fremd"]
    assert 'accesskey="1"' in mine  # the lists are reachable from the keyboard


def test_complete_reschedule_and_hand_on_in_place(client, worker):
    colleague = UserFactory(department=worker.department)
    task = add(worker, "Preisblatt", timezone.now() + timedelta(days=1))
    hx = {"HTTP_HX_REQUEST": "true"}
    answer = client.post(
        reverse("activities_reschedule", args=[task.pk]), {"due": "2027-01-15T10:00"}, **hx
    )
    assert answer.status_code == 200
    task.refresh_from_db()
    assert timezone.localtime(task.due) == datetime(2027, 1, 15, 10, 0, tzinfo=BERLIN)
    bad = client.post(reverse("activities_reschedule", args=[task.pk]), {"due": "morgen"}, **hx)
    assert bad.status_code == 422
    assert 'role="alert">fällig am: ' in bad.content.decode()  # the field named

    answer = client.post(
        reverse("activities_reassign", args=[task.pk]), {"owner": colleague.pk}, **hx
    )
    assert answer.status_code == 200
    task.refresh_from_db()
    assert task.owner == colleague
    # handed on, it is no longer the worker's to complete (still readable in the department)
    assert client.post(reverse("activities_done", args=[task.pk]), **hx).status_code == 403


def test_a_work_list_runs_a_fixed_number_of_queries(client, worker):
    now = timezone.now()
    url = reverse("activities_worklist")
    add(worker, "Eins", now, regarding=DeliveryPointFactory(owner=worker))
    client.get(url)
    few = count_queries(lambda: client.get(url))
    for number in range(10):
        add(worker, f"Mehr {number}", now, regarding=DeliveryPointFactory(owner=worker))
    assert count_queries(lambda: client.get(url)) == few


def test_the_week_calendar(client, worker):
    add(
        worker,
        "Termin beim Kunden",
        datetime(2026, 12, 16, 11, 0, tzinfo=BERLIN),
        kind="appointment",
    )
    add(worker, "Nächste Woche", datetime(2026, 12, 22, 11, 0, tzinfo=BERLIN))
    page = client.get(reverse("activities_calendar"), {"week": "2026-12-16"}).content.decode()
    assert 'data-week="2026-12-14"' in page
    day = page.split('data-day="2026-12-16"')[1].split('data-day="2026-12-17"')[0]
    assert "Termin beim Kunden" in day
    assert "Nächste Woche" not in page


def test_the_feed_holds_exactly_the_open_dated_activities_one_may_see(client, worker):
    now = timezone.now()
    visible = add(worker, "Lastgang anfordern", now + timedelta(days=2))
    add(worker, "Ohne Termin", None, kind="call")
    add(worker, "Erledigt", now, status="completed")
    add(UserFactory(), "Fremde Aufgabe", now)
    client.post(reverse("activities_feed_manage"), {"action": "issue"})
    feed = CalendarFeed.objects.get(user=worker)
    client.logout()
    answer = client.get(reverse("activities_feed", args=[feed.secret]))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(answer.content).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["Aufgabe: Lastgang anfordern"]
    assert events[0].decoded("DTEND") == visible.due.replace(microsecond=0)

    client.force_login(worker)
    client.post(reverse("activities_feed_manage"), {"action": "issue"})
    client.logout()
    assert client.get(reverse("activities_feed", args=[feed.secret])).status_code == 404
    renewed = CalendarFeed.objects.get(user=worker)
    assert client.get(reverse("activities_feed", args=[renewed.secret])).status_code == 200
    client.force_login(worker)
    client.post(reverse("activities_feed_manage"), {"action": "revoke"})
    client.logout()
    assert client.get(reverse("activities_feed", args=[renewed.secret])).status_code == 404


def test_one_digest_per_person_and_day(worker):
    morning = datetime(2026, 12, 7, 8, 0, tzinfo=BERLIN)  # a Monday
    add(worker, "Überfällig seit Freitag", morning - timedelta(days=3))
    add(worker, "Fällig morgen", morning + timedelta(days=1))
    add(worker, "Fällig in zwei Wochen", morning + timedelta(days=14))
    assert reminders.send_digests(now=morning - timedelta(hours=2)) == 0  # before 7 o'clock
    assert reminders.send_digests(now=morning) == 1
    assert reminders.send_digests(now=morning + timedelta(hours=3)) == 0  # once a day
    [email] = OutboxEmail.objects.all()
    assert email.recipients == ["preise@sw.example"]
    assert email.subject == "Ihre Aktivitäten: 1 überfällig, 1 bald fällig"
    assert "Fällig in zwei Wochen" not in email.body
    assert ReminderDigest.objects.get().activities == 2
    assert reminders.send_digests(now=morning + timedelta(days=1)) == 1  # the next day again


def test_the_assigned_department_may_work_on_the_task(client):
    """A department grant reaches an activity from its assigned department as well as from its
    owner's: credit management completes the check a sales person asked them for."""
    sales, credit = DepartmentFactory(name="Vertrieb"), DepartmentFactory(name="Kredit")
    seller = UserFactory(department=sales)
    analyst = UserFactory(department=credit)
    analyst.roles.add(
        role_with(
            ("activities.read_activity", Depth.DEPARTMENT),
            ("activities.write_activity", Depth.DEPARTMENT),
        )
    )
    ours = add(seller, "Bonität prüfen", timezone.now(), department=credit)
    theirs = add(seller, "Angebot schreiben", timezone.now(), department=sales)
    readable = Activity.objects.restrict(analyst, "read")
    assert list(readable) == [ours]
    client.force_login(analyst)
    queue = client.get(reverse("activities_worklist"), {"list": "department"}).content.decode()
    assert subjects(queue) == ["Bonität prüfen"]
    answer = client.post(reverse("activities_done", args=[ours.pk]), HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert client.post(reverse("activities_done", args=[theirs.pk])).status_code == 404


def test_the_feed_passes_the_rights(client):
    """Someone who lost the right to read activities sees none in the feed, own ones included."""
    nobody = UserFactory()
    add(nobody, "Eigene Aufgabe", timezone.now() + timedelta(days=1))
    feed = CalendarFeed.objects.create(user=nobody, secret="geheim-und-lang-genug-0123456789")
    answer = client.get(reverse("activities_feed", args=[feed.secret]))
    assert Calendar.from_ical(answer.content).walk("VEVENT") == []
