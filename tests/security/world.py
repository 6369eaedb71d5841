"""One small world with every role in it, for the permission matrix and the fuzzing tests.

The owning organisation has a youth-fund loan (paid out, one repayment) and a second application in
committee review, on which one committee member has declared a conflict of interest.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from applications.models import Application, Document
from applications.reviews import review_submit
from disbursements.models import Disbursement, Loan, Repayment
from disbursements.services import disbursements as tranches
from disbursements.services import repayments
from letters.models import Letter
from notifications.models import Notification
from organizations.accounts import new_token
from organizations.choices import Role
from organizations.models import Invitation, JoinRequest, StaffRole
from reporting.services import project_reports_create_for_award, report_attachment_upload
from tests.factories import OppUserFactory, staff_user
from tests.workflow import approved_on, cast_for, drive, pdf_upload

YOUTH = "youth-revolving"
LOAN_TERMS = {"annual_interest_rate": "6", "term_months": 12, "grace_months": 0,
              "repayment_frequency": "monthly", "schedule_method": "declining_balance"}
ROLES = ["anonymous", "owner", "other_opp", "secretariat", "member", "conflicted", "chair", "finance",
         "auditor", "administrator"]


@dataclass
class World:
    users: dict = field(default_factory=dict)
    loan_application: Application = None
    review_application: Application = None
    loan: Loan = None
    disbursement: Disbursement = None
    pending_disbursement: Disbursement = None
    repayment: Repayment = None
    document: Document = None
    letter: Letter = None
    notification: Notification = None
    invitation: Invitation = None
    join_request: JoinRequest = None
    staff_role: StaffRole = None
    colleague: object = None
    report: object = None
    report_attachment: object = None
    donor: object = None
    event: object = None


def build_world() -> World:
    world = World()
    owner = OppUserFactory(is_representative=True)
    cast = cast_for(YOUTH)
    paid_on = timezone.localdate() - datetime.timedelta(days=40)
    loan_application = drive(fund_code=YOUTH, to="conditions_accepted", applicant=owner, cast=cast,
                             amount="3000.00", terms=LOAN_TERMS)
    approved_on(loan_application, paid_on)
    disbursement = Disbursement.objects.get(application=loan_application)
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=cast.treasurer)
    tranches.disbursement_pay(disbursement_id=disbursement.pk, by=cast.finance, paid_on=paid_on,
                           reference="TRF-1")
    loan = Loan.objects.get(application=loan_application)
    world.repayment, _created = repayments.repayment_record(
        loan_id=loan.pk, by=cast.finance, amount="100.00", paid_on=timezone.localdate(),
        reference="REC-1", idempotency_key="world-1",
    )
    grant = drive(fund_code="certification-subsidy", to="conditions_accepted", applicant=owner)
    world.pending_disbursement = Disbursement.objects.get(application=grant)
    review_application = drive(fund_code=YOUTH, to="committee_review", applicant=owner, cast=cast)
    member, conflicted = cast.members[0], cast.members[1]
    review_submit(application_id=review_application.pk, by=conflicted, conflict_of_interest=True,
                  comment="Mi hermano es socio.")
    world.users = {
        "anonymous": None,
        "owner": owner,
        "other_opp": OppUserFactory(),
        "secretariat": cast.secretariat,
        "member": member,
        "conflicted": conflicted,
        "chair": cast.chair,
        "finance": cast.finance,
        "auditor": staff_user(Role.AUDITOR),
        "administrator": staff_user(Role.ADMINISTRATOR),
    }
    world.loan_application = loan_application
    world.review_application = review_application
    world.loan = loan
    world.disbursement = disbursement
    world.document = review_application.documents.first()
    world.letter = Letter.objects.filter(application=loan_application).first()
    world.notification = Notification.objects.filter(recipient=owner).first()
    world.colleague = OppUserFactory(organization=owner.organization)
    _raw, token_hash = new_token()
    world.invitation = Invitation.objects.create(
        organization=owner.organization, email="nueva@coop.example", token_hash=token_hash,
        invited_by=owner, expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    world.join_request = JoinRequest.objects.create(
        legal_name="Cooperativa Nueva", country="HN", fairtrade_id="FT-999999", contact_name="Ana",
        contact_email="ana@nueva.example",
    )
    world.staff_role = StaffRole.objects.filter(user=member).first()
    world.report = project_reports_create_for_award(application_id=loan_application.pk, paid_on=paid_on)[0]
    world.report_attachment = report_attachment_upload(report_id=world.report.pk, by=owner, kind="other",
                                                       upload=pdf_upload("foto.pdf"))
    from donors.models import Donor

    world.donor = Donor.objects.create(name="Fundación Ejemplo", identifier="XM-DAC-99", country="DE")
    world.event = declared_event(world.users["administrator"])
    return world


def declared_event(by):
    """A declared event and its fast-track call, for the calls and events endpoints (in a country where
    no organisation of the world is, so that nothing else changes)."""
    from calls.services import event_declare

    return event_declare(by=by, values={
        "name": "Huracán Sara", "event_type": "hurricane", "countries": ["GT"], "budget": "50000.00",
        "starts_on": timezone.localdate() - datetime.timedelta(days=3)})
