"""The tab "Zeitleiste": changes, business events and activities of a record together, newest
first, filtered by kind, paged; completing an activity from it; a fixed number of queries."""

from datetime import timedelta
from urllib.parse import parse_qsl

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from wattwerk.access.models import Depth
from wattwerk.access.tests.factories import UserFactory, role_with
from wattwerk.activities.models import Activity
from wattwerk.core import operations as core_operations
from wattwerk.core import timeline
from wattwerk.core.testing import count_queries
from wattwerk.sales import operations

from .factories import LeadFactory, energy

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(client):
    """Reads and writes leads; reads, creates and writes only their own activities."""
    user = UserFactory()
    org, own = Depth.ORGANISATION, Depth.OWN
    user.roles.add(
        role_with(
            ("sales.read_lead", org),
            ("sales.write_lead", org),
            ("access.read_user", org),
            ("activities.read_activity", own),
            ("activities.create_activity", own),
            ("activities.write_activity", own),
        )
    )
    client.force_login(user)
    return user


def activity(lead, *, subject, hours, owner):
    due = timezone.now() + timedelta(hours=hours)
    return core_operations.create_record(
        instance=Activity(
            kind="task",
            subject=subject,
            regarding_type=ContentType.objects.get_for_model(lead),
            regarding_id=lead.pk,
            start=due - timedelta(hours=1),
            due=due,
            owner=owner,
        ),
        acting_user=None,
        now=timezone.now(),
    )


def kinds_in(page: str) -> list[str]:
    return [part.split('"')[0] for part in page.split('data-kind="')[1:]]


def test_changes_events_and_activities_together_newest_first(client, seller):
    lead = core_operations.create_record(
        instance=LeadFactory.build(owner=seller), acting_user=None, now=timezone.now()
    )
    operations.add_line(parent=lead, values=energy(), acting_user=seller, now=timezone.now())
    activity(lead, subject="Lastgang anfordern", hours=48, owner=seller)
    hidden = activity(lead, subject="Geheimes Telefonat", hours=24, owner=UserFactory())
    url = reverse("leads_timeline", args=[lead.pk])

    page = client.get(url).content.decode()
    assert kinds_in(page) == ["activities", "events", "changes"]  # the open task lies ahead
    assert "Lastgang anfordern" in page
    assert hidden.subject not in page  # another user's activity, out of the seller's reach
    assert f"regarding_id={lead.pk}" in page  # "Neue Aktivität" for this lead
    only = client.get(url, {"kinds": "activities"}).content.decode()
    assert kinds_in(only) == ["activities"]


def test_completing_from_the_timeline(client, seller):
    lead = LeadFactory(owner=seller)
    task = activity(lead, subject="Angebot nachfassen", hours=2, owner=seller)
    answer = client.post(reverse("activities_complete", args=[task.pk]), HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "erledigt" in answer.content.decode()
    lead.refresh_from_db()
    assert (lead.last_activity, lead.next_activity) == (task, None)


def test_paged_with_a_fixed_number_of_queries(client, seller):
    lead = LeadFactory(owner=seller)
    url = reverse("leads_timeline", args=[lead.pk])
    for hour in range(3):
        activity(lead, subject=f"Schritt {hour}", hours=hour, owner=seller)
    client.get(url)
    few = count_queries(lambda: client.get(url))
    for hour in range(3, timeline.PAGE + 10):
        activity(lead, subject=f"Schritt {hour}", hours=hour, owner=seller)
    assert count_queries(lambda: client.get(url)) == few

    first = client.get(url).content.decode()
    assert first.count('data-kind="activities"') == timeline.PAGE
    more = first.split('id="timeline-more"><a class="btn btn-sm btn-outline-secondary" href="?')[1]
    query = more.split('"')[0].replace("&amp;", "&")
    rest = client.get(f"{url}?{query}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="timeline-more")
    assert rest.content.decode().count('data-kind="activities"') == 10
    assert "<html" not in rest.content.decode()


def test_the_new_activity_form_is_prefilled(client, seller):
    lead = LeadFactory(owner=seller)
    content_type = ContentType.objects.get_for_model(lead)
    page = client.get(
        reverse("activities_add"), {"regarding_type": content_type.pk, "regarding_id": lead.pk}
    ).content.decode()
    assert f'<option value="{content_type.pk}" selected>' in page
    assert f'value="{lead.pk}"' in page


def test_entries_of_the_same_moment_are_not_lost_between_pages(client, seller):
    """One operation writes a change and an event at the same moment: paging by moment must not
    drop the one that falls on the page boundary."""
    lead = LeadFactory(owner=seller)
    url = reverse("leads_timeline", args=[lead.pk])
    same = timezone.now() - timedelta(days=1)
    for number in range(timeline.PAGE + 5):
        activity(lead, subject=f"Anruf {number}", hours=0, owner=seller)
    # Undated calls stand at their creation: the first ones a minute apart, seven at one moment
    # across the end of the first page.
    for number, call in enumerate(Activity.objects.filter(regarding_id=lead.pk).order_by("pk")):
        moment = same + timedelta(minutes=number + 1) if number < timeline.PAGE - 2 else same
        Activity.objects.filter(pk=call.pk).update(due=None, start=None, created_at=moment)
    shown = []
    query = {"kinds": "activities"}
    while True:
        page = client.get(url, query, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="timeline-more")
        body = page.content.decode()
        shown += [part.split("<")[0] for part in body.split("Anruf ")[1:]]
        if 'id="timeline-more"' not in body:
            break
        link = body.split('id="timeline-more"><a class="btn btn-sm btn-outline-secondary" href="?')[
            1
        ]
        query = dict(parse_qsl(link.split('"')[0].replace("&amp;", "&")))
    assert sorted(int(number) for number in shown) == list(range(timeline.PAGE + 5))
