"""The dashboards, the notice centre and the history of changes at the load generator's size: each
costs a fixed number of queries, whatever the portfolio holds (a new N+1 makes these fail)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from organizations.models import User

pytestmark = pytest.mark.django_db

# The most each page may cost: three queries to know who asks (the session, the person, their roles),
# the unread notices in the header, then the page's own.
PAGES = {
    ("load-secretariat", "/"): 9,  # one aggregate, overdue answers, reports to review and overdue, the clocks
    ("load-finance", "/"): 7,  # one aggregate, the new arrears (and their count when more than five)
    ("load-auditor", "/"): 10,  # recent changes: one query per kind of record, the funds' codes
    ("load-youth-revolving-chair", "/"): 24,  # to review (two), and the quorum rule for at most five files
    ("load-youth-revolving-member1", "/"): 6,  # to review: the count and five files
    # what waits (one aggregate), requests, the next instalment, reports due, the own list, the open calls
    ("opp", "/"): 14,
    ("opp", "/notices/"): 5,  # the count and the page
    # The generator writes in bulk, without history: the cost of a full page of changes is pinned in
    # tests/dashboard/test_history_page.py.
    ("load-auditor", "/history/"): 5,  # the count and the (empty) page
}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def test_dashboards_and_notices_cost_a_fixed_number_of_queries(load_data):
    opp = User.objects.filter(organization__isnull=False, is_active=True).order_by("id").first()
    measured = {}
    for username, url in PAGES:
        user = opp if username == "opp" else User.objects.get(username=username)
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        measured[(username, url)] = _queries(client, url)
    assert all(measured[key] <= limit for key, limit in PAGES.items()), f"measured: {measured}"
