from decimal import Decimal

import pytest
from django.core.management import call_command

from funds.ledger import balances_by_fund
from funds.models import Fund, FundParameters, LedgerTransaction
from organizations.models import Organization, StaffRole, User
from reporting.models import ProjectReport
from reporting.outcomes import OutcomeFilters, outcomes

pytestmark = pytest.mark.django_db

DEMO_USERS = {"admin", "secretariat", "committee1", "committee2", "committee3", "finance",
              "finance2", "auditor", "opp-a", "opp-b"}


def snapshot():
    return (
        sorted(User.objects.values_list("username", "password")),
        sorted(Organization.objects.values_list("fairtrade_id", "short_name")),
        sorted(StaffRole.objects.values_list("user__username", "role", "fund__code")),
        FundParameters.objects.count(),
        LedgerTransaction.objects.count(),
    )


def test_seed_demo_creates_the_demo_and_a_second_run_changes_nothing():
    call_command("seed_demo", password="p-demo-1")
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
    # The demo's two paid awards (with accepted reports, for the outcomes page) are all that left the
    # funds: a climate grant of 9,000 and a catastrophic compensation of 16,200.
    paid = {"climate-eventuality": Decimal("9000.00"), "catastrophic-events": Decimal("16200.00")}
    assert {f.code: balances[f.pk].capital - balances[f.pk].available for f in funds} == {
        f.code: paid.get(f.code, Decimal("0.00")) for f in funds}
    accepted = ProjectReport.objects.filter(status="accepted")
    assert sorted(accepted.values_list("kind", flat=True)) == ["final", "progress", "use_of_funds"]
    assert outcomes(OutcomeFilters())["indicators"]

    chairs = StaffRole.objects.filter(role="committee_chair")
    assert set(chairs.values_list("user__username", flat=True)) == {"committee3"}
    assert chairs.count() == 4
    for fund in funds:
        members = StaffRole.objects.active().filter(fund=fund)
        assert set(members.values_list("user__username", flat=True)) == {
            "committee1", "committee2", "committee3"
        }
