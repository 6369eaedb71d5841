"""Reschedules: never in the future, within the fund's limits, interest carried to the cent (due,
accrued to the new start, prepaid kept), a preview equal to what is committed, and repayments dated
today still recorded afterwards."""

import datetime
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from django.utils import timezone

from disbursements.amortization import add_months, days_30e_360
from disbursements.models import Instalment
from disbursements.services import loans as loan_services
from tests.disbursements.conftest import paid_loan

pytestmark = pytest.mark.django_db
D = Decimal
CENT = D("0.01")


def _today():
    return timezone.localdate()


def _reschedule(client, loan, **body):
    return client.post(
        f"/api/v1/loans/{loan.pk}/reschedule/", {"reason": "Frost", **body}, format="json"
    )


def _pay(client, loan, key, amount, paid_on):
    return client.post(
        f"/api/v1/loans/{loan.pk}/repayments/",
        {"amount": str(amount), "paid_on": paid_on.isoformat(), "reference": key},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def _rows(loan, version):
    return list(Instalment.objects.filter(loan=loan, version=version).order_by("n"))


def _accrued(row, period_start, on):
    days = days_30e_360(period_start, row.due_date)
    return (row.interest * days_30e_360(period_start, on) / days).quantize(CENT, ROUND_HALF_EVEN)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_on": "tomorrow", "term_months": 12}, "starts_on"),
        ({"term_months": 37}, "term_months"),  # the fund lends for 36 months at most
        ({"term_months": 12, "grace_months": 7}, "grace_months"),  # and gives 6 months' grace at most
        ({"term_months": 6, "grace_months": 6}, "term_months"),  # grace shorter than the term
    ],
)
def test_a_reschedule_in_the_future_or_beyond_the_funds_limits_is_refused(api_as, body, field):
    loan = paid_loan(paid_on=_today() - datetime.timedelta(days=45))
    client = api_as(loan.finance)
    starts_on = _today() + datetime.timedelta(days=1) if body.get("starts_on") == "tomorrow" else _today()

    response = _reschedule(client, loan, **{**body, "starts_on": starts_on.isoformat()})

    assert response.status_code == 400, response.json()
    assert field in response.json()
    loan.refresh_from_db()
    assert (loan.schedule_version, loan.is_rescheduled) == (1, False)


def test_between_two_due_dates_it_charges_the_interest_accrued_to_that_date(api_as):
    paid_on = _today() - datetime.timedelta(days=45)
    loan = paid_loan(paid_on=paid_on)
    client = api_as(loan.finance)
    old = _rows(loan, 1)
    # Instalment 1 fell due about two weeks ago, unpaid; instalment 2 is in progress.
    assert old[0].due_date < _today() < old[1].due_date
    accrued = _accrued(old[1], old[0].due_date, _today())
    assert 0 < accrued < old[1].interest

    preview = loan_services.loan_reschedule_preview(
        loan_id=loan.pk, by=loan.finance, starts_on=_today(), term_months=12
    )
    assert (preview.interest_due, preview.interest_accrued, preview.interest_prepaid) == (
        old[0].interest, accrued, D("0.00")
    )
    loan.refresh_from_db()
    assert loan.schedule_version == 1 and len(_rows(loan, 2)) == 0  # the preview wrote nothing

    response = _reschedule(client, loan, starts_on=_today().isoformat(), term_months=12)
    assert response.status_code == 200, response.json()

    new = _rows(loan, 2)
    assert [(r.n, r.due_date, r.principal, r.interest) for r in new] == [
        (r.n, r.due_date, r.principal, r.interest) for r in preview.rows
    ]
    # The first new instalment: a month's interest on the principal owed, plus what was due, plus
    # the accrued part of the period in progress; nothing else is carried.
    own = (D("3000.00") * D("0.005")).quantize(CENT, ROUND_HALF_EVEN)
    assert new[0].interest == own + old[0].interest + accrued
    assert new[0].carried_interest == old[0].interest + accrued
    assert sum(r.principal for r in new) == D("3000.00")
    assert all(r.carried_interest == 0 for r in new[1:])
    assert add_months(_today(), 1) == new[0].due_date


