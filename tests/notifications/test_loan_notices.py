"""Instalment reminders and arrears notices at 1, 30 and 60 days late (loans from disbursements)."""

import datetime

import pytest

from disbursements.models import Instalment, Loan
from disbursements.services import disbursements as tranches
from notifications.kinds import Kind
from tests.workflow import cast_for, drive

from .conftest import notices
from .test_deadlines import START, at, sweep_twice

pytestmark = pytest.mark.django_db


@pytest.fixture
def active_loan():
    cast = cast_for("youth-revolving")
    with at(START):
        app = drive(fund_code="youth-revolving", to="conditions_accepted", cast=cast)
        disbursement = app.disbursements.get()
        tranches.disbursement_approve(disbursement_id=disbursement.pk, by=cast.treasurer)
        tranches.disbursement_pay(disbursement_id=disbursement.pk, by=cast.finance, paid_on=START,
                               reference="TRF-1")
    loan = Loan.objects.get(application=app)
    return app, cast, loan, Instalment.objects.filter(loan=loan, is_current=True).order_by("n").first()


def test_the_opp_hears_of_an_instalment_a_few_days_before_it_falls_due(active_loan, committed):
    app, _, _, first = active_loan
    sweep_twice(first.due_date - datetime.timedelta(days=6), committed)
    assert not notices(Kind.INSTALMENT_DUE).exists()
    sweep_twice(first.due_date - datetime.timedelta(days=5), committed)
    sweep_twice(first.due_date, committed)
    notice = notices(Kind.INSTALMENT_DUE, recipient=app.applicant).get()
    assert notice.subject.startswith("Cuota del préstamo con vencimiento el")
    assert "cuota 1 " in notice.body.lower()


def test_arrears_notices_at_1_30_and_60_days_late_once_each(active_loan, committed):
    app, cast, _, first = active_loan
    for late in (1, 2, 30, 31, 60, 61, 90):
        sweep_twice(first.due_date + datetime.timedelta(days=late), committed)
    about_first = notices(Kind.ARREARS_NOTICE, dedupe_key__startswith=f"arrears_notice:i{first.pk}v")
    to_opp = about_first.filter(recipient=app.applicant).order_by("created_at")
    assert [n.subject for n in to_opp] == [
        "Cuota del préstamo con 1 días de atraso", "Cuota del préstamo con 30 días de atraso",
        "Cuota del préstamo con 60 días de atraso",
    ]
    assert about_first.filter(recipient=cast.finance).count() == 2
    assert "90" not in " ".join(n.subject for n in about_first)
