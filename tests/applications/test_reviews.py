"""Committee review: conflicts of interest, the quorum, and the ceilings on an approval."""

from decimal import Decimal

import pytest

from applications import services
from applications.reviews import quorum_status, review_submit
from core.errors import Invalid, NotPermitted, WrongState
from funds.ledger import fund_balances
from funds.models import Fund
from organizations.choices import Role
from tests.factories import staff_user
from tests.workflow import drive

pytestmark = pytest.mark.django_db


def in_review(fund_code="catastrophic-events", **kwargs):
    return drive(fund_code=fund_code, to="committee_review", **kwargs)


def review(application, member, **overrides):
    fields = {"score": 4, "recommendation": "approve", "comment": "Sólida."} | overrides
    return review_submit(application_id=application.pk, by=member, **fields)


def approve(application, amount="1000.00"):
    return services.application_approve(application_id=application.pk, by=application.cast.chair,
                                        amount=amount, reason="Cumple.")


def test_chair_cannot_decide_before_a_majority_has_reviewed():
    application = in_review()
    first, second, chair = application.cast.members
    review(application, first)
    assert quorum_status(application).reached is False
    with pytest.raises(Invalid) as refused:
        approve(application)
    assert "quorum" in refused.value.errors["non_field_errors"][0]
    review(application, chair)
    assert quorum_status(application).reached is True  # 2 of 3
    assert approve(application).status == "approved"


def test_a_conflicted_member_neither_reviews_nor_counts_toward_the_quorum():
    application = in_review()
    first, second, chair = application.cast.members
    review_submit(application_id=application.pk, by=first, conflict_of_interest=True,
                  comment="Soy socio de la cooperativa.")
    with pytest.raises(WrongState):
        review(application, first)
    quorum = quorum_status(application)
    assert (quorum.members, quorum.conflicted, quorum.needed) == (3, 1, 2)
    review(application, second)
    assert quorum_status(application).reached is False  # 1 of the 2 without conflict
    review(application, chair)
    assert quorum_status(application).reached is True
    assert approve(application).status == "approved"


def test_a_conflict_needs_a_comment_and_a_review_needs_a_score_and_recommendation():
    application = in_review()
    member = application.cast.members[0]
    with pytest.raises(Invalid) as refused:
        review_submit(application_id=application.pk, by=member, conflict_of_interest=True, comment="")
    assert "comment" in refused.value.errors
    with pytest.raises(Invalid) as refused:
        review(application, member, score=6, recommendation="maybe")
    assert {"score", "recommendation"} <= set(refused.value.errors)
    with pytest.raises(Invalid) as refused:
        review(application, member, criteria={"charisma": 5})
    assert "criteria" in refused.value.errors
    assert review(application, member, criteria={"severity": 5, "evidence_quality": 3}).criteria == {
        "severity": 5, "evidence_quality": 3
    }


def test_only_committee_members_of_that_fund_review():
    application = in_review()
    with pytest.raises(NotPermitted):
        review(application, staff_user(Role.COMMITTEE_MEMBER, "youth-revolving"))
    with pytest.raises(NotPermitted):
        review(application, application.cast.secretariat)


def test_a_member_reviews_once():
    application = in_review()
    member = application.cast.members[0]
    review(application, member)
    with pytest.raises(WrongState):
        review(application, member)


def test_approval_never_exceeds_the_assessed_maximum():
    application = in_review()  # loss 40% of 1000 qq at 150.00 × 30%: max 18,000.00
    assert application.assessment["max_award"] == "18000.00"
    for member in application.cast.members:
        review(application, member)
    with pytest.raises(Invalid) as refused:
        approve(application, "18000.01")
    assert "amount" in refused.value.errors
    assert approve(application, "18000.00").approved_amount == Decimal("18000.00")


