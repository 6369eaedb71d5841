"""A harvest loan paid after the approval: harvests already past and a grace that no longer fits are
never dropped silently. The schedule is built from the payment with an explicit, translated message
recorded on the loan (and in its history), shown in the payment's preview and on the loan's page; a
loan with no harvest left after the payment is refused with the reason."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from hypothesis import given, settings
from hypothesis import strategies as st

from applications.models import Application
from core.errors import Invalid
from disbursements.models import Disbursement, DisbursementStatus, Loan, LoanStatus
from disbursements.notes import GRACE_SHORTENED, HARVESTS_PASSED, note_text
from disbursements.services import disbursements as tranches
from disbursements.services.schedules import schedule_terms
from funds.lending import harvest_grace_instalments
from tests.workflow import approved_on, drive, review_all

pytestmark = pytest.mark.django_db

YOUTH = "youth-revolving"


def _day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def _iso(*offsets) -> list[str]:
    return [_day(offset).isoformat() for offset in offsets]


def _accepted_harvest_loan(api_as, *, harvests, grace, approved_days_ago=100):
    """A harvest loan approved ``approved_days_ago`` days ago with the harvests at ``harvests`` days from
    today (as the chair gave them then: all after the approval), accepted and approved for payment."""
    application = drive(fund_code=YOUTH, to="committee_review")
    review_all(application, application.cast)
    at_approval = _iso(*(offset + approved_days_ago for offset in harvests))
    response = api_as(application.cast.chair).post(
        f"/api/v1/applications/{application.pk}/approve/",
        {"amount": "3000.00", "reason": "Cumple", "repayment_frequency": "harvest",
         "harvest_dates": at_approval, "grace_months": grace, "annual_interest_rate": "6"},
        format="json",
    )
    assert response.status_code == 200, response.content
    accepted = api_as(application.applicant).post(f"/api/v1/applications/{application.pk}/accept_conditions/")
    assert accepted.status_code == 200, accepted.content
    # The approval took place ``approved_days_ago`` days ago: every date moves back with it.
    dates = _iso(*harvests)
    approved_on(application, _day(-approved_days_ago))
    terms = dict(Application.objects.get(pk=application.pk).decision_terms, harvest_dates=dates)
    Application.objects.filter(pk=application.pk).update(decision_terms=terms)
    Loan.objects.filter(application=application).update(harvest_dates=dates)
    disbursement = Disbursement.objects.get(application=application)
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=application.cast.treasurer)
    finance = application.cast.finance
    finance.language = "en"
    finance.save(update_fields=["language"])
    return application, disbursement, finance


def _pay(api_as, finance, disbursement):
    return api_as(finance).post(
        f"/api/v1/disbursements/{disbursement.pk}/pay/",
        {"paid_on": timezone.localdate().isoformat(), "reference": "TRF-9"}, format="json",
    )


def test_harvests_past_at_payment_are_left_out_with_a_message_on_the_loan_and_in_the_api(api_as):
    application, disbursement, finance = _accepted_harvest_loan(api_as, harvests=(-40, 50, 140), grace=0)

    response = _pay(api_as, finance, disbursement)

    assert response.status_code == 200, response.content
    loan = Loan.objects.get(application=application)
    rows = list(loan.instalments.filter(is_current=True).order_by("n"))
    assert [row.due_date for row in rows] == [_day(50), _day(140)]
    assert [note["code"] for note in loan.schedule_notes] == [HARVESTS_PASSED]
    assert loan.schedule_notes[0]["dates"] == _iso(-40)
    assert loan.schedule_notes[0]["version"] == loan.schedule_version
    # Recorded in the loan's history too: the version saved by the payment holds it.
    assert loan.history.filter(status=LoanStatus.ACTIVE).first().schedule_notes == loan.schedule_notes

    body = api_as(finance).get(f"/api/v1/loans/{loan.pk}/").json()
    [note] = body["schedule_notes"]
    assert note["code"] == HARVESTS_PASSED
    with translation.override("en"):
        assert note["message"] == note_text(loan.schedule_notes[0])
    assert "left out of the schedule" in note["message"]
    assert "2 harvest dates still to come" in note["message"]
    spanish = api_as(finance).get(f"/api/v1/loans/{loan.pk}/", HTTP_ACCEPT_LANGUAGE="es")
    with translation.override("es"):
        assert spanish.json()["schedule_notes"][0]["message"] == note_text(loan.schedule_notes[0])


def test_a_grace_that_would_cover_every_harvest_left_is_shortened_with_a_message(api_as):
    # Three months' grace from a payment today would cover the one harvest still to come.
    application, disbursement, finance = _accepted_harvest_loan(api_as, harvests=(-40, 50), grace=3)

    response = _pay(api_as, finance, disbursement)

    assert response.status_code == 200, response.content
    loan = Loan.objects.get(application=application)
    [row] = loan.instalments.filter(is_current=True)
    assert row.principal == loan.principal  # the last harvest repays the principal
    codes = [note["code"] for note in loan.schedule_notes]
    assert codes == [HARVESTS_PASSED, GRACE_SHORTENED]
    messages = [note["message"] for note in api_as(finance).get(f"/api/v1/loans/{loan.pk}/").json()[
        "schedule_notes"]]
    assert "would cover all 1 instalments still to come: it covers the first 0" in messages[1]


def test_a_loan_with_no_harvest_after_the_payment_is_refused_with_the_reason_and_nothing_changes(api_as):
    application, disbursement, finance = _accepted_harvest_loan(api_as, harvests=(-60, -10), grace=0)

    response = _pay(api_as, finance, disbursement)

    assert response.status_code == 400
    assert f"No harvest date falls after {timezone.localdate()}" in " ".join(response.json()["harvest_dates"])
    disbursement.refresh_from_db()
    assert disbursement.status == DisbursementStatus.APPROVED
    loan = Loan.objects.get(application=application)
    assert loan.status == LoanStatus.PENDING and loan.schedule_notes == []


# The payment's page: the preview tells finance before anything is recorded.


def _finance_page(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _notes_in(html: str) -> list[str]:
    block = re.search(r'<div class="card callout warn schedule-notes"[^>]*>(.*?)</div>', html, re.S)
    return re.findall(r"<li>([^<]*)</li>", block.group(1)) if block else []


def test_the_payment_preview_shows_the_adjustments_and_the_loan_page_keeps_them(api_as):
    application, disbursement, finance = _accepted_harvest_loan(api_as, harvests=(-40, 50), grace=3)
    page = _finance_page(finance)
    url = f"/finance/disbursements/{disbursement.pk}/do/pay/"
    form = {"paid_on": timezone.localdate().isoformat(), "reference": "TRF-10", "currency": "USD"}

    response = page.post(url, {**form, "step": "preview"})

    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    notes = _notes_in(html)
    assert len(notes) == 2
    assert "left out of the schedule" in notes[0] and "the last one repays the principal" in notes[1]
    loan = Loan.objects.get(application=application)
    assert loan.status == LoanStatus.PENDING and loan.schedule_notes == []  # nothing recorded yet
    fingerprint = re.search(r'name="fingerprint" value="([^"]+)"', html).group(1)

    confirmed = page.post(url, {**form, "step": "confirm", "fingerprint": fingerprint})

    assert confirmed.status_code == 302
    loan.refresh_from_db()
    assert [note["code"] for note in loan.schedule_notes] == [HARVESTS_PASSED, GRACE_SHORTENED]
    assert _notes_in(page.get(f"/finance/loans/{loan.pk}/").content.decode()) == notes


def test_the_payment_page_refuses_a_loan_with_no_harvest_left_with_the_reason(api_as):
    application, disbursement, finance = _accepted_harvest_loan(api_as, harvests=(-60, -10), grace=0)

    response = _finance_page(finance).post(
        f"/finance/disbursements/{disbursement.pk}/do/pay/",
        {"paid_on": timezone.localdate().isoformat(), "reference": "TRF-11", "currency": "USD",
         "step": "preview"},
    )

    assert response.status_code == 400
    with translation.override("en"):
        reason = gettext("No harvest date falls after %(day)s.") % {"day": timezone.localdate()}
    assert reason in response.content.decode()
    assert Loan.objects.get(application=application).status == LoanStatus.PENDING


# The rule itself, on random dates: what the engine applies is what was approved, or a note says why.


@settings(max_examples=200, deadline=None)
@given(
    offsets=st.lists(st.integers(min_value=-200, max_value=900), min_size=1, max_size=8, unique=True),
    grace=st.integers(min_value=0, max_value=6),
)
def test_harvests_and_grace_are_applied_as_approved_or_the_difference_is_noted(offsets, grace):
    start = datetime.date(2026, 6, 15)
    dates = sorted(start + datetime.timedelta(days=offset) for offset in offsets)
    notes: list = []
    try:
        terms = schedule_terms(
            principal=Decimal("1000.00"), currency="USD", annual_interest_rate="6",
            repayment_frequency="harvest",
            schedule_method="declining_balance", harvest_dates=[day.isoformat() for day in dates],
            term_months=0, grace_months=grace, starts_on=start, notes=notes,
        )
    except Invalid as refused:
        assert all(day <= start for day in dates)
        assert "harvest_dates" in refused.errors
        return
    still_to_come = [day for day in dates if day > start]
    passed = [day.isoformat() for day in dates if day <= start]
    assert list(terms.harvest_dates) == still_to_come
    noted = {note["code"]: note for note in notes}
    assert (HARVESTS_PASSED in noted) == bool(passed)
    if passed:
        assert noted[HARVESTS_PASSED]["dates"] == passed
    covered = harvest_grace_instalments(still_to_come, starts_on=start, grace_months=grace)
    if GRACE_SHORTENED in noted:
        assert covered >= len(still_to_come) and terms.grace_on_principal == len(still_to_come) - 1
        assert noted[GRACE_SHORTENED]["covered"] == covered
    else:
        assert terms.grace_on_principal == covered
    for note in notes:
        assert note_text(note) != str(note)  # every note has its message
