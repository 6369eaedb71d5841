"""Several files per kind of document; a file can be removed before submission, never after."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.models import Document
from core.errors import WrongState
from tests.factories import OppUserFactory
from tests.workflow import PDF_BYTES, drive

pytestmark = pytest.mark.django_db


def _pdf(name):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def test_several_files_of_one_kind_are_attached_at_once_and_all_kept(client_for):
    application = drive(fund_code="catastrophic-events", to="draft")
    page = client_for(application.applicant)
    before = application.documents.count()
    response = page.post(f"/applications/{application.pk}/documents/", {
        "kind": "damage_evidence", "file": [_pdf("foto-1.pdf"), _pdf("foto-2.pdf")]})
    assert response.status_code == 302
    current = application.documents.filter(kind="damage_evidence", replaced_by__isnull=True)
    assert current.count() == before + 2
    html = page.get(f"/applications/{application.pk}/documents/").content.decode()
    assert "foto-1.pdf" in html and "foto-2.pdf" in html and " multiple " in html


def test_each_file_keeps_the_content_check_and_says_which_was_refused(client_for):
    application = drive(fund_code="catastrophic-events", to="draft")
    application.applicant.language = "en"
    application.applicant.save(update_fields=["language"])
    page = client_for(application.applicant)
    before = application.documents.count()
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a PDF", content_type="application/pdf")
    response = page.post(f"/applications/{application.pk}/documents/", {
        "kind": "damage_evidence", "file": [_pdf("good.pdf"), fake]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "virus.pdf:" in html
    assert application.documents.count() == before + 1
    assert application.documents.filter(original_name="good.pdf").exists()


def test_a_file_is_removed_from_a_draft_with_its_stored_file(client_for, django_capture_on_commit_callbacks):
    application = drive(fund_code="catastrophic-events", to="draft")
    document = application.documents.first()
    storage, path = document.file.storage, document.file.name
    page = client_for(application.applicant)
    html = page.get(f"/applications/{application.pk}/documents/").content.decode()
    assert f"/applications/{application.pk}/documents/{document.pk}/remove/" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post(f"/applications/{application.pk}/documents/{document.pk}/remove/")
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not storage.exists(path)


def test_after_submission_nothing_can_be_removed(client_for):
    application = drive(fund_code="catastrophic-events", to="submitted")
    document = application.documents.first()
    page = client_for(application.applicant)
    html = page.get(f"/applications/{application.pk}/documents/").content.decode()
    assert "/remove/" not in html
    response = page.post(f"/applications/{application.pk}/documents/{document.pk}/remove/", follow=True)
    assert Document.objects.filter(pk=document.pk).exists()
    assert "solo antes de enviar" in response.content.decode()
    with pytest.raises(WrongState):
        services.document_remove(application_id=application.pk, document_id=document.pk,
                                 by=application.applicant)


def test_only_the_organisation_removes_and_others_find_nothing(client_for):
    application = drive(fund_code="catastrophic-events", to="draft")
    document = application.documents.first()
    stranger = client_for(OppUserFactory())
    assert stranger.post(f"/applications/{application.pk}/documents/{document.pk}/remove/").status_code == 404
    other = drive(fund_code="catastrophic-events", to="draft")
    mine = client_for(application.applicant)
    foreign = other.documents.first()
    assert mine.post(f"/applications/{application.pk}/documents/{foreign.pk}/remove/").status_code == 404
    assert mine.get(f"/applications/{application.pk}/documents/{document.pk}/remove/").status_code == 405
    assert Document.objects.filter(pk__in=[document.pk, foreign.pk]).count() == 2


def test_required_kinds_are_met_by_any_of_their_files_and_removing_the_last_reopens_them():
    application = drive(fund_code="catastrophic-events", to="draft")
    by = application.applicant
    services.document_upload(application_id=application.pk, by=by, kind="damage_evidence",
                             upload=_pdf("b.pdf"))
    for document in list(application.documents.filter(kind="damage_evidence")):
        assert "damage_evidence" not in services._missing_documents(application)
        services.document_remove(application_id=application.pk, document_id=document.pk, by=by)
    assert "damage_evidence" in services._missing_documents(application)
