"""Dangerous uploads through the portal's documents page: each is refused with the reason shown next to
the file field, and nothing is stored (no row, no file). The API path is tested in
tests/applications/test_api_applications.py; these reuse its files."""

import html
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications.models import Document
from tests.applications.test_api_applications import BOMB_DOCX, MACRO_DOCX
from tests.workflow import PDF_BYTES, drive

pytestmark = pytest.mark.django_db

BAD_UPLOADS = [
    # (file name, content, content type the browser claims, words the reason contains)
    ("evidence.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf", "content"),
    ("evidence.pdf", b"\x7fELF" + b"\x00" * 200, "application/pdf", "content"),
    ("evidence.exe", b"MZ\x90\x00" + b"\x00" * 200, "application/octet-stream", "PDF, JPEG"),
    ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
     "image/svg+xml", "PDF, JPEG"),
    ("drawing.pdf", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "application/pdf", "content"),
    ("page.html", b"<html><script>alert(1)</script></html>", "text/html", "PDF, JPEG"),
    ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "application/pdf", "content"),
    ("informe.docx", BOMB_DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "unsafe size"),
    ("informe.docx", MACRO_DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "macros"),
    ("empty.pdf", b"", "application/pdf", "empty"),
    ("big.pdf", PDF_BYTES + b"0" * 2 * 1024 * 1024, "application/pdf", "limit"),
]
UPLOADS_TRIED = 2 * len(BAD_UPLOADS)  # as a form post and as the page's script sends it


def stored_files(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def field_error(page: str) -> str:
    match = re.search(r'<p class="field-error" id="id_file-error" role="alert"\s*>(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)).strip() if match else ""


@pytest.fixture
def draft(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.FONDOS_MAX_UPLOAD_BYTES = 1024 * 1024  # the zip bomb is smaller: it must be caught as one
    application = drive(fund_code="catastrophic-events", to="draft")
    application.applicant.language = "en"
    application.applicant.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(application.applicant)
    return application, client


@pytest.mark.parametrize(("name", "content", "content_type", "reason"), BAD_UPLOADS,
                         ids=[f"{n}-{r}" for n, _, _, r in BAD_UPLOADS])
def test_the_documents_page_refuses_a_dangerous_file_next_to_the_field(draft, settings, name, content,
                                                                       content_type, reason):
    application, client = draft
    url = reverse("application-documents", args=[application.pk])
    documents, files = Document.objects.count(), stored_files(settings.MEDIA_ROOT)

    response = client.post(url, {"kind": "damage_evidence",
                                 "file": SimpleUploadedFile(name, content, content_type)})

    assert response.status_code == 400
    error = field_error(response.content.decode())
    assert reason in error, error
    assert 'aria-invalid="true"' in response.content.decode()

    scripted = client.post(url, {"kind": "damage_evidence",
                                 "file": SimpleUploadedFile(name, content, content_type)},
                           HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert scripted.status_code == 400
    assert scripted.json()["ok"] is False and reason in scripted.json()["error"]

    assert Document.objects.count() == documents
    assert stored_files(settings.MEDIA_ROOT) == files


def test_a_good_file_is_still_accepted_by_the_page(draft, settings):
    application, client = draft
    url = reverse("application-documents", args=[application.pk])
    before = Document.objects.count()
    response = client.post(url, {"kind": "damage_evidence",
                                 "file": SimpleUploadedFile("evidencia.pdf", PDF_BYTES, "application/pdf")})
    assert response.status_code == 302
    assert Document.objects.count() == before + 1
