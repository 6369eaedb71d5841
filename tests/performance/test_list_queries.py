"""Query counts of every list, pinned: a searched, sorted page costs the same at 1 row and at 50.

Pages are signed in with a session; the API with a token (as in ``test_query_counts``).
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from organizations.choices import Role
from organizations.models import User
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

# Pages: three queries to know who asks (the session, the person, their roles), then what the page reads.
PAGES = {
    "/applications/": 5,  # the count, the page (fund and organisation joined)
    "/secretariat/": 5,  # the same
    "/committee/": 6,  # ... and the page's reviews
    "/finance/": 8,  # the funds, their balances, the portfolio report; the count and the page to pay
    "/finance/disbursements/": 5,  # the count, the page
    "/finance/loans/": 6,  # the count, the page, the page's figures (the youth fund for the overview only)
    "/finance/funds/youth-revolving/": 7,  # the fund, its balances (two), the count, the page

    "/organisations/": 6,  # the count, the page, the page's products
    "/people/": 6,  # the count, the page, the page's staff roles
}
# Every signed-in page's header also counts the person's unread notices: one query more.
HEADER = 1
# The first page of these whole lists also shows an overview of every row (the portfolio report and its
# PAR30 chart, the fund's balance chart): the reports' own cost, pinned with the reports.
WITH_OVERVIEW = ("/finance/loans/", "/finance/funds/youth-revolving/")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _reference(**conditions) -> str:
    return Application.objects.filter(**conditions).order_by("id").first().reference


def test_every_list_page_costs_the_same_for_one_row_and_fifty(load_data):
    from organizations.models import Organization

    paid_loan = _reference(status="in_execution", fund__code="youth-revolving")
    narrow = {
        "/applications/": paid_loan,
        "/secretariat/": _reference(status__in=["submitted", "screening", "information_requested"]),
        "/committee/": _reference(status="committee_review", fund__code="youth-revolving"),
        "/finance/": _reference(disbursements__status__in=["pending", "approved"]),
        "/finance/disbursements/": paid_loan,
        "/finance/loans/": paid_loan,
        "/finance/funds/youth-revolving/": paid_loan,
        "/organisations/": Organization.objects.order_by("id").first().fairtrade_id,
        "/people/": User.objects.filter(organization__isnull=False).order_by("id").first().username,
    }
    clients = {
        "staff": _client(staff_user(Role.SECRETARIAT)),
        "finance": _client(User.objects.get(username="load-finance")),
        "member": _client(User.objects.get(username="load-youth-revolving-member1")),
        "administrator": _client(User.objects.get(username="load-admin")),
    }
    who = {"/committee/": "member", "/people/": "administrator"}
    wide, searched, whole = {}, {}, {}
    for url in PAGES:
        client = clients[who.get(url, "finance" if url.startswith("/finance/") else "staff")]
        whole[url] = _queries(client, url)
        wide[url] = _queries(client, f"{url}?search=a")  # most rows: a full page
        searched[url] = _queries(client, f"{url}?search={narrow[url]}&ordering=-{SORT.get(url, 'reference')}")
    assert searched == wide, (wide, searched)
    assert wide == {url: count + HEADER for url, count in PAGES.items()}, f"measured: {wide}"
    assert {url: count for url, count in whole.items() if url not in WITH_OVERVIEW} == {
        url: count + HEADER for url, count in PAGES.items() if url not in WITH_OVERVIEW}, f"measured: {whole}"


SORT = {"/finance/funds/youth-revolving/": "date", "/organisations/": "name", "/people/": "name"}


# The API with a token: one query for who asks (token, person and roles together), then the list's.
API = {
    "/api/v1/applications/": 3,  # the count, the page (organisation names by subquery)
    "/api/v1/disbursements/": 3,  # the count, the page
    "/api/v1/loans/": 3,  # the count, the page with its figures
    "/api/v1/funds/youth-revolving/ledger/": 5,  # the fund, the count, the page, the balances (two)
    "/api/v1/organizations/": 4,  # the count, the page, the page's products
}
API_SORT = {"/api/v1/applications/": "organization", "/api/v1/disbursements/": "amount",
            "/api/v1/loans/": "principal", "/api/v1/funds/youth-revolving/ledger/": "date",
            "/api/v1/organizations/": "country"}


def test_every_api_list_costs_the_same_searched_and_sorted(load_data):
    from rest_framework.test import APIClient

    from organizations.services import api_token_create

    client = APIClient()
    token = api_token_create(user=User.objects.get(username="load-finance"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    word = _reference(status="in_execution", fund__code="youth-revolving")
    wide, searched = {}, {}
    for url in API:
        wide[url] = _queries(client, url)
        term = word if "organizations" not in url else "a"
        searched[url] = _queries(client, f"{url}?search={term}&ordering=-{API_SORT[url]}")
    assert searched == wide, (wide, searched)
    assert wide == API, f"measured: {wide}"
