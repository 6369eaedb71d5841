import datetime

import pytest
from django.utils import timezone

from disbursements.models import Disbursement
from disbursements.services import disbursements as money
from tests.factories import OppUserFactory
from tests.workflow import approved_on, drive


@pytest.fixture
def paid_award(django_capture_on_commit_callbacks):
    """An award of ``fund_code`` whose first tranche was paid ``days_ago`` days ago, with the reports
    its fund's rules ask for (created after the payment commits, as in production)."""

    def make(fund_code="climate-eventuality", *, applicant=None, days_ago=0, fields=None, split=None,
             amount=None, terms=None):
        applicant = applicant or OppUserFactory()
        application = drive(fund_code=fund_code, to="conditions_accepted", applicant=applicant, fields=fields,
                            amount=amount, terms=terms)
        cast = application.cast
        finance = cast.finance
        disbursement = Disbursement.objects.get(application=application)
        if split:
            money.disbursement_split(disbursement_id=disbursement.pk, by=cast.treasurer, amounts=split)
        money.disbursement_approve(disbursement_id=disbursement.pk, by=cast.treasurer)
        paid_on = timezone.localdate() - datetime.timedelta(days=days_ago)
        if days_ago:
            approved_on(application, paid_on)  # no payment is dated before its approval
        with django_capture_on_commit_callbacks(execute=True):
            money.disbursement_pay(disbursement_id=disbursement.pk, by=finance, paid_on=paid_on,
                                   reference=f"TRF-{application.pk}")
        application.refresh_from_db()
        application.applicant = applicant
        application.cast = cast
        return application

    return make
