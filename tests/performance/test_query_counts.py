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
from loadtest.generator import LoadGenerator, Sizes, ledger_check
from organizations.choices import Role
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

# Token or session lookup is one more query in real requests; the tests authenticate directly.
LIST_QUERIES = 3  # the caller's staff roles, the page's count, the page (fund and organisation joined)
DETAIL_QUERIES = 3  # staff roles, the application (with fund and organisation), its information requests
DRAFT_DETAIL_QUERIES = 5  # ... and, for a draft's live assessment, the fund's balances and parameters
SCHEDULE_QUERIES = 3  # staff roles, the loan with its figures, the instalments
PORTFOLIO_QUERIES = 5  # staff roles, the fund, the portfolio aggregate, the collections, the balances
FUNDS_QUERIES = 3  # the funds, their current parameters, their balances


@pytest.fixture
def load_data():
    generator = LoadGenerator(sizes=Sizes(organizations=12, applications=160, loans=12), seed=7,
                              today=timezone.localdate(), chunk=1000, log=lambda line: None)
    generator.generate()


@pytest.fixture
def fresh(api_as):
    """A client for ``user`` loaded afresh, so that its roles are read as on every real request."""
    from organizations.models import User

    return lambda user: api_as(User.objects.get(pk=user.pk))


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
    application = Application.objects.filter(status="in_execution").first()
    client = fresh(secretariat)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(f"/api/v1/applications/{application.pk}/")
    assert response.status_code == 200
    assert response.json()["status"] == "in_execution"
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
