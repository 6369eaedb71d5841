"""When a loan's money is paid: the OPP is told (e-mail and in Fondos) with amount, date and reference,
and a definitive schedule (PDF) is issued once, kept with its SHA-256, never rendered again, and
downloadable by the organisation and staff only."""

import datetime
import hashlib

import pytest
from django.core import mail
from django.test import Client
from django.utils import formats, translation

from disbursements.models import Disbursement, Loan
from disbursements.services import disbursements as tranches
from letters import schedules
from letters.models import LetterStatus, ScheduleDocument
from notifications.kinds import Kind
from notifications.models import Notification
from organizations.choices import Role
from tests.disbursements.conftest import TERMS
from tests.factories import OppUserFactory, staff_user
from tests.workflow import drive

from .conftest import applicant_speaking, pdf_text

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def tranche():
    applicant = applicant_speaking("es")
    applicant.email = "tesorera@coop.example"
    applicant.save(update_fields=["email"])
    application = drive(fund_code="youth-revolving", to="conditions_accepted", amount="3000.00",
                        terms=TERMS, applicant=applicant)
    disbursement = Disbursement.objects.get(application=application)
    disbursement.application = application
    return disbursement


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def _pay(disbursement, capture, **extra):
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=disbursement.application.cast.treasurer)
    with capture(execute=True):
        return tranches.disbursement_pay(disbursement_id=disbursement.pk,
                                         by=disbursement.application.cast.finance,
                                         paid_on=TODAY,
                                         reference="TRF-2026-77", **extra)


def test_payment_issues_one_definitive_schedule_and_one_notice(tranche,
                                                               django_capture_on_commit_callbacks):
    _pay(tranche, django_capture_on_commit_callbacks, currency="HNL", exchange_rate="24.5")
    document = ScheduleDocument.objects.get()
    assert document.status == LetterStatus.RENDERED
    stored = document.file.open("rb").read()
    assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == document.sha256
    text = pdf_text(stored)
    loan = Loan.objects.get(application=tranche.application)
    assert document.reference in text and "TRF-2026-77" in text
    assert "Calendario definitivo de pagos del préstamo" in text
    assert loan.instalments.filter(is_current=True).count() == 12

    written = Notification.objects.filter(kind=Kind.LOAN_PAID_OUT).count()
    assert written >= 1
    notice = Notification.objects.get(kind=Kind.LOAN_PAID_OUT, recipient=tranche.application.applicant)
    assert notice.in_app and "TRF-2026-77" in notice.body
    assert "3000,00" in notice.body.replace("\u00a0", "").replace(".", "") or "3.000,00" in notice.body
    assert "73.500,00" in notice.body or "73500,00" in notice.body  # paid in lempiras at 24.5
    first = loan.instalments.filter(is_current=True).order_by("n").first()
    with translation.override("es"):
        assert formats.date_format(first.due_date, "DATE_FORMAT") in notice.body
    assert any("TRF-2026-77" in message.body for message in mail.outbox
               if "tesorera@coop.example" in message.to)

    # Run again (a retried task, a second handler call): nothing new.
    loan_row = Loan.objects.get(pk=loan.pk)
    schedules.schedule_document_for_payment(disbursement=tranche, loan=loan_row)
    assert ScheduleDocument.objects.count() == 1
    schedules.schedule_document_render(document_id=document.pk)
    document.refresh_from_db()
    assert document.sha256 == hashlib.sha256(stored).hexdigest()
    assert document.file.open("rb").read() == stored
    with django_capture_on_commit_callbacks(execute=True):
        paid_again = tranches.disbursement_pay(
            disbursement_id=tranche.pk, by=tranche.application.cast.finance,
            paid_on=TODAY, reference="TRF-2026-77")
    assert paid_again.status == "paid"
    assert Notification.objects.filter(kind=Kind.LOAN_PAID_OUT).count() == written
    assert ScheduleDocument.objects.count() == 1


def test_a_second_tranche_issues_a_new_document_replacing_the_first(tranche,
                                                                    django_capture_on_commit_callbacks):
    finance = tranche.application.cast.finance
    first, second = tranches.disbursement_split(disbursement_id=tranche.pk, by=finance,
                                                amounts=["1000.00", "2000.00"])
    treasurer = tranche.application.cast.treasurer
    tranches.disbursement_approve(disbursement_id=first.pk, by=treasurer)
    with django_capture_on_commit_callbacks(execute=True):
        tranches.disbursement_pay(disbursement_id=first.pk, by=finance,
                                  paid_on=TODAY, reference="T1")
        tranches.disbursement_approve(disbursement_id=second.pk, by=treasurer)
        tranches.disbursement_pay(disbursement_id=second.pk, by=finance, paid_on=TODAY, reference="T2")
    one, two = ScheduleDocument.objects.order_by("sequence")
    assert two.supersedes == one and one.sha256 != two.sha256
    assert (one.schedule_version, two.schedule_version) == (1, 2)
    assert "S1" in pdf_text(two.file.open("rb").read())  # says which one it replaces


