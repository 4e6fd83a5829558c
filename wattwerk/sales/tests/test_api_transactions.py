"""Extra API actions that write lock their record, and PostgreSQL allows a row lock only inside a
transaction: run as in production (no test transaction around the request), each answers
without a server error. On SQLite the lock is a no-op; the PostgreSQL run is the one that
tells."""

import pytest
from django.utils import timezone

from wattwerk.customers.tests.factories import AccountFactory, ContactFactory
from wattwerk.sales import operations

from .factories import LeadFactory, OpportunityFactory, energy
from .test_qualification import SALES, api_line

pytestmark = pytest.mark.django_db(transaction=True)


def test_write_actions_run_in_their_own_transaction(api_client, make_user, reference_data):
    user = make_user(*SALES)
    api_client.force_authenticate(user)
    lead = LeadFactory(owner=user)
    answer = api_client.post(f"/api/v1/leads/{lead.pk}/lines/", api_line(energy()), format="json")
    assert answer.status_code == 201, answer.json()
    line = lead.lines.get()
    answer = api_client.patch(
        f"/api/v1/leads/{lead.pk}/lines/{line.pk}/", {"annual_kwh": "5"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    other = LeadFactory(owner=user)
    answer = api_client.post(
        f"/api/v1/leads/{other.pk}/disqualify/", {"reason": "kein Bedarf"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    opportunity = OpportunityFactory(owner=user, account=AccountFactory(owner=user))
    operations.add_line(parent=opportunity, values=energy(), acting_user=None, now=timezone.now())
    answer = api_client.post(
        f"/api/v1/opportunities/{opportunity.pk}/close/", {"won": True}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    contact = ContactFactory(owner=user)
    answer = api_client.post(
        f"/api/v1/contacts/{contact.pk}/positions/",
        {"account": opportunity.account.pk, "position": "Einkauf"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    answer = api_client.delete(f"/api/v1/contacts/{contact.pk}/positions/{opportunity.account.pk}/")
    assert answer.status_code == 204
