"""Each transition tells the right people, in their language, once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from applications import services
from notifications.kinds import Kind
from notifications.models import EmailStatus
from organizations.choices import Language
from tests.factories import OppUserFactory
from tests.workflow import cast_for, drive, review_all

from .conftest import mails_to, notices

pytestmark = pytest.mark.django_db


def test_submission_sends_a_receipt_to_the_opp_and_tells_the_secretariat(committed):
    applicant = OppUserFactory(language=Language.PT, organization__contact_emails=["gerencia@coop.example"],
                               organization__preferred_language=Language.FR)
    cast = cast_for("youth-revolving")
    with committed():
        app = drive(fund_code="youth-revolving", to="submitted", applicant=applicant, cast=cast)

    receipt = notices(Kind.APPLICATION_SUBMITTED, recipient=applicant).get()
    assert receipt.language == "pt"
    assert receipt.subject == f"Recebemos sua solicitação {app.reference}"
    assert receipt.email_status == EmailStatus.SENT
    # The organisation's contact address has no user: an e-mail in the organisation's language.
    contact = notices(Kind.APPLICATION_SUBMITTED, recipient=None).get()
    assert contact.email == "gerencia@coop.example" and contact.language == "fr" and not contact.in_app
    assert mails_to("gerencia@coop.example")[0].subject == f"Nous avons reçu votre demande {app.reference}"
    staff = notices(Kind.APPLICATION_RECEIVED).get()
    assert staff.recipient == cast.secretariat
    assert app.reference in staff.subject
    # The body names the decision date, written in the recipient's language.
    assert str(app.decision_due.year) in receipt.body
    assert len(mail.outbox) == 3


def test_information_request_answer_and_withdrawal(committed):
    cast = cast_for("certification-subsidy")
    app = drive(fund_code="certification-subsidy", to="screening", cast=cast)
    respond_by = timezone.localdate() + datetime.timedelta(days=10)
    with committed():
        services.application_request_information(
            application_id=app.pk, by=cast.secretariat, message="Adjunte la factura firmada.",
            respond_by=respond_by,
        )
    request = notices(Kind.INFORMATION_REQUESTED, recipient=app.applicant).get()
    assert "Adjunte la factura firmada." in request.body
    assert request.subject.startswith("Información necesaria")
    assert mails_to(app.applicant.email)[-1].subject == request.subject

    with committed():
        services.application_answer_information_request(application_id=app.pk, by=app.applicant,
                                                         answer="Adjuntada.")
    assert notices(Kind.INFORMATION_ANSWERED, recipient=cast.secretariat).count() == 1

    with committed():
        services.application_withdraw(application_id=app.pk, by=app.applicant, reason="Ya no la necesitamos.")
    assert notices(Kind.APPLICATION_WITHDRAWN, recipient=cast.secretariat).count() == 1


def test_committee_members_are_told_and_the_decision_reaches_the_opp(committed):
    cast = cast_for("catastrophic-events")
    app = drive(fund_code="catastrophic-events", to="screening", cast=cast)
    with committed():
        services.application_send_to_committee(application_id=app.pk, by=cast.secretariat)
    told = set(notices(Kind.SENT_TO_COMMITTEE).values_list("recipient_id", flat=True))
    assert told == {member.pk for member in cast.members}

    review_all(app, cast)
    with committed():
        services.application_approve(application_id=app.pk, by=cast.chair, amount="1000.00",
                                     reason="Cumple.")
    decision = notices(Kind.APPLICATION_APPROVED, recipient=app.applicant).get()
    assert "por 1.000,00\xa0US$" in decision.body  # Spanish, the applicant's language
    assert decision.email_status == EmailStatus.SENT


def test_a_rejection_carries_its_reason(committed):
    cast = cast_for("climate-eventuality")
    app = drive(fund_code="climate-eventuality", to="committee_review", cast=cast)
    review_all(app, cast, recommendation="reject")
    with committed():
        services.application_reject(application_id=app.pk, by=cast.chair, reason="Fuera del alcance.")
    rejected = notices(Kind.APPLICATION_REJECTED, recipient=app.applicant).get()
    assert "Fuera del alcance." in rejected.body


def test_a_rolled_back_change_notifies_no_one(committed):
    applicant = OppUserFactory()
    cast = cast_for("youth-revolving")
    app = drive(fund_code="youth-revolving", to="draft", applicant=applicant, cast=cast)
    with committed(), pytest.raises(RuntimeError), __import__("django.db").db.transaction.atomic():
        services.application_submit(application_id=app.pk, by=applicant)
        raise RuntimeError("boom")
    assert notices().count() == 0
    assert mail.outbox == []


def test_essential_notices_ignore_preferences_and_others_follow_them(committed, api_as):
    cast = cast_for("certification-subsidy")
    applicant = OppUserFactory()
    client = api_as(applicant)
    response = client.put("/api/v1/notifications/preferences/", {"preferences": [
        {"kind": "application_submitted", "email": False, "in_app": False},
    ]}, format="json")
    assert response.status_code == 200
    refused = client.put("/api/v1/notifications/preferences/", {"preferences": [
        {"kind": "information_requested", "email": False, "in_app": True},
    ]}, format="json")
    assert refused.status_code == 400
    app = drive(fund_code="certification-subsidy", to="screening", applicant=applicant, cast=cast)
    with committed():
        services.application_request_information(application_id=app.pk, by=cast.secretariat,
                                                 message="Falta el estado financiero.")
    assert not notices(Kind.APPLICATION_SUBMITTED, recipient=applicant).exists()
    assert notices(Kind.INFORMATION_REQUESTED, recipient=applicant).count() == 1
