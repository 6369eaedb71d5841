"""Reversing the repayment that closed a loan reopens its file, through the workflow, in its history."""

import datetime

import pytest
from django.utils import timezone

from applications.models import TransitionLog
from tests.disbursements.conftest import paid_loan

pytestmark = pytest.mark.django_db


def test_reversing_the_repayment_that_closed_a_loan_reopens_the_file(api_as):
    today = timezone.localdate()
    loan = paid_loan(paid_on=today - datetime.timedelta(days=10))
    client = api_as(loan.finance)
    paid = client.post(
        f"/api/v1/loans/{loan.pk}/repayments/",
        {"amount": "3100.00", "paid_on": today.isoformat(), "reference": "REC-ALL"},
        format="json", HTTP_IDEMPOTENCY_KEY="all",
    )
    assert paid.status_code == 201, paid.json()
    loan.refresh_from_db()
    loan.application.refresh_from_db()
    assert (loan.status, loan.application.status) == ("repaid", "closed")

    response = client.post(
        f"/api/v1/loans/{loan.pk}/repayments/{paid.json()['id']}/reverse/", {"reason": "Cheque bounced"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    loan.refresh_from_db()
    application = loan.application
    application.refresh_from_db()
    assert loan.status in ("active", "in_arrears")
    assert application.status == "in_execution"
    last = TransitionLog.objects.filter(application=application).order_by("at", "id").last()
    assert (last.transition, last.from_state, last.to_state, last.by) == (
        "reopen", "closed", "in_execution", None
    )
    assert "REC-ALL" in last.reason and "Cheque bounced" in last.reason
    # The file can be closed again once the loan is repaid anew.
    again = client.post(
        f"/api/v1/loans/{loan.pk}/repayments/",
        {"amount": "3100.00", "paid_on": today.isoformat(), "reference": "REC-2"},
        format="json", HTTP_IDEMPOTENCY_KEY="again",
    )
    assert again.status_code == 201
    application.refresh_from_db()
    assert application.status == "closed"