def test_approval_never_exceeds_what_the_fund_has_available():
    application = in_review()
    for member in application.cast.members:
        review(application, member)
    fund = Fund.objects.get(code="catastrophic-events")
    # Commit most of the capital elsewhere so that only 500.00 remain.
    from funds.ledger import fund_commit

    available = fund_balances(fund).available
    fund_commit(fund=fund, amount=available - Decimal("500.00"), application=application)
    with pytest.raises(Invalid) as refused:
        approve(application, "500.01")
    assert "available" in refused.value.errors["amount"][0]
    application.refresh_from_db()
    assert application.status == "committee_review"
    assert approve(application, "500.00").status == "approved"
    assert fund_balances(fund).available == Decimal("0.00")


def test_approval_without_an_amount_takes_the_assessed_maximum():
    application = in_review(fund_code="climate-eventuality")
    for member in application.cast.members:
        review(application, member)
    approved = services.application_approve(application_id=application.pk, by=application.cast.chair)
    assert approved.approved_amount == Decimal("8000.00")


@pytest.mark.parametrize("amount", ["-5", "0", "abc", "12.345", "NaN", "Infinity"])
def test_malformed_amounts_are_refused(amount):
    application = in_review()
    for member in application.cast.members:
        review(application, member)
    with pytest.raises(Invalid) as refused:
        approve(application, amount)
    assert "amount" in refused.value.errors


def test_youth_loan_terms_are_checked_against_the_fund_limits():
    application = in_review(fund_code="youth-revolving")
    for member in application.cast.members:
        review(application, member)
    with pytest.raises(Invalid) as refused:
        services.application_approve(
            application_id=application.pk, by=application.cast.chair, amount="3000.00",
            terms={"annual_interest_rate": "7", "term_months": 48, "schedule_method": "balloon"},
        )
    assert {"annual_interest_rate", "term_months", "schedule_method"} <= set(refused.value.errors)
    approved = services.application_approve(
        application_id=application.pk, by=application.cast.chair, amount="3000.00",
        terms={"annual_interest_rate": "5.5", "repayment_frequency": "quarterly"},
    )
    assert approved.decision_terms == {
        "annual_interest_rate": "5.5", "term_months": 12, "grace_months": 0,
        "repayment_frequency": "quarterly", "schedule_method": "declining_balance", "harvest_dates": [],
    }


def test_reviews_through_the_api(api_as):
    application = in_review()
    first, second, chair = application.cast.members
    url = f"/api/v1/applications/{application.pk}/reviews/"
    response = api_as(first).post(url, {"conflict_of_interest": True, "comment": "Familiar."},
                                  format="json")
    assert response.status_code == 201
    assert api_as(first).post(url, {"score": 4, "recommendation": "approve"},
                              format="json").status_code == 409
    response = api_as(second).post(url, {"score": 5, "recommendation": "approve",
                                         "criteria": {"severity": 5}, "comment": "Sí."}, format="json")
    assert response.status_code == 201, response.content
    assert api_as(second).post(url, {"score": 9}, format="json").status_code == 409
    listed = api_as(chair).get(url).json()
    assert [(r["reviewer"], r["conflict_of_interest"]) for r in listed] == [
        (first.username, True), (second.username, False)
    ]
    assert api_as(application.applicant).get(url).status_code == 403
    assert api_as(first).get(url).status_code == 403  # declared a conflict: no longer sees them
    from tests.factories import OppUserFactory

    assert api_as(OppUserFactory()).get(url).status_code == 404
    response = api_as(chair).post(f"/api/v1/applications/{application.pk}/approve/",
                                  {"amount": "100.00"}, format="json")
    assert response.status_code == 400  # 1 of the 2 members without conflict has reviewed
    api_as(chair).post(url, {"score": 3, "recommendation": "approve"}, format="json")
    response = api_as(chair).post(f"/api/v1/applications/{application.pk}/approve/",
                                  {"amount": "100.00"}, format="json")
    assert response.status_code == 200
    assert response.json()["approved_amount"] == "100.00"
