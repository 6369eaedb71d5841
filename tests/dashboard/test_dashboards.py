"""Each role lands on its dashboard: what waits for it, with links to the filtered lists, in a fixed
number of queries; another organisation's files never appear."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from applications import services
from applications.models import Application
from applications.reviews import review_submit
from disbursements.models import Disbursement, DisbursementStatus, Instalment, Loan
from disbursements.services import disbursements as tranches
from organizations.choices import Role
from tests.factories import OppUserFactory, grant_role, staff_user
from tests.workflow import cast_for, drive

pytestmark = pytest.mark.django_db

FUND = "climate-eventuality"


def _client(user, language="en"):
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def _paid_loan(applicant=None):
    """A youth-fund loan paid out today, with its schedule."""
    application = drive(fund_code="youth-revolving", to="conditions_accepted",
                        **({"applicant": applicant} if applicant else {}))
    cast = application.cast
    disbursement = application.disbursements.get()
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=cast.treasurer)
    tranches.disbursement_pay(disbursement_id=disbursement.pk, by=cast.finance, paid_on=timezone.localdate(),
                              reference="TRF-1")
    return Loan.objects.get(application=application)


def _home(user):
    response = _client(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def _panel(body, key):
    start = body.index(f'id="{key}"')
    return body[start:body.index("</section>", start)]


@pytest.fixture
def opp_files():
    applicant = OppUserFactory()
    draft = drive(fund_code=FUND, to="draft", applicant=applicant)
    asked = drive(fund_code=FUND, to="screening", applicant=applicant)
    services.application_request_information(
        application_id=asked.pk, by=asked.cast.secretariat, message="Falta el presupuesto.",
        respond_by=timezone.localdate() + datetime.timedelta(days=3))
    approved = drive(fund_code=FUND, to="approved", applicant=applicant)
    stranger = drive(fund_code=FUND, to="draft")
    return applicant, draft, asked, approved, stranger


def test_the_organisation_sees_what_waits_for_it_and_nothing_of_others(opp_files,
                                                                       django_assert_max_num_queries):
    applicant, draft, asked, approved, stranger = opp_files
    client = _client(applicant)
    with django_assert_max_num_queries(14):
        body = client.get("/").content.decode()
    waiting = _panel(body, "opp-waiting")
    assert "What waits for us" in waiting
    assert 'href="/?status=draft"' in waiting and 'href="/?status=information_requested"' in waiting
    assert 'href="/?status=approved"' in waiting
    assert f"Answer the request on {asked.reference}" in waiting
    assert "3 days left" in waiting
    assert stranger.reference not in body
    # The figure links to the list it counts.
    listed = client.get("/?status=draft").content.decode()
    assert draft.reference in listed and approved.reference not in listed


def test_counts_are_the_organisations_own(opp_files):
    applicant, *_rest = opp_files
    waiting = _panel(_home(applicant), "opp-waiting")
    counts = [int(chunk.split("</strong>")[0]) for chunk in waiting.split('<strong class="count">')[1:]]
    assert counts == [1, 1, 1]  # one draft, one request to answer, one award's conditions


def test_the_next_instalment_and_reports_due_show_on_the_organisations_dashboard(opp_files):
    from reporting.services import project_reports_create_for_award

    applicant, *_rest = opp_files
    loan_owner = OppUserFactory()
    loan = _paid_loan(loan_owner)
    Instalment.objects.filter(loan=loan).update(due_date=timezone.localdate() + datetime.timedelta(days=10))
    first = Instalment.objects.filter(loan=loan).order_by("n").first()
    reports = project_reports_create_for_award(application_id=loan.application_id,
                                               paid_on=timezone.localdate())
    assert reports
    body = _home(loan_owner)
    panel = _panel(body, "opp-instalment")
    assert f"Instalment {first.n} of loan {loan.application.reference}" in panel
    assert "10 days left" in panel
    assert f'href="/reports/{reports[0].pk}/"' in _panel(body, "opp-reports")
    # Another organisation's loan and reports are not on this one's dashboard.
    other = _home(applicant)
    assert "opp-instalment" not in other and f"/reports/{reports[0].pk}/" not in other


def test_the_secretariat_sees_files_to_screen_clocks_and_overdue_answers(django_assert_max_num_queries):
    cast = cast_for(FUND)
    submitted = drive(fund_code=FUND, to="submitted")
    late = drive(fund_code=FUND, to="screening")
    services.application_request_information(application_id=late.pk, by=cast.secretariat,
                                             message="Falta el mapa.",
                                             respond_by=timezone.localdate() + datetime.timedelta(days=1))
    late.information_requests.update(respond_by=timezone.localdate() - datetime.timedelta(days=2))
    Application.objects.filter(pk=submitted.pk).update(
        decision_due=timezone.localdate() + datetime.timedelta(days=2))
    client = _client(cast.secretariat)
    with django_assert_max_num_queries(16):
        body = client.get("/").content.decode()
    panel = _panel(body, "secretariat")
    assert 'href="/secretariat/?status=submitted"' in panel
    assert 'href="/applications/?days_left=7&amp;ordering=decision_due"' in panel
    assert "Answers overdue" in panel
    assert submitted.reference in panel and "2 days left" in panel
    answers = panel.split("Answers overdue")[0].rsplit('<strong class="count">', 1)[1]
    assert answers.startswith("1<")
    # The linked list holds what the figure counts.
    listed = client.get("/applications/?days_left=7&ordering=decision_due").content.decode()
    assert submitted.reference in listed


def test_a_member_sees_what_waits_for_their_review_until_they_review_it():
    application = drive(fund_code=FUND, to="committee_review")
    member = application.cast.members[0]
    panel = _panel(_home(member), "committee")
    assert application.reference in panel and f"/applications/{application.pk}/review/" in panel
    review_submit(application_id=application.pk, by=member, score=4, recommendation="approve",
                  comment="Bien.")
    assert application.reference not in _panel(_home(member), "committee")


def test_the_chair_sees_whether_quorum_is_reached(django_assert_max_num_queries):
    application = drive(fund_code=FUND, to="committee_review")
    cast = application.cast
    body = _home(cast.chair)
    chair = _panel(body, "chair")
    assert application.reference in chair
    assert "No quorum yet: 0 reviews of 2 needed" in chair
    assert _panel(body, "committee")  # the chair is a member too: both panels
    review_submit(application_id=application.pk, by=cast.members[0], score=4, recommendation="approve",
                  comment="Bien.")
    review_submit(application_id=application.pk, by=cast.members[1], conflict_of_interest=True,
                  comment="Mi primo es socio.")
    chair = _panel(_home(cast.chair), "chair")
    assert "No quorum yet: 1 review of 2 needed" in chair
    assert "1 member declared a conflict of interest" in chair
    review_submit(application_id=application.pk, by=cast.chair, score=5, recommendation="approve",
                  comment="Muy bien.")
    client = _client(cast.chair)
    with django_assert_max_num_queries(30):
        chair = _panel(client.get("/").content.decode(), "chair")
    assert "Quorum reached: 2 reviews of 2 needed" in chair


def test_finance_sees_what_to_approve_to_pay_and_new_arrears():
    cast = cast_for(FUND)
    drive(fund_code=FUND, to="conditions_accepted")
    pending = Disbursement.objects.filter(status=DisbursementStatus.PENDING).count()
    assert pending >= 1
    loan = _paid_loan()
    three_days_ago = timezone.localdate() - datetime.timedelta(days=3)
    Instalment.objects.filter(loan=loan, n=1).update(due_date=three_days_ago, principal=Decimal("100.00"))
    panel = _panel(_home(cast.finance), "finance")
    assert f'<strong class="count">{pending}</strong> <span>Disbursements to approve' in panel
    assert 'href="/finance/disbursements/?status=pending"' in panel
    assert 'href="/finance/loans/?status=in_arrears"' in panel
    assert loan.application.reference in panel and "3 days late" in panel


def test_auditors_see_recent_changes_and_others_do_not():
    application = drive(fund_code=FUND, to="submitted")
    auditor = staff_user(Role.AUDITOR)
    panel = _panel(_home(auditor), "audit")
    assert "Recent changes" in panel and application.reference in panel
    assert 'href="/history/"' in panel
    assert 'id="audit"' not in _home(application.applicant)


def test_a_person_with_several_roles_sees_each_panel():
    person = staff_user(Role.SECRETARIAT)
    grant_role(person, Role.FINANCE)
    grant_role(person, Role.AUDITOR)
    body = _home(person)
    for key in ("secretariat", "finance", "audit"):
        assert f'id="{key}"' in body
    assert 'id="committee"' not in body and 'id="opp-waiting"' not in body


def test_the_dashboard_costs_the_same_with_many_files(django_assert_max_num_queries):
    cast = cast_for(FUND)
    for _n in range(7):
        drive(fund_code=FUND, to="committee_review")
    person = cast.chair
    grant_role(person, Role.SECRETARIAT)
    grant_role(person, Role.FINANCE)
    grant_role(person, Role.AUDITOR)
    client = _client(person)
    with django_assert_max_num_queries(60):
        body = client.get("/").content.decode()
    assert body.count('class="items"') >= 3
