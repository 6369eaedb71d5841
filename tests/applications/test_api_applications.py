import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models import Application, Document
from tests.factories import OppUserFactory
from tests.workflow import PDF_BYTES, drive, ensure_capital, valid_fields

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def create(client, fund_code, organization, **fields):
    body = {"fund": fund_code, "organization": organization.pk, **fields}
    return client.post("/api/v1/applications/", body, format="json")


def test_create_draft_then_patch_and_see_the_assessment(api_as):
    ensure_capital("catastrophic-events")
    user = OppUserFactory()
    client = api_as(user)
    fields = valid_fields("catastrophic-events")
    fields.pop("affected_season_volume")
    response = create(client, "catastrophic-events", user.organization, **fields)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["assessment"]["eligible"] is False
    assert body["crop"] == "coffee"

    response = client.patch(f"/api/v1/applications/{body['id']}/", {"affected_season_volume": "650"},
                            format="json")
    assert response.status_code == 200, response.content
    assessment = response.json()["assessment"]
    assert assessment["loss_percent"] == "35.00"
    assert assessment["eligible"] is True
    assert assessment["max_award"] == "15750.00"  # 350 qq × 150.00 × 30%
    assert assessment["baseline"] == "1000.000"


def test_bad_fields_get_a_400_naming_the_field_and_change_nothing(api_as):
    user = OppUserFactory()
    client = api_as(user)
    response = create(client, "youth-revolving", user.organization, requested_amount="-5",
                      term_months="twelve", unknown_field=1)
    assert response.status_code == 400
    errors = response.json()
    assert {"requested_amount", "term_months", "unknown_field"} <= set(errors)
    assert not Application.objects.exists()


def test_unknown_fund_code_is_a_400(api_as):
    user = OppUserFactory()
    response = create(api_as(user), "lottery", user.organization)
    assert response.status_code == 400
    assert "fund" in response.json()


