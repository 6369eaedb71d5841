import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from applications.models import Application, InformationRequest
from applications.workflow import Status
from disbursements.models import Repayment
from disbursements.reports import BUCKETS, portfolio
from funds.ledger import balances_by_fund
from funds.models import Fund, FundParameters, LedgerTransaction
from organizations.models import Organization, StaffRole, User
from reporting.models import ProjectReport
from reporting.outcomes import OutcomeFilters, outcomes

pytestmark = pytest.mark.django_db

DEMO_USERS = {"admin", "secretariat", "committee1", "committee2", "committee3", "finance",
              "finance2", "auditor", "opp-a", "opp-b", "opp-c", "opp-d", "opp-e", "opp-f"}


def snapshot():
    return (
        sorted(User.objects.values_list("username", "password")),
        sorted(Organization.objects.values_list("fairtrade_id", "short_name")),
        sorted(StaffRole.objects.values_list("user__username", "role", "fund__code")),
        FundParameters.objects.count(),
        LedgerTransaction.objects.count(),
        sorted(Application.objects.values_list("id", "status", "updated_at")),
        Repayment.objects.count(),
        ProjectReport.objects.count(),
    )


def test_seed_demo_creates_the_demo_and_a_second_run_changes_nothing():
    started = time.monotonic()
    call_command("seed_demo", password="p-demo-1")
    took = time.monotonic() - started
    first = snapshot()
    call_command("seed_demo", password="p-demo-1")
    assert snapshot() == first

    assert set(User.objects.values_list("username", flat=True)) == DEMO_USERS
    assert User.objects.get(username="opp-a").check_password("p-demo-1")
    org_a = Organization.objects.get(members__username="opp-a")
    org_b = Organization.objects.get(members__username="opp-b")
    assert (org_a.country, org_a.grade, org_a.preferred_language) == ("HN", 1, "es")
    assert (org_b.country, org_b.grade, org_b.preferred_language) == ("BR", 2, "pt")
    assert "coffee" in org_a.products.values_list("code", flat=True)

    funds = list(Fund.objects.all())
    assert {f.code for f in funds} == {"certification-subsidy", "youth-revolving",
                                       "climate-eventuality", "catastrophic-events"}
    balances = balances_by_fund(funds)
    assert all(balances[f.pk].capital > 0 for f in funds)
    assert all(balances[f.pk].available < balances[f.pk].capital for f in funds)  # each fund paid out
    accepted = ProjectReport.objects.filter(status="accepted")
    assert {"final", "progress", "use_of_funds"} <= set(accepted.values_list("kind", flat=True))
    assert ProjectReport.objects.filter(status="due").exists()
    assert outcomes(OutcomeFilters())["indicators"]
    assert took < 60, f"seed_demo took {took:.1f} s"

    chairs = StaffRole.objects.filter(role="committee_chair")
    assert set(chairs.values_list("user__username", flat=True)) == {"committee3"}
    assert chairs.count() == 4
    for fund in funds:
        members = StaffRole.objects.active().filter(fund=fund)
        assert set(members.values_list("user__username", flat=True)) == {
            "committee1", "committee2", "committee3"
        }


def test_the_demo_has_a_past_in_every_state_and_every_arrears_bucket():
    """A year of files built by the services: every state, requests answered and expired, loans on
    time and in every arrears bucket, reports due and accepted."""
    call_command("seed_demo", password="p-demo-1")
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(Status.values), set(Status.values) - statuses
    for fund in Fund.objects.all():
        assert len(set(fund.applications.values_list("status", flat=True))) >= 5, fund.code
    assert InformationRequest.objects.filter(answered_at__isnull=False).exists()
    assert Application.objects.filter(status=Status.EXPIRED).exists()
    oldest = Application.objects.order_by("created_at").first().created_at
    assert (timezone.now() - oldest).days > 365

    report = portfolio(on=timezone.localdate())
    counts = {bucket["bucket"]: bucket["count"] for bucket in report["buckets"]}
    assert all(counts[bucket.code] >= 1 for bucket in BUCKETS), counts
    assert Decimal(report["par30"]) > 0
    assert Repayment.objects.exists()
