import pytest
from django.core.management import call_command
from django.utils import timezone

from calls.models import Call
from funds.models import FundCode

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_open_call_of_each_fund_this_year_and_a_second_run_adds_none():
    call_command("seed_demo", password="p-demo-1")
    call_command("seed_demo", password="p-demo-1")

    today = timezone.localdate()
    # This year's; the demo's past also has last year's calls, closed, for its older files.
    this_year = Call.objects.filter(opens_on__year=today.year)
    calls = {call.fund.code: call for call in this_year.select_related("fund")}
    assert set(calls) == set(FundCode.values) and this_year.count() == 4
    assert all(call.is_open_on(today) and call.opens_on.year == today.year for call in calls.values())
    assert calls["certification-subsidy"].always_open
    assert calls["youth-revolving"].title_in("pt") == f"Fundo rotativo juvenil {today.year}"
