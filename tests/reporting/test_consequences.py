"""What a missing report holds back: the next tranche, and closing the file."""

import datetime

import pytest
from django.utils import timezone

from applications import services as application_services
from core.errors import Invalid
from disbursements.models import Disbursement
from disbursements.services import disbursements as money
from funds.models import Fund, FundParameters
from reporting import services
from reporting.models import ReportAttachment
from tests.workflow import valid_fields

from .helpers import accept

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tranches(paid_award):
    """A climate award split in two tranches, the first paid long enough ago that its half-way progress
    report is due."""
    fields = valid_fields("climate-eventuality")
    fields["project_end_date"] = (timezone.localdate() + datetime.timedelta(days=100)).isoformat()
    application = paid_award("climate-eventuality", fields=fields, split=["4000.00", "4000.00"], days_ago=200)
    second = Disbursement.objects.get(application=application, tranche=2)
    return application, second


def test_the_next_tranche_is_refused_while_a_due_report_is_not_accepted(two_tranches):
    application, second = two_tranches
    finance = application.cast.finance
    progress = application.project_reports.get(kind="progress")
    assert progress.due_on < timezone.localdate()

    with pytest.raises(Invalid) as refused:
        money.disbursement_approve(disbursement_id=second.pk, by=application.cast.treasurer)
    assert "progress report" in refused.value.errors["non_field_errors"][0]
    second.refresh_from_db()
    assert second.status == "pending"

    accept(progress, application, indicators=[{"indicator": "Hectáreas con riego", "unit": "ha",
                                               "value": "20"}])
    money.disbursement_approve(disbursement_id=second.pk, by=application.cast.treasurer)
    money.disbursement_pay(disbursement_id=second.pk, by=finance, paid_on=timezone.localdate(),
                           reference="TRF-2")
    second.refresh_from_db()
    assert second.status == "paid"


def test_the_tranche_refusal_reaches_the_api_as_400(api_as, two_tranches):
    application, second = two_tranches
    response = api_as(application.cast.treasurer).post(f"/api/v1/disbursements/{second.pk}/approve/")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_fund_may_let_tranches_go_without_reports(two_tranches):
    application, second = two_tranches
    FundParameters.objects.create(fund=Fund.objects.get(code="climate-eventuality"),
                                  valid_from=timezone.localdate() - datetime.timedelta(days=3000),
                                  values={"reports_block_next_tranche": False})
    money.disbursement_approve(disbursement_id=second.pk, by=application.cast.treasurer)


def test_the_file_closes_only_once_the_final_report_with_its_endline_is_accepted(paid_award):
    application = paid_award("climate-eventuality")
    secretariat = application.cast.secretariat
    progress = application.project_reports.get(kind="progress")
    final = application.project_reports.get(kind="final")
    accept(progress, application)

    with pytest.raises(Invalid) as refused:
        application_services.application_close(application_id=application.pk, by=secretariat)
    assert "final report" in refused.value.errors["non_field_errors"][0]
    application.refresh_from_db()
    assert application.status == "in_execution"

    services.project_report_update(report_id=final.pk, by=application.applicant, fields={
        "narrative": "Proyecto terminado.",
        "people_reached": {"women": 2, "men": 1, "other": 0, "youth": 1, "adults": 2}})
    with pytest.raises(Invalid) as no_endline:
        services.project_report_submit(report_id=final.pk, by=application.applicant)
    assert "endline" in no_endline.value.errors["indicators"][0]

    accept(final, application, indicators=[{"indicator": "Hectáreas con riego", "unit": "ha", "value": "30"}])
    application_services.application_close(application_id=application.pk, by=secretariat)
    application.refresh_from_db()
    assert application.status == "closed"


def test_a_close_refused_through_the_api_lists_the_reports(api_as, paid_award):
    application = paid_award("catastrophic-events")
    response = api_as(application.cast.secretariat).post(f"/api/v1/applications/{application.pk}/close/",
                                                         {}, format="json")
    assert response.status_code == 400
    assert "use-of-funds report" in response.json()["non_field_errors"][0]


def test_the_certificate_closes_the_subsidy(paid_award):
    application = paid_award("certification-subsidy")
    certificate = application.project_reports.get()
    with pytest.raises(Invalid):
        services.project_report_submit(report_id=certificate.pk, by=application.applicant)
    accept(certificate, application)
    assert ReportAttachment.objects.filter(report=certificate, kind="certificate").count() == 1
    application_services.application_close(application_id=application.pk, by=application.cast.secretariat)
