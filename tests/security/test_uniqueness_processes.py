"""Rules per organisation hold when separate processes (two web workers) race on PostgreSQL: one
subsidy per organisation and certification year at submission, and at approval the catastrophic
fund's cap per organisation and the subsidy's budget of the year.

PostgreSQL only: SQLite serialises writers itself, so the race would prove nothing there.
"""

import datetime
from decimal import Decimal

import pytest

from applications.models import Application
from funds.models import Fund, FundCode, FundKind, FundParameters
from tests.factories import OppUserFactory
from tests.workflow import cast_for, drive, review_all

from .processes import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SUBSIDY = "certification-subsidy"
CATASTROPHIC = "catastrophic-events"


@pytest.fixture(autouse=True)
def funds():
    for code in FundCode.values:  # a transactional test may start from empty tables
        Fund.objects.get_or_create(
            code=code, defaults={"kind": FundKind.LOAN if code == "youth-revolving" else FundKind.GRANT}
        )


def test_two_processes_submitting_subsidies_of_one_organisation_for_one_year_submit_one():
    applicant = OppUserFactory()
    first, second = (drive(fund_code=SUBSIDY, to="draft", applicant=applicant) for _ in range(2))

    outcomes = race(("submit", (first.pk, applicant.pk)), ("submit", (second.pk, applicant.pk)))

    assert outcomes == ["Invalid", "ok"]
    statuses = Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    assert sorted(statuses) == ["draft", "submitted"]


def test_two_processes_approving_claims_of_one_organisation_keep_its_cap():
    applicant = OppUserFactory()
    cast = cast_for(CATASTROPHIC)
    first, second = (drive(fund_code=CATASTROPHIC, to="committee_review", applicant=applicant, cast=cast)
                     for _ in range(2))
    for application in (first, second):
        review_all(application, cast)
    # Each claim alone may have 18,000.00; the organisation's cap is 20,000.00.

    outcomes = race(("approve", (first.pk, cast.chair.pk, "18000.00")),
                    ("approve", (second.pk, cast.chair.pk, "18000.00")))

    assert outcomes == ["Invalid", "ok"]
    awarded = Application.objects.filter(pk__in=[first.pk, second.pk], status="approved")
    assert [a.approved_amount for a in awarded] == [Decimal("18000.00")]


def test_two_processes_approving_subsidies_keep_the_budget_of_the_year():
    FundParameters.objects.create(fund=Fund.objects.get(code=SUBSIDY), valid_from=datetime.date(2000, 1, 1),
                                  values={"annual_budget": "3000.00"})
    cast = cast_for(SUBSIDY)
    first, second = (drive(fund_code=SUBSIDY, to="committee_review", cast=cast) for _ in range(2))
    amount = first.assessment["max_award"]
    assert Decimal(amount) > Decimal("1500.00")
    for application in (first, second):
        review_all(application, cast)

    outcomes = race(("approve", (first.pk, cast.chair.pk, amount)),
                    ("approve", (second.pk, cast.chair.pk, amount)))

    assert outcomes == ["Invalid", "ok"]
    statuses = Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    assert sorted(statuses) == ["approved", "committee_review"]