def test_errors_in_the_callers_language(api_as):
    user = OppUserFactory()
    response = api_as(user).post("/api/v1/applications/", {"fund": "lottery", "organization": "x"},
                                 format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert "válido" in response.json()["organization"][0] or "número" in response.json()["organization"][0]


def test_cannot_apply_for_another_organisation(api_as):
    user, other = OppUserFactory(), OppUserFactory()
    response = create(api_as(user), "climate-eventuality", other.organization)
    assert response.status_code == 400
    assert "organization" in response.json()
    assert not Application.objects.exists()


def test_submit_lists_every_reason_it_cannot(api_as):
    ensure_capital("certification-subsidy")
    user = OppUserFactory()
    client = api_as(user)
    app_id = create(client, "certification-subsidy", user.organization, invoice_number="F-1").json()["id"]
    response = client.post(f"/api/v1/applications/{app_id}/submit/")
    assert response.status_code == 400
    errors = response.json()
    assert {"invoice_amount", "certifier", "certification_year", "documents"} <= set(errors)
    assert len(errors["documents"]) == 2
    assert Application.objects.get(pk=app_id).status == "draft"


def test_submission_stores_the_assessment_and_decision_due():
    application = drive(fund_code="youth-revolving", to="submitted")
    assert application.assessment["eligible"] is True
    assert application.assessment["max_award"] == "3000.00"
    submitted_on = timezone.localdate(application.submitted_at)
    assert (application.decision_due - submitted_on).days == 28
    assert (application.decision_warning_on - submitted_on).days == 15


def test_one_certification_subsidy_per_organisation_and_year(api_as):
    first = drive(fund_code="certification-subsidy", to="submitted")
    second = drive(fund_code="certification-subsidy", to="draft", applicant=first.applicant)
    response = api_as(first.applicant).post(f"/api/v1/applications/{second.pk}/submit/")
    assert response.status_code == 400
    assert "certification year" in " ".join(response.json()["non_field_errors"])
    next_year = valid_fields("certification-subsidy")
    next_year["certification_year"] += 1
    third = drive(fund_code="certification-subsidy", to="submitted", applicant=first.applicant,
                  fields=next_year)
    assert third.status == "submitted"


def test_another_organisations_application_is_not_found(api_as):
    application = drive(fund_code="climate-eventuality", to="submitted")
    stranger = api_as(OppUserFactory())
    base = f"/api/v1/applications/{application.pk}/"
    assert stranger.get(base).status_code == 404
    assert stranger.patch(base, {"purpose": "mitigation"}, format="json").status_code == 404
    assert stranger.get(base + "history/").status_code == 404
    assert stranger.get(base + "documents/").status_code == 404
    assert stranger.post(base + "withdraw/").status_code == 404
    assert stranger.get("/api/v1/applications/").json()["count"] == 0
    assert api_as(application.applicant).get("/api/v1/applications/").json()["count"] == 1


def test_patch_only_while_draft_or_information_requested(api_as):
    application = drive(fund_code="climate-eventuality", to="submitted")
    response = api_as(application.applicant).patch(f"/api/v1/applications/{application.pk}/",
                                                   {"purpose": "mitigation"}, format="json")
    assert response.status_code == 409


def test_list_filters_and_paginates(api_as, people):
    for _ in range(3):
        drive(fund_code="climate-eventuality", to="submitted", applicant=people["applicant"])
    drive(fund_code="catastrophic-events", to="draft", applicant=people["applicant"])
    client = api_as(people["applicant"])
    assert client.get("/api/v1/applications/?fund=climate-eventuality").json()["count"] == 3
    assert client.get("/api/v1/applications/?status=draft").json()["count"] == 1
    assert client.get("/api/v1/applications/?status=nonsense").status_code == 400


def _query_count(user, url):
    """Queries one real request makes (token authentication: the user is loaded afresh)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from organizations.services import api_token_create

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user).key}")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_list_uses_a_fixed_number_of_queries_whatever_the_page_size(people):
    drive(fund_code="climate-eventuality", to="submitted")
    one, response = _query_count(people["secretariat"], "/api/v1/applications/")
    assert response.json()["count"] == 1
    for _ in range(49):
        drive(fund_code="climate-eventuality", to="submitted")
    fifty, response = _query_count(people["secretariat"], "/api/v1/applications/")
    assert len(response.json()["results"]) == 50
    # the caller (token, person and staff roles in one query), the count, the page
    assert one == fifty == 3


def test_detail_uses_a_fixed_number_of_queries(people):
    application = drive(fund_code="catastrophic-events", to="submitted", applicant=people["applicant"])
    count, _ = _query_count(people["applicant"], f"/api/v1/applications/{application.pk}/")
    # the caller, the application; a submitted application's assessment is the stored one
    assert count == 2


# ------------------------------------------------------------------ documents


def upload(client, application, name, content, kind="damage_evidence", content_type="application/pdf"):
    return client.post(f"/api/v1/applications/{application.pk}/documents/",
                       {"kind": kind, "file": SimpleUploadedFile(name, content, content_type)},
                       format="multipart")


def docx_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


GOOD_DOCX = docx_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
BOMB_DOCX = docx_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "0" * 50_000_000})
MACRO_DOCX = docx_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<x/>",
                         "word/vbaProject.bin": "macro"})


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("evidence.pdf", b"MZ\x90\x00" + b"\x00" * 100, "content"),
    ("evidence.pdf", b"\x7fELF" + b"\x00" * 100, "content"),
    ("..\\evil.pdf", PDF_BYTES, "folders"),
    ("page.html", b"<html><script>alert(1)</script></html>", "PDF, JPEG"),
    ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "PDF, JPEG"),
    ("drawing.pdf", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "content"),
    ("evidence.png", PDF_BYTES, "content is"),
    ("informe.docx", BOMB_DOCX, "unsafe size"),
    ("informe.docx", MACRO_DOCX, "macros"),
    ("empty.pdf", b"", "empty"),
])
def test_bad_uploads_are_refused_and_nothing_is_stored(api_as, name, content, reason):
    application = drive(fund_code="catastrophic-events", to="draft")
    before = Document.objects.count()
    response = upload(api_as(application.applicant), application, name, content)
    assert response.status_code == 400, response.content
    assert reason in " ".join(response.json()["file"]), response.json()
    assert Document.objects.count() == before


def test_oversized_upload_is_refused(api_as, settings):
    settings.FONDOS_MAX_UPLOAD_BYTES = 1024
    application = drive(fund_code="catastrophic-events", to="draft")
    response = upload(api_as(application.applicant), application, "big.pdf", PDF_BYTES + b"0" * 2048)
    assert response.status_code == 400
    assert "limit" in response.json()["file"][0]


def test_good_uploads_are_kept_side_by_side_several_of_one_kind(api_as):
    application = drive(fund_code="catastrophic-events", to="draft")
    client = api_as(application.applicant)
    assert upload(client, application, "foto.png", PNG_BYTES, content_type="image/png").status_code == 201
    assert upload(client, application, "informe.docx", GOOD_DOCX).status_code == 201
    documents = client.get(f"/api/v1/applications/{application.pk}/documents/").json()
    assert all(d["is_current"] for d in documents)
    # The PDF from the draft, the PNG and the Word file: three files of the one kind, none replaced.
    assert len(documents) == 3 and len({d["kind"] for d in documents}) == 1
    current = [d for d in documents if d["original_name"] == "informe.docx"]
    assert current[0]["content_type"].endswith("wordprocessingml.document")

    response = client.get(current[0]["url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == GOOD_DOCX
    assert response["X-Content-Type-Options"] == "nosniff"
    assert api_as(OppUserFactory()).get(current[0]["url"]).status_code == 404


def test_unknown_document_kind_is_refused(api_as):
    application = drive(fund_code="catastrophic-events", to="draft")
    response = upload(api_as(application.applicant), application, "a.pdf", PDF_BYTES, kind="selfie")
    assert response.status_code == 400
    assert "kind" in response.json()


def test_documents_cannot_be_added_after_submission(api_as):
    application = drive(fund_code="catastrophic-events", to="submitted")
    response = upload(api_as(application.applicant), application, "a.pdf", PDF_BYTES)
    assert response.status_code == 409


def test_a_file_name_with_folders_is_refused(api_as):
    """Django's test client strips folders from names, so the request is written by hand."""
    application = drive(fund_code="catastrophic-events", to="draft")
    boundary = "fondosboundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ndamage_evidence\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
        f"filename=\"../../etc/passwd.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    ).encode() + PDF_BYTES + f"\r\n--{boundary}--\r\n".encode()
    before = Document.objects.count()
    response = api_as(application.applicant).generic(
        "POST", f"/api/v1/applications/{application.pk}/documents/", body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400, response.content
    assert "folders" in response.json()["file"][0]
    assert Document.objects.count() == before
