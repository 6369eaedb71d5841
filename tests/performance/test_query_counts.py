"""Query counts of the busiest read endpoints, pinned: a list costs the same at 1 row and at 50.

The data comes from the load generator (``loadtest``) at a small size, so every state, document,
review, loan schedule and ledger entry is there as at full scale. A new N+1 makes these fail.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import Application
from disbursements.models import Loan
from funds.ledger import ledger_totals_verify
from loadtest.generator import ledger_check
from organizations.choices import Role
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

# Every request authenticates with a token, as API clients do: one query reads the token, the person
# and their active staff roles together (``organizations.authentication``).
LIST_QUERIES = 3  # the caller, the page's count, the page (organisation names by subquery)
DETAIL_QUERIES = 2  # the caller, the application (with fund, organisation, "any information requests?")
DETAIL_WITH_REQUESTS_QUERIES = 3  # ... and its information requests, when it has some
DRAFT_DETAIL_QUERIES = 4  # ... and, for a draft's live assessment, the fund's balances and parameters
SCHEDULE_QUERIES = 2  # the caller, the instalments of the loan if the caller may see it
PORTFOLIO_QUERIES = 5  # the caller, the fund, the portfolio aggregate, the collections, the balances
FUNDS_QUERIES = 4  # the caller, the funds, their current parameters, their balances


@pytest.fixture
def fresh():
    """A client that authenticates as ``user`` with a token on every request, as real clients do."""
    from rest_framework.test import APIClient

    from organizations.services import api_token_create

    def client_for(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user).key}")
        return client

    return client_for


@pytest.fixture
def secretariat():
    return staff_user(Role.SECRETARIAT)


@pytest.fixture
def finance():
    return staff_user(Role.FINANCE)


def test_generated_ledger_balances_and_matches_the_loans(load_data):
    figures = ledger_check()
    for name, value in figures.items():
        if name.endswith("debits-credits"):
            assert Decimal(value) == 0, name
    assert Decimal(figures["youth loans receivable (ledger)"]) == Decimal(
        figures["youth unpaid principal of live loans"])
    assert ledger_totals_verify() == []
    assert Loan.objects.count() == 12
    assert Application.objects.count() == 160


def test_list_costs_the_same_for_one_row_and_fifty(load_data, secretariat, fresh, django_assert_num_queries):
    one = Application.objects.select_related("fund").order_by("id").first()
    url = f"/api/v1/applications/?organization={one.organization_id}&fund={one.fund.code}&status={one.status}"
    client = fresh(secretariat)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] >= 1
    client = fresh(secretariat)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/api/v1/applications/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50


def test_detail(load_data, secretariat, fresh, django_assert_num_queries):
    application = Application.objects.filter(status="in_execution", information_requests=None).first()
    client = fresh(secretariat)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(f"/api/v1/applications/{application.pk}/")
    assert response.status_code == 200
    assert response.json()["status"] == "in_execution"
    assert response.json()["information_requests"] == []
    asked = Application.objects.filter(information_requests__isnull=False).distinct().first()
    with django_assert_num_queries(DETAIL_WITH_REQUESTS_QUERIES):
        response = client.get(f"/api/v1/applications/{asked.pk}/")
    assert response.status_code == 200
    assert len(response.json()["information_requests"]) == asked.information_requests.count() >= 1
    draft = Application.objects.filter(status="draft").first()
    client = fresh(secretariat)
    with django_assert_num_queries(DRAFT_DETAIL_QUERIES):
        response = client.get(f"/api/v1/applications/{draft.pk}/")
    assert response.status_code == 200
    assert "eligible" in response.json()["assessment"]


def test_loan_schedule(load_data, finance, fresh, django_assert_num_queries):
    loan = Loan.objects.filter(status__in=["active", "in_arrears"]).first()
    client = fresh(finance)
    with django_assert_num_queries(SCHEDULE_QUERIES):
        response = client.get(f"/api/v1/loans/{loan.pk}/schedule/")
    assert response.status_code == 200
    assert [row["n"] for row in response.json()] == list(range(1, 21))


def test_portfolio_report(load_data, finance, fresh, django_assert_num_queries):
    client = fresh(finance)
    with django_assert_num_queries(PORTFOLIO_QUERIES):
        response = client.get("/api/v1/reports/portfolio/?fund=youth-revolving")
    assert response.status_code == 200
    live = Loan.objects.filter(status__in=["active", "in_arrears"]).count()
    assert response.json()["loans"] == live


def test_funds_list(load_data, secretariat, fresh, django_assert_num_queries):
    client = fresh(secretariat)
    with django_assert_num_queries(FUNDS_QUERIES):
        response = client.get("/api/v1/funds/")
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"] if isinstance(body, dict) else body) == 4


def test_generated_history_spans_ten_years(load_data):
    oldest = Application.objects.order_by("created_at").first().created_at.date()
    assert oldest < timezone.localdate() - datetime.timedelta(days=365 * 3)