def test_interest_already_prepaid_is_kept_not_charged_again(api_as):
    paid_on = _today() - datetime.timedelta(days=40)
    loan = paid_loan(paid_on=paid_on)
    client = api_as(loan.finance)
    old = _rows(loan, 1)
    # The group paid the first instalment and the whole second one ahead of time.
    ahead = _pay(client, loan, "ahead", old[0].total + old[1].total, _today() - datetime.timedelta(days=2))
    assert ahead.status_code == 201
    accrued = _accrued(old[1], old[0].due_date, _today())
    assert 0 < accrued < old[1].interest

    response = _reschedule(client, loan, starts_on=_today().isoformat(), term_months=12)
    assert response.status_code == 200, response.json()

    new = _rows(loan, 2)
    prepaid_beyond_today = old[1].interest - accrued
    assert new[0].carried_interest == -prepaid_beyond_today
    outstanding = D("3000.00") - old[0].principal - old[1].principal
    own = (outstanding * D("0.005")).quantize(CENT, ROUND_HALF_EVEN)
    assert new[0].interest == own - prepaid_beyond_today
    assert sum(r.principal for r in new) == outstanding
    # Over the loan's life: interest paid on the old schedule + interest on the new one = interest of
    # the old schedule up to today + the new schedule's own interest.
    own_new = sum(r.interest - r.carried_interest for r in new)
    charged = old[0].interest + old[1].interest + sum(r.interest for r in new)
    assert charged == old[0].interest + accrued + own_new


def test_a_repayment_dated_today_is_recorded_after_a_reschedule_dated_today(api_as):
    loan = paid_loan(paid_on=_today() - datetime.timedelta(days=45))
    client = api_as(loan.finance)
    assert _reschedule(client, loan, starts_on=_today().isoformat(), term_months=12).status_code == 200

    response = _pay(client, loan, "after", "50.00", _today())

    assert response.status_code == 201, response.json()
    first = _rows(loan, 2)[0]
    first.refresh_from_db()
    assert first.interest_paid + first.principal_paid == D("50.00")


def test_a_harvest_loan_is_rescheduled_on_new_harvest_dates_checked_like_at_approval(api_as):
    today = _today()
    loan = paid_loan(
        paid_on=today - datetime.timedelta(days=20),
        terms={"annual_interest_rate": "6", "grace_months": 0, "repayment_frequency": "harvest",
               "harvest_dates": [(today + datetime.timedelta(days=d)).isoformat() for d in (40, 160)],
               "schedule_method": "flat"},
    )
    client = api_as(loan.finance)
    later = [(today + datetime.timedelta(days=d)).isoformat() for d in (200, 100)]
    refused = _reschedule(client, loan, starts_on=today.isoformat(), harvest_dates=later)
    assert refused.status_code == 400 and "harvest_dates" in refused.json()

    response = _reschedule(client, loan, starts_on=today.isoformat(), harvest_dates=sorted(later))

    assert response.status_code == 200, response.json()
    assert [r.due_date.isoformat() for r in _rows(loan, 2)] == sorted(later)
    loan.refresh_from_db()
    assert loan.harvest_dates == sorted(later)


def test_the_api_previews_a_reschedule_and_then_commits_exactly_that(api_as):
    loan = paid_loan(paid_on=_today() - datetime.timedelta(days=45))
    client = api_as(loan.finance)
    body = {"starts_on": _today().isoformat(), "term_months": 6, "grace_months": 0}

    preview = client.post(f"/api/v1/loans/{loan.pk}/reschedule/preview/", body, format="json")

    assert preview.status_code == 200, preview.json()
    plan = preview.json()
    loan.refresh_from_db()
    assert loan.schedule_version == 1
    assert api_as(loan.applicant).post(
        f"/api/v1/loans/{loan.pk}/reschedule/preview/", body, format="json"
    ).status_code == 403
    assert client.post(f"/api/v1/loans/{loan.pk}/reschedule/preview/",
                       {**body, "term_months": 48}, format="json").status_code == 400
    assert _reschedule(client, loan, **body).status_code == 200
    committed = client.get(f"/api/v1/loans/{loan.pk}/schedule/").json()
    assert [(r["n"], r["due_date"], r["principal"], r["interest"]) for r in committed] == [
        (r["n"], r["due_date"], r["principal"], r["interest"]) for r in plan["rows"]
    ]
    assert D(plan["carried_interest"]) == D(plan["interest_due"]) + D(plan["interest_accrued"])
