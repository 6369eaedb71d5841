"""The finance desk's action pages: each previews what the service would do, records nothing until
confirmed, validates with the API's serializers, shows translated errors, and keeps other
organisations' objects out of reach."""

import datetime
from decimal import Decimal

import pytest

from disbursements.models import Disbursement, DisbursementStatus, Loan, LoanStatus
from disbursements.services import disbursements as tranches
from disbursements.services import repayments
from funds.models import LedgerTransaction
from organizations.choices import Role
from tests.disbursements.conftest import TERMS, paid_loan
from tests.factories import OppUserFactory, staff_user
from tests.workflow import drive

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _fingerprint(html: str) -> str:
    marker = 'name="fingerprint" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def _preview_then_confirm(client, url, data):
    preview = client.post(url, {**data, "step": "preview"})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    html = preview.content.decode()
    assert 'id="preview"' in html
    confirmed = client.post(url, {**data, "step": "confirm", "fingerprint": _fingerprint(html)})
    assert confirmed.status_code == 302
    return html, confirmed


def _as(client_for, user, language="en"):
    client = client_for(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def loan():
    return paid_loan(paid_on=TODAY - datetime.timedelta(days=70))


@pytest.fixture
def finance(loan, client_for):
    return _as(client_for, loan.finance)


def test_reschedule_previews_the_new_schedule_and_records_nothing_until_confirmed(loan, finance):
    url = f"/finance/loans/{loan.pk}/do/reschedule/"
    form = finance.get(url)
    assert form.status_code == 200 and 'name="term_months"' in form.content.decode()
    version, ledger = loan.schedule_version, LedgerTransaction.objects.count()
    data = {"starts_on": TODAY.isoformat(), "term_months": "6", "grace_months": "0", "reason": "Sequía"}
    html, confirmed = _preview_then_confirm(finance, url, data)
    assert "The schedule after this" in html and "Preview: nothing has been recorded yet" in html
    assert "Interest accrued up to the new start, carried over" in html  # the service's own plan
    assert html.count('data-label="Due"') == 6  # the six new instalments, each cell labelled
    loan.refresh_from_db()
    assert loan.is_rescheduled and loan.schedule_version == version + 1
    assert confirmed["Location"] == f"/finance/loans/{loan.pk}/"
    rows = list(loan.instalments.filter(is_current=True).order_by("n"))
    assert len(rows) == 6
    assert LedgerTransaction.objects.count() == ledger


def test_a_preview_changes_nothing(loan, finance):
    before = (loan.schedule_version, loan.instalments.count(), LedgerTransaction.objects.count())
    response = finance.post(f"/finance/loans/{loan.pk}/do/reschedule/", {
        "starts_on": TODAY.isoformat(), "term_months": "6", "reason": "x", "step": "preview"})
    assert response.status_code == 200
    loan.refresh_from_db()
    assert (loan.schedule_version, loan.instalments.count(), LedgerTransaction.objects.count()) == before
    assert not loan.is_rescheduled


def test_confirming_twice_reschedules_once(loan, finance):
    url = f"/finance/loans/{loan.pk}/do/reschedule/"
    data = {"starts_on": TODAY.isoformat(), "term_months": "6", "reason": "Sequía"}
    html = finance.post(url, {**data, "step": "preview"}).content.decode()
    fingerprint = _fingerprint(html)
    finance.post(url, {**data, "step": "confirm", "fingerprint": fingerprint})
    again = finance.post(url, {**data, "step": "confirm", "fingerprint": fingerprint}, follow=True)
    loan.refresh_from_db()
    assert loan.schedule_version == 2
    assert "nothing was recorded" in again.content.decode()


def test_errors_come_from_the_serializer_and_the_service_translated(loan, client_for):
    client = client_for(loan.finance)
    client.cookies["django_language"] = "es"
    url = f"/finance/loans/{loan.pk}/do/reschedule/"
    bad = client.post(url, {"starts_on": "mañana", "term_months": "", "reason": "", "step": "preview"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert "Este campo es requerido." in html or "Este campo no puede estar en blanco." in html
    refused = client.post(url, {"starts_on": TODAY.isoformat(), "term_months": "6", "grace_months": "6",
                                "reason": "x", "step": "preview"})
    assert refused.status_code == 400
    assert "El plazo debe" in refused.content.decode()
    assert Loan.objects.get(pk=loan.pk).schedule_version == 1


def test_reverse_a_repayment_with_reason(loan, finance):
    repayment, _ = repayments.repayment_record(loan_id=loan.pk, by=loan.finance, amount="200.00",
                                             paid_on=TODAY, reference="CHQ-9", idempotency_key="r1")
    page = finance.get(f"/finance/loans/{loan.pk}/").content.decode()
    url = f"/finance/loans/{loan.pk}/repayments/{repayment.pk}/reverse/"
    assert url in page
    missing = finance.post(url, {"reason": "", "step": "preview"})
    assert missing.status_code == 400
    html, _ = _preview_then_confirm(finance, url, {"reason": "Cheque rechazado"})
    assert "Overdue" in html
    repayment.refresh_from_db()
    assert repayment.reversed_at is not None and repayment.reversal_reason == "Cheque rechazado"


def test_write_off_needs_a_second_person_then_recoveries(loan, finance, client_for):
    _preview_then_confirm(finance, f"/finance/loans/{loan.pk}/do/write-off/", {"reason": "Grupo disuelto"})
    loan.refresh_from_db()
    assert loan.write_off_proposed_at and loan.status != LoanStatus.WRITTEN_OFF
    same = finance.post(f"/finance/loans/{loan.pk}/do/write-off-approve/", {"step": "preview"})
    assert same.status_code == 400 and "someone other than its proposer" in same.content.decode()
    other = _as(client_for, staff_user(Role.FINANCE))
    html, _ = _preview_then_confirm(other, f"/finance/loans/{loan.pk}/do/write-off-approve/", {})
    assert "Written off" in html
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WRITTEN_OFF
    too_much = other.post(f"/finance/loans/{loan.pk}/do/recovery/", {
        "amount": "99999", "received_on": TODAY.isoformat(), "step": "preview"})
    assert too_much.status_code == 400 and "still to recover" in too_much.content.decode()
    _preview_then_confirm(other, f"/finance/loans/{loan.pk}/do/recovery/",
                          {"amount": "100.00", "received_on": TODAY.isoformat(), "reference": "REC"})
    assert loan.recoveries.get().amount == Decimal("100.00")


def test_refund_an_overpayment(loan, finance):
    owed = sum(row.unpaid for row in loan.instalments.filter(is_current=True))
    repayments.repayment_record(loan_id=loan.pk, by=loan.finance, amount=str(owed + Decimal("50.00")),
                              paid_on=TODAY, idempotency_key="over")
    assert "/do/refund/" in finance.get(f"/finance/loans/{loan.pk}/").content.decode()
    html, _ = _preview_then_confirm(finance, f"/finance/loans/{loan.pk}/do/refund/",
                                    {"amount": "50.00", "paid_on": TODAY.isoformat(), "reference": "DEV"})
    assert "Overpayment to refund" in html
    assert loan.refunds.get().amount == Decimal("50.00")


@pytest.fixture
def pending():
    application = drive(fund_code="youth-revolving", to="conditions_accepted", amount="3000.00",
                        terms=TERMS)
    disbursement = Disbursement.objects.get(application=application)
    disbursement.finance = application.cast.finance
    disbursement.treasurer = application.cast.treasurer  # approves; another officer pays
    return disbursement


def test_split_an_award_into_tranches(pending, client_for):
    client = _as(client_for, pending.finance)
    url = f"/finance/disbursements/{pending.pk}/do/split/"
    wrong = client.post(url, {"amounts": "1000\n1000", "step": "preview"})
    assert wrong.status_code == 400 and "add up to" in wrong.content.decode()
    html, _ = _preview_then_confirm(client, url, {"amounts": "1,000.00\n2000.00"})
    assert "Tranches after this" in html
    amounts = list(Disbursement.objects.filter(application_id=pending.application_id)
                   .order_by("tranche").values_list("amount", flat=True))
    assert amounts == [Decimal("1000.00"), Decimal("2000.00")]


def test_pay_in_another_currency_at_a_recorded_rate(pending, client_for):
    tranches.disbursement_approve(disbursement_id=pending.pk, by=pending.treasurer)
    client = _as(client_for, pending.finance)
    url = f"/finance/disbursements/{pending.pk}/do/pay/"
    no_rate = client.post(url, {"paid_on": TODAY.isoformat(), "reference": "TRF-7", "currency": "HNL",
                                "step": "preview"})
    assert no_rate.status_code == 400 and "exchange rate" in no_rate.content.decode()
    data = {"paid_on": TODAY.isoformat(), "reference": "TRF-7", "currency": "HNL", "exchange_rate": "24.6"}
    html, _ = _preview_then_confirm(client, url, data)
    assert "The schedule after this" in html  # a loan: the schedule from the day it is paid
    pending.refresh_from_db()
    assert pending.status == DisbursementStatus.PAID
    assert (pending.payment_currency, pending.payment_amount) == ("HNL", Decimal("73800.00"))


def test_fail_then_cancel_a_disbursement(pending, client_for):
    client = _as(client_for, pending.finance)
    _preview_then_confirm(client, f"/finance/disbursements/{pending.pk}/do/fail/",
                          {"reason": "Cuenta cerrada"})
    pending.refresh_from_db()
    assert pending.status == DisbursementStatus.FAILED
    html, _ = _preview_then_confirm(client, f"/finance/disbursements/{pending.pk}/do/cancel/",
                                    {"reason": "No se pagará"})
    assert "Available in the fund" in html
    pending.refresh_from_db()
    assert pending.status == DisbursementStatus.CANCELLED


def test_who_may_act(loan, pending, client_for):
    other_opp = client_for(OppUserFactory())
    assert other_opp.get(f"/finance/loans/{loan.pk}/do/reschedule/").status_code == 404
    assert other_opp.get(f"/finance/disbursements/{pending.pk}/do/pay/").status_code == 404
    own = client_for(loan.applicant)
    assert own.get(f"/finance/loans/{loan.pk}/do/reschedule/").status_code == 403
    auditor = client_for(staff_user(Role.AUDITOR))
    assert auditor.get(f"/finance/loans/{loan.pk}/do/reschedule/").status_code == 403
    assert auditor.post(f"/finance/disbursements/{pending.pk}/do/cancel/",
                        {"reason": "x", "step": "confirm"}).status_code == 403
    finance = client_for(loan.finance)
    assert finance.get(f"/finance/loans/{loan.pk}/do/nothing/").status_code == 404
    pending.refresh_from_db()
    assert pending.status == DisbursementStatus.PENDING


def test_previewing_a_payment_tells_no_one_and_issues_nothing(pending, client_for,
                                                               django_capture_on_commit_callbacks):
    from django.core import mail

    from letters.models import ScheduleDocument
    from notifications.models import Notification

    tranches.disbursement_approve(disbursement_id=pending.pk, by=pending.treasurer)
    client = _as(client_for, pending.finance)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(f"/finance/disbursements/{pending.pk}/do/pay/", {
            "paid_on": TODAY.isoformat(), "reference": "TRF-8", "step": "preview"})
    assert response.status_code == 200 and "TRF-8" in response.content.decode()
    assert queued == [] and mail.outbox == []
    assert not Notification.objects.filter(application_id=pending.application_id,
                                           kind__in=["payment_made", "loan_paid_out"]).exists()
    assert not ScheduleDocument.objects.exists()
    assert not LedgerTransaction.objects.filter(kind="disbursement").exists()
    pending.refresh_from_db()
    assert pending.status == DisbursementStatus.APPROVED


def test_a_repayment_previews_its_allocation_and_is_recorded_once(loan, finance):
    page = finance.get(f"/finance/loans/{loan.pk}/").content.decode()
    assert f"/finance/loans/{loan.pk}/do/repayment/" in page
    url = f"/finance/loans/{loan.pk}/do/repayment/"
    data = {"amount": "300.00", "paid_on": TODAY.isoformat(), "reference": "REC-1",
            "idempotency_key": "key-1"}
    html, _ = _preview_then_confirm(finance, url, data)
    assert "To interest" in html and "To principal" in html
    assert loan.repayments.count() == 1
    again = finance.post(url, {**data, "step": "confirm", "fingerprint": _fingerprint(html)})
    assert again.status_code == 302
    recorded = loan.repayments.get()
    assert recorded.amount == Decimal("300.00") and recorded.reference == "REC-1"
    bad = finance.post(url, {**data, "amount": "-5", "step": "preview"})
    assert bad.status_code == 400


def test_approving_a_disbursement_is_previewed(pending, client_for):
    client = _as(client_for, pending.finance)
    desk = client.get("/finance/").content.decode()
    assert f"/finance/disbursements/{pending.pk}/do/approve/" in desk
    html, _ = _preview_then_confirm(client, f"/finance/disbursements/{pending.pk}/do/approve/", {})
    assert "Approved by finance" in html
    pending.refresh_from_db()
    assert pending.status == DisbursementStatus.APPROVED


def test_the_officer_who_approved_may_not_pay_and_is_told_why(pending, client_for):
    client = _as(client_for, pending.finance)
    _preview_then_confirm(client, f"/finance/disbursements/{pending.pk}/do/approve/", {})
    refused = client.post(f"/finance/disbursements/{pending.pk}/do/pay/", {
        "paid_on": TODAY.isoformat(), "reference": "TRF-9", "step": "preview"})
    assert refused.status_code == 400 and 'role="alert"' in refused.content.decode()
    pending.refresh_from_db()
    assert pending.status == DisbursementStatus.APPROVED
    payer = _as(client_for, pending.treasurer)
    _preview_then_confirm(payer, f"/finance/disbursements/{pending.pk}/do/pay/",
                          {"paid_on": TODAY.isoformat(), "reference": "TRF-9"})
    pending.refresh_from_db()
    assert pending.status == DisbursementStatus.PAID


@pytest.mark.parametrize(("language", "typed", "refused", "hint"), [
    ("es", "1.300,00", "1,300.00", "Escriba el número así: 4.000,50"),
    ("fr", "1 300,00", "1.300,00", "Écrivez le nombre ainsi"),
    ("en", "1,300.00", "1.300,00", "Write the number as 4,000.50"),
])
def test_finance_amounts_are_read_as_the_language_writes_them(loan, client_for, language, typed, refused,
                                                              hint):
    client = _as(client_for, loan.finance, language)
    url = f"/finance/loans/{loan.pk}/do/repayment/"
    data = {"paid_on": TODAY.isoformat(), "reference": "REC-9", "idempotency_key": f"key-{language}"}
    wrong = client.post(url, {**data, "amount": refused, "step": "preview"})
    assert wrong.status_code == 400
    assert hint.split(":")[0] in wrong.content.decode()
    _preview_then_confirm(client, url, {**data, "amount": typed})
    assert loan.repayments.get().amount == Decimal("1300.00")


def _allocation_rows(html: str) -> list[list[str]]:
    import re

    table = re.search(r'<table class="responsive stacked allocation">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert table, "no allocation table in the preview"
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in
            re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)]


def test_the_loan_page_previews_a_repayment_per_instalment_before_recording_it(loan, finance):
    instalments = list(loan.instalments.filter(is_current=True).order_by("n"))
    first, second = instalments[0], instalments[1]
    page = finance.get(f"/finance/loans/{loan.pk}/").content.decode()
    # The loan page's form leads to the preview, not straight to recording.
    assert f'id="repayment-form" action="/finance/loans/{loan.pk}/do/repayment/"' in page
    assert '<input type="hidden" name="step" value="preview">' in page
    url = f"/finance/loans/{loan.pk}/do/repayment/"
    amount = first.total + Decimal("10.00")
    data = {"amount": str(amount), "paid_on": TODAY.isoformat(), "idempotency_key": "alloc-1"}

    preview = finance.post(url, {**data, "step": "preview"})

    assert preview.status_code == 200
    html = preview.content.decode()
    rows = _allocation_rows(html)
    assert [row[0] for row in rows] == ["1", "2"]
    # The first instalment: its interest then its principal, settled; the rest to the second's interest.
    assert "Paid in full" in rows[0][6] and "Partly" in rows[1][6]
    assert rows[0][3].replace(",", "") == f"${first.interest}"
    assert rows[0][4].replace(",", "") == f"${first.principal}"
    assert rows[1][3] == "$10.00" and rows[1][4] == "$0.00" and rows[1][2] == "$0.00"
    assert 'id="stays-open"' in html and 'id="closes"' not in html
    assert loan.repayments.count() == 0  # nothing recorded by the preview
    assert second.interest >= Decimal("10.00")


def test_a_repayment_that_settles_everything_is_previewed_as_closing_the_loan(loan, finance):
    owed = sum((row.total for row in loan.instalments.filter(is_current=True)), Decimal(0))
    url = f"/finance/loans/{loan.pk}/do/repayment/"
    data = {"amount": str(owed), "paid_on": TODAY.isoformat(), "idempotency_key": "alloc-all"}

    html, _confirmed = _preview_then_confirm(finance, url, data)

    assert 'id="closes"' in html and "This repayment closes the loan" in html
    assert len(_allocation_rows(html)) == loan.instalments.filter(is_current=True).count()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID
