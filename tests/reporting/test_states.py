"""A report's life through the API: drafted step by step, submitted, returned with comments, corrected,
accepted; every transition logged and announced in the organisation's language."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import Notification
from reporting.models import ReportTransitionLog
from tests.factories import OppUserFactory
from tests.workflow import PDF_BYTES

pytestmark = pytest.mark.django_db

FINAL_BODY = {
    "narrative": "Instalamos riego por goteo en 30 fincas.",
    "indicators": [{"indicator": "Hectáreas con riego", "unit": "ha", "value": "30"},
                   {"indicator": "Productoras capacitadas", "unit": "personas", "baseline": "0",
                    "value": "25"}],
    "people_reached": {"women": 40, "men": 55, "other": 1, "youth": 30, "adults": 66},
    "expenditures": [{"budget_line": "Tubería", "amount": "5200.00", "currency": "USD"}],
}


def receipt(api, report_id, line="Tubería"):
    upload = SimpleUploadedFile("factura.pdf", PDF_BYTES, content_type="application/pdf")
    return api.post(f"/api/v1/project-reports/{report_id}/attachments/",
                    {"kind": "receipt", "budget_line": line, "file": upload}, format="multipart")


@pytest.fixture
def final_report(paid_award):
    application = paid_award("climate-eventuality")
    return application, application.project_reports.get(kind="final")


def test_the_organisation_drafts_submits_corrects_and_the_secretariat_accepts(api_as, final_report):
    application, report = final_report
    opp, secretariat = api_as(application.applicant), api_as(application.cast.secretariat)
    url = f"/api/v1/project-reports/{report.pk}/"

    first = opp.patch(url, {"narrative": "Empezamos."}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "draft"
    step = opp.patch(url, {"people_reached": FINAL_BODY["people_reached"]}, format="json")
    assert step.json()["narrative"] == "Empezamos."  # each step keeps what the others saved

    opp.patch(url, FINAL_BODY, format="json")
    assert receipt(opp, report.pk).status_code == 201
    submitted = opp.post(url + "submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert opp.patch(url, {"narrative": "Otra cosa"}, format="json").status_code == 409

    returned = secretariat.post(url + "return/", {"comments": "Falta la foto del sistema."}, format="json")
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    assert returned.json()["comments"] == "Falta la foto del sistema."
    corrected = opp.patch(url, {"narrative": "Instalamos riego; adjuntamos fotos."}, format="json")
    assert corrected.json()["status"] == "returned"
    assert opp.post(url + "submit/").json()["status"] == "submitted"

    accepted = secretariat.post(url + "accept/", {}, format="json")
    assert accepted.status_code == 200
    body = accepted.json()
    assert body["status"] == "accepted"
    assert body["available_transitions"] == []
    assert [(h["from"], h["to"]) for h in body["history"]] == [
        ("due", "draft"), ("draft", "submitted"), ("submitted", "returned"), ("returned", "submitted"),
        ("submitted", "accepted")]
    assert ReportTransitionLog.objects.filter(report=report).count() == 5


def test_return_needs_comments_and_the_organisation_reads_them_in_its_language(api_as, final_report):
    application, report = final_report
    opp, secretariat = api_as(application.applicant), api_as(application.cast.secretariat)
    opp.patch(f"/api/v1/project-reports/{report.pk}/", FINAL_BODY, format="json")
    receipt(opp, report.pk)
    opp.post(f"/api/v1/project-reports/{report.pk}/submit/")

    empty = secretariat.post(f"/api/v1/project-reports/{report.pk}/return/", {"comments": " "}, format="json")
    assert empty.status_code == 400
    assert "comments" in empty.json()
    secretariat.post(f"/api/v1/project-reports/{report.pk}/return/", {"comments": "Corrijan el monto."},
                     format="json")
    notice = Notification.objects.get(kind="report_returned", recipient=application.applicant)
    assert notice.language == "es"
    assert "Corrijan el monto." in notice.body
    assert "correcciones" in notice.subject.lower()


def test_submission_lists_every_missing_part_at_once(api_as, final_report):
    application, report = final_report
    opp = api_as(application.applicant)
    opp.patch(f"/api/v1/project-reports/{report.pk}/", {
        "people_reached": {"women": 1, "men": 1, "other": 0, "youth": 1, "adults": 2},
        "expenditures": [{"budget_line": "Semillas", "amount": "10.00", "currency": "USD"}],
    }, format="json")
    response = opp.post(f"/api/v1/project-reports/{report.pk}/submit/")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"narrative", "people_reached", "indicators", "expenditures"}
    assert "Hectáreas con riego" in errors["indicators"][0]
    report.refresh_from_db()
    assert report.status == "draft"


def test_baseline_indicators_keep_their_unit(api_as, final_report):
    application, report = final_report
    response = api_as(application.applicant).patch(
        f"/api/v1/project-reports/{report.pk}/",
        {"indicators": [{"indicator": "Hectáreas con riego", "unit": "m2", "value": "30"}]}, format="json")
    assert response.status_code == 400
    assert "ha" in response.json()["indicators"][0]


def test_only_the_secretariat_accepts_and_only_a_submitted_report(api_as, final_report):
    application, report = final_report
    by_applicant = api_as(application.applicant).post(f"/api/v1/project-reports/{report.pk}/accept/")
    assert by_applicant.status_code == 403
    answer = api_as(application.cast.secretariat).post(f"/api/v1/project-reports/{report.pk}/accept/")
    assert answer.status_code == 409


def test_another_organisations_reports_are_not_found(api_as, final_report):
    application, report = final_report
    stranger = api_as(OppUserFactory())
    assert stranger.get(f"/api/v1/project-reports/{report.pk}/").status_code == 404
    assert stranger.patch(f"/api/v1/project-reports/{report.pk}/", {"narrative": "x"},
                          format="json").status_code == 404
    assert stranger.post(f"/api/v1/project-reports/{report.pk}/submit/").status_code == 404
    assert stranger.get(f"/api/v1/applications/{application.pk}/project-reports/").status_code == 404
    assert stranger.get(f"/api/v1/project-reports/{report.pk}/attachments/").status_code == 404


def test_the_application_lists_its_reports_and_the_organisation_may_add_one(api_as, final_report):
    application, report = final_report
    opp = api_as(application.applicant)
    listed = opp.get(f"/api/v1/applications/{application.pk}/project-reports/").json()
    assert [r["kind"] for r in listed] == ["progress", "final"]
    added = opp.post(f"/api/v1/applications/{application.pk}/project-reports/", {"kind": "progress"},
                     format="json")
    assert added.status_code == 201, added.content
    assert added.json()["status"] == "draft"
    assert added.json()["required"] is False
    assert added.json()["sequence"] == 2


def test_the_secretariat_adds_a_required_report_with_its_due_date(api_as, final_report):
    application, report = final_report
    staff = api_as(application.cast.secretariat)
    no_date = staff.post(f"/api/v1/applications/{application.pk}/project-reports/", {"kind": "progress"},
                         format="json")
    assert no_date.status_code == 400
    added = staff.post(f"/api/v1/applications/{application.pk}/project-reports/",
                       {"kind": "progress", "due_on": "2099-01-31"}, format="json")
    assert added.status_code == 400  # beyond ten years
    import datetime

    due = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
    added = staff.post(f"/api/v1/applications/{application.pk}/project-reports/",
                       {"kind": "progress", "due_on": due}, format="json")
    assert added.status_code == 201
    assert added.json()["status"] == "due" and added.json()["required"] is True


def test_bad_input_is_refused_and_nothing_changes(api_as, final_report):
    application, report = final_report
    opp = api_as(application.applicant)
    url = f"/api/v1/project-reports/{report.pk}/"
    for body in ({"people_reached": {"women": -1}}, {"expenditures": [{"budget_line": "x", "amount": "1.001",
                                                                          "currency": "USD"}]},
                 {"unknown": 1}, {"indicators": [{"indicator": "a", "unit": "b", "value": "x"}]}):
        assert opp.patch(url, body, format="json").status_code == 400, body
    assert opp.patch(url, [1, 2], format="json").status_code == 400
    report.refresh_from_db()
    assert report.status == "due"
