"""An OPP sees each fund's budget and what is available, never its internal balances; staff see all."""

import pytest

from organizations.choices import Role
from tests.factories import OppUserFactory, staff_user

pytestmark = pytest.mark.django_db

INTERNAL = {"capital", "cash", "committed", "disbursed", "outstanding", "interest_received", "written_off",
            "recovered", "grants_paid", "refunds_owed"}


def words(payload) -> set[str]:
    """Every key anywhere in a JSON answer."""
    if isinstance(payload, dict):
        return set(payload) | {key for value in payload.values() for key in words(value)}
    if isinstance(payload, list):
        return {key for item in payload for key in words(item)}
    return set()


def test_opp_staff_see_budget_and_available_only(api_as):
    client = api_as(OppUserFactory())
    funds = client.get("/api/v1/funds/").json()
    assert len(funds) == 4
    for fund in funds:
        assert {"budget", "available", "currency"} <= set(fund)
        assert fund["balances"] is None
        assert not words(fund) & INTERNAL, fund["code"]
    one = client.get("/api/v1/funds/youth-revolving/").json()
    assert {"budget", "available"} <= set(one) and not words(one) & INTERNAL and one["balances"] is None


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.FINANCE, Role.AUDITOR, Role.ADMINISTRATOR])
def test_staff_still_see_every_balance(api_as, role):
    funds = api_as(staff_user(role)).get("/api/v1/funds/").json()
    for fund in funds:
        assert set(fund["balances"]) >= INTERNAL
        assert fund["budget"] == fund["balances"]["capital"]
