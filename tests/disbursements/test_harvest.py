"""Harvest-date loans end to end: the chair's approval (API and page), the letter, the OPP's
acceptance and the loan's schedule; harvest dates and grace validated wherever they are given."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from applications.models import Application
from disbursements.models import Disbursement, Loan
from disbursements.services import disbursements as tranches
from funds.lending import RepaymentFrequency, add_months
from letters.models import Letter
from letters.rendering import letter_context, loan_schedule
from tests.workflow import drive, review_all

pytestmark = pytest.mark.django_db

YOUTH = "youth-revolving"


def _committee_application(fields=None):
    application = drive(fund_code=YOUTH, to="committee_review", fields=fields)
    review_all(application, application.cast)
    return application


def _days(*offsets):
    today = timezone.localdate()
    return [(today + datetime.timedelta(days=days)).isoformat() for days in offsets]


def _approve(api_as, application, **terms):
    return api_as(application.cast.chair).post(
        f"/api/v1/applications/{application.pk}/approve/",
        {"amount": "3000.00", "reason": "Cumple", **terms},
        format="json",
    )


def test_the_api_approves_a_harvest_loan_with_grace_applied_to_the_harvests_it_covers(api_as):
    application = _committee_application()
    harvests = _days(60, 150, 240, 330)

    response = _approve(
        api_as, application, repayment_frequency="harvest", harvest_dates=harvests, grace_months=3,
        annual_interest_rate="6",
    )

    assert response.status_code == 200, response.content
    terms = response.json()["decision_terms"]
    assert terms["repayment_frequency"] == "harvest"
    assert terms["harvest_dates"] == harvests
    assert terms["grace_months"] == 3
    assert terms["term_months"] == 11  # the months from today that reach the last harvest
    application.refresh_from_db()
    # The decision letter's schedule: the harvest within the three months of grace pays interest only.
    rows = loan_schedule(application, timezone.localdate()).rows
    assert [row.due_date.isoformat() for row in rows] == harvests
    assert rows[0].principal == 0 and rows[0].interest > 0
    assert all(row.principal > 0 for row in rows[1:])
    letter = Letter.objects.get(application=application)
    assert len(letter_context(letter)["loan"]["rows"]) == 4  # the letter renders the harvest schedule

    accepted = api_as(application.applicant).post(f"/api/v1/applications/{application.pk}/accept_conditions/")
    assert accepted.status_code == 200, accepted.content
    loan = Loan.objects.get(application=application)
    schedule = list(loan.instalments.filter(is_current=True).order_by("n"))
    assert [row.due_date.isoformat() for row in schedule] == harvests
    assert schedule[0].principal == 0


@pytest.mark.parametrize(
    ("harvests", "grace", "field", "message"),
    [
        ((150, 60, 240), 0, "harvest_dates", "distinct and in order"),
        ((60, 60, 240), 0, "harvest_dates", "distinct and in order"),
        ((0, 60, 240), 0, "harvest_dates", "after the expected payment"),
        ((60, 36 * 31 + 10), 0, "harvest_dates", "within the fund's term of 36 months"),
        ((30, 60), 6, "grace_months", "would cover every harvest date"),
        ((30, 60), 7, "grace_months", "Grace is from 0 to 6 months"),
    ],
)
def test_bad_harvest_dates_or_grace_are_refused_at_approval_and_nothing_changes(
    api_as, harvests, grace, field, message
):
    application = _committee_application()

    response = _approve(
        api_as, application, repayment_frequency="harvest", harvest_dates=_days(*harvests),
        grace_months=grace,
    )

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    application.refresh_from_db()
    assert application.status == "committee_review"
    assert application.decision_terms in ({}, None)
    assert not Letter.objects.filter(application=application).exists()


def test_unreadable_harvest_dates_are_a_400(api_as):
    application = _committee_application()
    response = _approve(api_as, application, repayment_frequency="harvest", harvest_dates=["31/05/2026"])
    assert response.status_code == 400
    assert "harvest_dates" in response.json()


def test_harvest_dates_out_of_order_stored_before_this_check_give_a_400_on_acceptance_not_a_500(api_as):
    application = drive(fund_code=YOUTH, to="approved")
    # Terms approved before the dates were checked at approval.
    terms = dict(application.decision_terms, repayment_frequency="harvest", harvest_dates=_days(200, 100))
    Application.objects.filter(pk=application.pk).update(decision_terms=terms)

    response = api_as(application.applicant).post(f"/api/v1/applications/{application.pk}/accept_conditions/")

    assert response.status_code == 400
    assert "in order" in " ".join(response.json()["harvest_dates"])
    application.refresh_from_db()
    assert application.status == "approved"
    assert not Loan.objects.filter(application=application).exists()


def test_a_harvest_loan_paid_later_keeps_the_harvests_still_to_come_and_its_grace(api_as):
    application = _committee_application()
    harvests = _days(60, 150, 240)
    _approve(api_as, application, repayment_frequency="harvest", harvest_dates=harvests, grace_months=3)
    api_as(application.applicant).post(f"/api/v1/applications/{application.pk}/accept_conditions/")
    finance = application.cast.finance
    disbursement = Disbursement.objects.get(application=application)
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=application.cast.treasurer)
    tranches.disbursement_pay(
        disbursement_id=disbursement.pk, by=finance, paid_on=timezone.localdate(), reference="TRF-1"
    )

    loan = Loan.objects.get(application=application)
    rows = list(loan.instalments.filter(is_current=True).order_by("n"))
    assert [row.due_date.isoformat() for row in rows] == harvests
    assert [row.principal == 0 for row in rows] == [True, False, False]


# The chair's approval page.


def _page(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field_id}-error"[^>]*>([^<]+)</p>', html)
    return match.group(1) if match else ""


def _harvest_fields():
    from tests.workflow import valid_fields

    fields = valid_fields(YOUTH)
    fields.update(repayment_frequency="harvest", harvest_dates=_days(90, 200), grace_months=0, term_months=9)
    return fields


def test_the_approval_form_shows_what_the_group_asked_for_beside_the_fields():
    application = _committee_application(fields=_harvest_fields())
    response = _page(application.cast.chair).get(f"/applications/{application.pk}/")
    html = response.content.decode()

    assert '<option value="harvest" selected>' in html
    asked = dict(re.findall(r'<p class="help" id="id_(\w+)-asked">[^:<]+: ([^<]*)</p>', html))
    with translation.override(response.headers["Content-Language"]):
        assert asked["repayment_frequency"] == str(RepaymentFrequency.HARVEST.label)
    assert asked["harvest_dates"] == ", ".join(_days(90, 200))
    assert asked["term_months"].startswith("9.")
    assert asked["grace_months"] == "0"
    assert "\n".join(_days(90, 200)) in html  # the dates, ready to approve as asked


def test_the_chair_approves_harvest_dates_from_the_page_and_sees_why_when_they_are_wrong():
    application = _committee_application(fields=_harvest_fields())
    chair = _page(application.cast.chair)
    url = f"/applications/{application.pk}/do/approve/"
    form = {"amount": "3000.00", "reason": "Cumple", "annual_interest_rate": "5", "grace_months": "0",
            "repayment_frequency": "harvest", "schedule_method": "flat"}

    response = chair.post(url, {**form, "harvest_dates": "\n".join(_days(200, 90))})
    assert response.status_code == 400
    html = response.content.decode()
    with translation.override(response.headers["Content-Language"]):
        expected = gettext("Harvest dates must be distinct and in order.")
    assert _field_error(html, "id_harvest_dates") == expected
    textarea = re.search(r'<textarea name="harvest_dates"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in textarea and "id_harvest_dates-error" in textarea
    application.refresh_from_db()
    assert application.status == "committee_review"

    later = add_months(timezone.localdate(), 2).isoformat()
    response = chair.post(url, {**form, "harvest_dates": f"{_days(30)[0]}, {later}"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.decision_terms["harvest_dates"] == [_days(30)[0], later]
    assert application.decision_terms["schedule_method"] == "flat"


def test_harvest_dates_beyond_the_funds_term_are_refused_at_submission():
    from applications import services as application_services
    from core.errors import Invalid

    fields = _harvest_fields()
    fields["harvest_dates"] = [_days(90)[0], add_months(timezone.localdate(), 40).isoformat()]
    application = drive(fund_code=YOUTH, to="draft", fields=fields)

    with pytest.raises(Invalid) as refused:
        application_services.application_submit(application_id=application.pk, by=application.applicant)

    reasons = " ".join(str(reason) for reasons in refused.value.errors.values() for reason in reasons)
    assert "within the fund's term of 36 months" in reasons
    application.refresh_from_db()
    assert application.status == "draft"
