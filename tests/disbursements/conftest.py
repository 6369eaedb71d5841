import datetime

import pytest

from disbursements.models import Disbursement, Loan
from disbursements.services import disbursements as tranches
from tests.workflow import approved_on, drive

YOUTH = "youth-revolving"
TERMS = {
    "annual_interest_rate": "6",
    "term_months": 12,
    "grace_months": 0,
    "repayment_frequency": "monthly",
    "schedule_method": "declining_balance",
}


def paid_loan(*, paid_on: datetime.date, amount="3000.00", terms=None, applicant=None):
    """A youth-fund loan whose single tranche finance approved and paid on ``paid_on``."""
    application = drive(
        fund_code=YOUTH, to="conditions_accepted", amount=amount, terms=terms or TERMS, applicant=applicant
    )
    finance = application.cast.finance
    approved_on(application, paid_on)
    disbursement = Disbursement.objects.get(application=application)
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=application.cast.treasurer)
    tranches.disbursement_pay(disbursement_id=disbursement.pk, by=finance, paid_on=paid_on, reference="TRF-1")
    loan = Loan.objects.get(application=application)
    loan.finance = finance
    loan.applicant = application.applicant
    return loan


@pytest.fixture
def make_paid_loan(db):
    return paid_loan
