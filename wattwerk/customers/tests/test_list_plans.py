"""The account list's common filters are read from an index in the order of the list, not
from the whole table (on the bench's M: 150,000 accounts)."""

import pytest

from wattwerk.core.testing import sqlite_query_plan
from wattwerk.customers.models import Account, Segment

from .factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_the_key_accounts_by_name_come_from_their_own_range_in_order():
    for segment in (Segment.A, Segment.C, Segment.C):
        AccountFactory(segment=segment)
    query = Account.objects.filter(segment=Segment.A).order_by("name").values("pk")[:25]
    plan = sqlite_query_plan(query)
    assert "account_segment" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # SQLite: no sort of the matches