def test_download_for_the_organisation_and_staff_only(tranche, client_for,
                                                      django_capture_on_commit_callbacks):
    _pay(tranche, django_capture_on_commit_callbacks)
    document = ScheduleDocument.objects.get()
    url = f"/applications/{tranche.application_id}/schedules/{document.pk}/"
    own = client_for(tranche.application.applicant)
    page = own.get(f"/applications/{tranche.application_id}/").content.decode()
    assert url in page
    response = own.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(tranche.application.cast.finance).get(url).status_code == 200
    assert client_for(staff_user(Role.AUDITOR)).get(url).status_code == 200
    assert client_for(OppUserFactory()).get(url).status_code == 404
    other = drive(fund_code="youth-revolving", to="conditions_accepted", terms=TERMS)
    assert own.get(f"/applications/{other.pk}/schedules/{document.pk}/").status_code == 404


def test_api_lists_and_serves_the_definitive_schedule(tranche, api_as, django_capture_on_commit_callbacks):
    _pay(tranche, django_capture_on_commit_callbacks)
    document = ScheduleDocument.objects.get()
    own = api_as(tranche.application.applicant)
    listed = own.get(f"/api/v1/schedule-documents/?loan={document.loan_id}").json()
    assert listed["count"] == 1 and listed["results"][0]["sha256"] == document.sha256
    assert listed["results"][0]["reference"] == document.reference
    pdf = own.get(f"/api/v1/schedule-documents/{document.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["ETag"] == f'"{document.sha256}"'
    stranger = api_as(OppUserFactory())
    assert stranger.get(f"/api/v1/schedule-documents/{document.pk}/pdf/").status_code == 404
    assert stranger.get("/api/v1/schedule-documents/").json()["count"] == 0


def test_a_reschedule_issues_a_new_definitive_schedule_the_old_one_stays_superseded_and_the_opp_is_told(
        tranche, api_as, django_capture_on_commit_callbacks):
    _pay(tranche, django_capture_on_commit_callbacks)
    old = ScheduleDocument.objects.get()
    old_file, old_digest = old.file.open("rb").read(), old.sha256
    loan = Loan.objects.get(application=tranche.application)
    finance = tranche.application.cast.finance

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(finance).post(
            f"/api/v1/loans/{loan.pk}/reschedule/",
            {"starts_on": TODAY.isoformat(), "term_months": 24, "reason": "Sequía en la zona"}, format="json",
        )

    assert response.status_code == 200, response.content
    loan.refresh_from_db()
    old.refresh_from_db()
    new = ScheduleDocument.objects.exclude(pk=old.pk).get()
    assert new.disbursement is None and new.supersedes == old
    assert new.schedule_version == loan.schedule_version == 2
    assert new.status == LetterStatus.RENDERED and new.reschedule_reason == "Sequía en la zona"
    # The old document stays as it was issued, marked superseded.
    assert old.status == LetterStatus.RENDERED and old.sha256 == old_digest
    assert old.file.open("rb").read() == old_file
    text = pdf_text(new.file.open("rb").read())
    assert old.reference in text and "Sequía en la zona" in text
    from letters.rendering import Formatter

    last = loan.instalments.filter(is_current=True).order_by("n").last()
    assert last.n == 24 and Formatter("es", "USD").date(last.due_date, "medium") in text  # the new rows
    with translation.override("es"):
        assert "reprogram" in text.lower()

    listed = {row["id"]: row for row in api_as(tranche.application.applicant).get(
        f"/api/v1/schedule-documents/?loan={loan.pk}").json()["results"]}
    assert listed[old.pk]["superseded_by"] == new.pk and listed[new.pk]["superseded_by"] is None
    assert listed[new.pk]["reschedule_reason"] == "Sequía en la zona"

    notice = Notification.objects.get(kind=Kind.LOAN_RESCHEDULED, recipient=tranche.application.applicant)
    assert notice.in_app and new.reference in notice.body and "Sequía en la zona" in notice.body
    first = loan.instalments.filter(is_current=True).order_by("n").first()
    with translation.override("es"):
        assert formats.date_format(first.due_date, "DATE_FORMAT") in notice.body
    assert any(new.reference in message.body for message in mail.outbox)


def test_a_reschedule_issues_one_document_and_one_notice_however_often_its_handlers_run(
        tranche, django_capture_on_commit_callbacks):
    from disbursements.services import loans as loan_services

    _pay(tranche, django_capture_on_commit_callbacks)
    loan = Loan.objects.get(application=tranche.application)
    with django_capture_on_commit_callbacks(execute=True):
        loan_services.loan_reschedule(loan_id=loan.pk, by=tranche.application.cast.finance, starts_on=TODAY,
                                      term_months=18, reason="Helada")
    loan.refresh_from_db()
    new = ScheduleDocument.objects.get(loan=loan, disbursement__isnull=True)
    notices = Notification.objects.filter(kind=Kind.LOAN_RESCHEDULED).count()
    # Run again (a retried handler): nothing new is written.
    from notifications.payments import on_reschedule as tell

    assert schedules.schedule_document_on_reschedule(loan=loan, application=loan.application,
                                                     reason="Helada") == new
    tell(loan=loan, application=loan.application, reason="Helada")
    assert ScheduleDocument.objects.filter(loan=loan).count() == 2
    assert Notification.objects.filter(kind=Kind.LOAN_RESCHEDULED).count() == notices >= 1
