"""Rules that hold on every path: edited answers reopen the assessment, the approval assesses again
under lock whatever was stored, and a member with a conflict of interest (the chair too) never decides."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from applications import services
from applications.models import Application, ApplicationChange, Review
from applications.reviews import quorum_status, review_submit
from core.errors import Invalid, NotPermitted
from funds.models import Fund, FundParameters
from organizations.choices import Role
from organizations.models import User
from tests.factories import OppUserFactory, grant_role
from tests.workflow import drive, review_all

pytestmark = pytest.mark.django_db

CAT = "catastrophic-events"


def declare_conflict(application, member):
    review_submit(application_id=application.pk, by=member, conflict_of_interest=True,
                  comment="Soy socio de la cooperativa.")


def review(application, member):
    review_submit(application_id=application.pk, by=member, score=4, recommendation="approve",
                  comment="Sólida.")


def back_to_the_opp(application):
    return services.application_request_information(
        application_id=application.pk, by=application.cast.secretariat, message="Revisen la cosecha."
    )


def make_deputy(user):
    grant_role(user, Role.DEPUTY_CHAIR, CAT)
    return User.objects.get(pk=user.pk)  # a fresh object: roles are cached on the one in hand


def signed_in(user):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(user, url):
    client = signed_in(user)
    return client, client.get(url)


# --------------------------------------------------------------------------- edits reopen the assessment


@pytest.fixture
def reviewed_then_returned():
    """A catastrophic claim (loss 40%) reviewed by the whole committee, then sent back to the OPP."""
    application = drive(fund_code=CAT, to="committee_review")
    review_all(application, application.cast)
    assert quorum_status(application).reached
    back_to_the_opp(application)
    return application


def test_an_api_edit_while_information_is_requested_reassesses_and_records_the_change(
        reviewed_then_returned, api_as):
    application = reviewed_then_returned
    assert application.assessment["eligible"] is True
    assert application.assessment["loss_percent"] == "40.00"

    response = api_as(application.applicant).patch(
        f"/api/v1/applications/{application.pk}/", {"affected_season_volume": "800"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    # 20% is not more than 30%: the stored assessment follows the new answers.
    assert body["assessment"]["loss_percent"] == "20.00"
    assert body["assessment"]["eligible"] is False
    application.refresh_from_db()
    assert application.assessment == body["assessment"]
    [change] = body["changes"]
    assert change["by"] == application.applicant.username
    assert change["fields"] == {"affected_season_volume": {"old": "600.000", "new": "800.000"}}
    assert change["assessment_before"]["loss_percent"] == "40.00"
    assert change["assessment_after"]["loss_percent"] == "20.00"


def test_reviews_given_before_a_change_no_longer_count_and_members_review_again(reviewed_then_returned):
    application = reviewed_then_returned
    cast = application.cast
    services.application_update(application_id=application.pk, by=application.applicant,
                                fields={"reference_price": "120.00"})
    services.application_answer_information_request(application_id=application.pk,
                                                    by=application.applicant, answer="Precio corregido.")
    quorum = quorum_status(application)
    assert (quorum.reviews, quorum.reached) == (0, False)
    with pytest.raises(Invalid) as refused:
        services.application_approve(application_id=application.pk, by=cast.chair, reason="Cumple.")
    assert "quorum" in refused.value.errors["non_field_errors"][0]

    review_all(application, cast)  # each member may review the changed application again
    assert quorum_status(application).reached
    assert Review.objects.filter(application=application, superseded_at__isnull=False).count() == 3
    approved = services.application_approve(application_id=application.pk, by=cast.chair, reason="Cumple.")
    # 30% × 400 qq × 120.00 = 14,400.00: the maximum follows the corrected price.
    assert approved.approved_amount == Decimal("14400.00")


def test_an_edit_that_changes_nothing_keeps_the_reviews(reviewed_then_returned):
    application = reviewed_then_returned
    services.application_update(application_id=application.pk, by=application.applicant,
                                fields={"affected_season_volume": "600"})
    assert not ApplicationChange.objects.filter(application=application).exists()
    services.application_answer_information_request(application_id=application.pk,
                                                    by=application.applicant, answer="Sin cambios.")
    assert quorum_status(application).reached


def test_a_page_edit_reassesses_and_the_committee_page_shows_old_and_new_values(reviewed_then_returned):
    application = reviewed_then_returned
    client = signed_in(application.applicant)
    post = {f"season_productions-{i}-{key}": value
            for i, row in enumerate(application.data["season_productions"]) for key, value in row.items()}
    post.update(affected_season_volume="750", unit="qq", reference_price="150.00", go="stay")
    response = client.post(f"/applications/{application.pk}/step/production/", post)
    assert response.status_code == 302, response.content.decode()[:2000]

    application.refresh_from_db()
    assert application.assessment["loss_percent"] == "25.00"
    assert application.assessment["eligible"] is False
    services.application_answer_information_request(application_id=application.pk,
                                                    by=application.applicant, answer="Corregido.")
    _client, shown = page(application.cast.members[0], f"/applications/{application.pk}/")
    html = shown.content.decode()
    assert "Answers changed after submission" in html
    assert "600.000" in html and "750.000" in html
    assert "no longer counts" in html


# --------------------------------------------------------------------------- approval assesses again


def test_approval_ignores_a_stored_maximum_and_assesses_again():
    application = drive(fund_code=CAT, to="committee_review")
    review_all(application, application.cast)
    Application.objects.filter(pk=application.pk).update(
        assessment={**application.assessment, "max_award": "90000.00"})
    with pytest.raises(Invalid) as refused:
        services.application_approve(application_id=application.pk, by=application.cast.chair,
                                     amount="50000.00", reason="Cumple.")
    assert "18000.00" in refused.value.errors["amount"][0]


def test_approval_ignores_a_stored_eligibility_and_assesses_again():
    application = drive(fund_code=CAT, to="committee_review")
    review_all(application, application.cast)
    data = {**application.data, "affected_season_volume": "900"}  # a 10% loss, written behind the rules
    Application.objects.filter(pk=application.pk).update(data=data)
    with pytest.raises(Invalid) as refused:
        services.application_approve(application_id=application.pk, by=application.cast.chair,
                                     amount="1000.00", reason="Cumple.")
    assert "greater than 30.00%" in " ".join(refused.value.errors["non_field_errors"])


def test_the_catastrophic_cap_per_organisation_is_checked_again_at_approval():
    applicant = OppUserFactory()
    first, second = (drive(fund_code=CAT, to="committee_review", applicant=applicant) for _ in range(2))
    assert first.assessment["max_award"] == second.assessment["max_award"] == "18000.00"
    for application in (first, second):
        review_all(application, first.cast)
    services.application_approve(application_id=first.pk, by=first.cast.chair, amount="18000.00",
                                 reason="Cumple.")
    with pytest.raises(Invalid) as refused:
        services.application_approve(application_id=second.pk, by=first.cast.chair, amount="18000.00",
                                     reason="Cumple.")
    assert "2000.00" in refused.value.errors["amount"][0]  # 20,000.00 cap − 18,000.00 awarded
    assert services.application_approve(application_id=second.pk, by=first.cast.chair, amount="2000.00",
                                        reason="Lo que queda.").status == "approved"


def test_the_subsidy_budget_of_the_year_is_checked_again_at_approval():
    code = "certification-subsidy"
    FundParameters.objects.create(fund=Fund.objects.get(code=code), valid_from=datetime.date(2000, 1, 1),
                                  values={"annual_budget": "3000.00"})
    first, second = (drive(fund_code=code, to="committee_review") for _ in range(2))
    stored = Decimal(second.assessment["max_award"])
    assert stored == Decimal(first.assessment["max_award"]) > Decimal("1500.00")
    for application in (first, second):
        review_all(application, first.cast)
    services.application_approve(application_id=first.pk, by=first.cast.chair, amount=str(stored),
                                 reason="Cumple.")
    with pytest.raises(Invalid):
        services.application_approve(application_id=second.pk, by=first.cast.chair, amount=str(stored),
                                     reason="Cumple.")
    second.refresh_from_db()
    assert second.status == "committee_review"


# --------------------------------------------------------------------------- conflicts bind the chair


@pytest.fixture
def chair_conflicted():
    application = drive(fund_code=CAT, to="committee_review")
    first, second, chair = application.cast.members
    declare_conflict(application, chair)
    review(application, first)
    review(application, second)
    return application


def transitions_of(api_as, user, application):
    detail = api_as(user).get(f"/api/v1/applications/{application.pk}/").json()["available_transitions"]
    listed = next(row for row in api_as(user).get("/api/v1/applications/?status=committee_review")
                  .json()["results"] if row["id"] == application.pk)["available_transitions"]
    assert detail == listed
    return detail


def test_a_chair_with_a_conflict_is_neither_offered_nor_allowed_the_decision(chair_conflicted, api_as):
    application = chair_conflicted
    chair = application.cast.chair
    assert quorum_status(application).reached  # 2 of the 2 members without a conflict
    assert "approve" not in transitions_of(api_as, chair, application)
    assert "reject" not in transitions_of(api_as, chair, application)
    with pytest.raises(NotPermitted):
        services.application_approve(application_id=application.pk, by=chair, reason="Cumple.")
    with pytest.raises(NotPermitted):
        services.application_reject(application_id=application.pk, by=chair, reason="No.")
    response = api_as(chair).post(f"/api/v1/applications/{application.pk}/approve/", {}, format="json")
    assert response.status_code == 403
    _client, shown = page(chair, f"/applications/{application.pk}/")
    assert f"/applications/{application.pk}/do/approve/" not in shown.content.decode()
    assert f"/applications/{application.pk}/do/reject/" not in shown.content.decode()
    client = signed_in(chair)
    assert client.post(f"/applications/{application.pk}/do/approve/", {"reason": "x"}).status_code == 403
    application.refresh_from_db()
    assert application.status == "committee_review"


def test_the_deputy_chair_decides_when_the_chair_has_a_conflict(chair_conflicted, api_as):
    application = chair_conflicted
    deputy = make_deputy(application.cast.members[0])
    assert "approve" in transitions_of(api_as, deputy, application)
    assert "approve" not in transitions_of(api_as, application.cast.secretariat, application)
    _client, shown = page(deputy, f"/applications/{application.pk}/")
    assert f"/applications/{application.pk}/do/approve/" in shown.content.decode()
    approved = services.application_approve(application_id=application.pk, by=deputy, reason="Cumple.")
    assert approved.decided_by == deputy


def test_without_a_deputy_free_of_conflict_the_secretariat_decides(chair_conflicted, api_as):
    application = chair_conflicted
    deputy = make_deputy(application.cast.members[1])
    other = drive(fund_code=CAT, to="committee_review")
    declare_conflict(other, other.cast.chair)
    declare_conflict(other, deputy)
    review(other, other.cast.members[0])
    assert "approve" not in transitions_of(api_as, deputy, other)
    assert "approve" in transitions_of(api_as, other.cast.secretariat, other)
    services.application_reject(application_id=other.pk, by=other.cast.secretariat, reason="No cumple.")


def test_a_fund_may_send_the_decision_of_a_conflicted_chair_to_the_secretariat(chair_conflicted, api_as):
    application = chair_conflicted
    FundParameters.objects.create(fund=application.fund, valid_from=datetime.date(2000, 1, 1),
                                  values={"conflicted_chair_replaced_by": "secretariat"})
    deputy = make_deputy(application.cast.members[0])
    assert "approve" not in transitions_of(api_as, deputy, application)
    assert "approve" in transitions_of(api_as, application.cast.secretariat, application)
    with pytest.raises(NotPermitted):
        services.application_approve(application_id=application.pk, by=deputy, reason="Cumple.")
    approved = services.application_approve(application_id=application.pk, by=application.cast.secretariat,
                                            reason="Cumple.")
    assert approved.status == "approved"


def test_without_a_conflict_only_the_chair_decides(api_as):
    application = drive(fund_code=CAT, to="committee_review")
    review_all(application, application.cast)
    deputy = make_deputy(application.cast.members[0])
    assert "approve" in transitions_of(api_as, application.cast.chair, application)
    assert "approve" not in transitions_of(api_as, deputy, application)
    assert "approve" not in transitions_of(api_as, application.cast.secretariat, application)
