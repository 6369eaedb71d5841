"""A page and the API, given the same bad input for the same action, refuse it with the same translated
message and change nothing: the page reads its form with the API's serializer."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from applications.models import Review
from tests.disbursements.conftest import paid_loan
from tests.workflow import drive

pytestmark = pytest.mark.django_db


def _page(client_for, user, language="en"):
    client = client_for(user)
    client.cookies["django_language"] = language
    return client


def _api(api_as, user, language="en"):
    client = api_as(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE=language)
    return client


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("typed", "field"), [
    ({"amount": "100", "paid_on": "2026-02-30"}, "paid_on"),
    ({"amount": "10.0001", "paid_on": "TODAY"}, "amount"),  # plain in every language
    ({"amount": "-5", "paid_on": "TODAY"}, "amount"),
])
def test_a_repayment_is_refused_alike_by_the_loan_page_and_the_api(client_for, api_as, language, typed,
                                                                   field):
    today = timezone.localdate()
    loan = paid_loan(paid_on=today - datetime.timedelta(days=10))
    body = {**{name: today.isoformat() if value == "TODAY" else value for name, value in typed.items()},
            "reference": "REC-1"}
    answer = _api(api_as, loan.finance, language).post(
        f"/api/v1/loans/{loan.pk}/repayments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert answer.status_code == 400
    message = answer.json()[field][0]
    page = _page(client_for, loan.finance, language).post(
        f"/finance/loans/{loan.pk}/", {**body, "idempotency_key": "k2"})
    assert page.status_code == 400
    assert escape(message) in page.content.decode()
    assert not loan.repayments.exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_request_for_information_is_refused_alike_by_the_file_and_the_api(client_for, api_as, language):
    application = drive(fund_code="catastrophic-events", to="screening")
    staff = application.cast.secretariat
    body = {"message": "", "respond_by": timezone.localdate().isoformat()}
    answer = _api(api_as, staff, language).post(
        f"/api/v1/applications/{application.pk}/request_information/", body, format="json")
    assert answer.status_code == 400
    errors = answer.json()
    assert set(errors) >= {"message", "respond_by"}  # every reason at once, from the service
    page = _page(client_for, staff, language).post(
        f"/applications/{application.pk}/do/request_information/", body)
    assert page.status_code == 400
    html = page.content.decode()
    for field in ("message", "respond_by"):
        assert escape(errors[field][0]) in html
    application.refresh_from_db()
    assert application.status == "screening"


def test_a_review_with_an_unreadable_score_is_refused_alike_by_the_file_and_the_api(client_for, api_as):
    application = drive(fund_code="catastrophic-events", to="committee_review")
    member = application.cast.members[0]
    criterion = application.fund.parameters_on(timezone.localdate()).rubric[0]
    answer = _api(api_as, member).post(
        f"/api/v1/applications/{application.pk}/reviews/",
        {"score": "four", "recommendation": "approve", "criteria": {criterion: "x"}}, format="json")
    assert answer.status_code == 400
    errors = answer.json()
    page = _page(client_for, member).post(
        f"/applications/{application.pk}/review/",
        {"score": "four", "recommendation": "approve", f"criteria-{criterion}": "x"})
    assert page.status_code == 400
    html = page.content.decode()
    assert escape(errors["score"][0]) in html
    assert not Review.objects.filter(application=application).exists()
