"""The download responses and the answers to a service's refusal that the pages and the API share."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from core.errors import Invalid, NotPermitted, Refused, WrongState
from core.http import (
    api_refusal_response,
    issued_pdf_response,
    name_download,
    page_refusal,
    refusal_status,
    refusal_text,
    uploaded_file_response,
)


class Issued:
    reference = "APP-2026-00001-L1"
    sha256 = "ab" * 32
    file = ContentFile(b"%PDF-1.7", name="letter.pdf")


def test_an_uploaded_file_is_a_sandboxed_download():
    response = uploaded_file_response(ContentFile(b"x", name="a"), filename="informe final.pdf",
                                      content_type="application/pdf")
    assert response["Content-Disposition"] == 'attachment; filename="informe final.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == b"x"


def test_an_issued_pdf_is_named_by_its_reference_with_its_digest_as_etag():
    response = issued_pdf_response(Issued())
    assert response["Content-Disposition"] == 'attachment; filename="APP-2026-00001-L1.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["ETag"] == f'"{"ab" * 32}"'
    assert "Content-Security-Policy" not in response


def test_a_download_is_named_and_a_name_outside_ascii_survives():
    assert name_download(HttpResponse(), "outcomes.csv")["Content-Disposition"] == (
        'attachment; filename="outcomes.csv"')
    assert name_download(HttpResponse(), "360giving.json", inline=True)["Content-Disposition"] == (
        'inline; filename="360giving.json"')
    assert name_download(HttpResponse(), "año.csv")["Content-Disposition"] == (
        "attachment; filename*=utf-8''a%C3%B1o.csv")


@pytest.mark.parametrize(
    ("refusal", "status", "body"),
    [
        (Invalid({"amount": ["Too much."]}), 400, {"amount": ["Too much."]}),
        (NotPermitted("Not yours."), 403, {"detail": "Not yours."}),
        (WrongState("Already paid."), 409, {"detail": "Already paid."}),
        (Refused("No."), 400, {"detail": "No."}),
    ],
)
def test_the_api_answers_a_refusal_with_its_status(refusal, status, body):
    response = api_refusal_response(refusal)
    assert (refusal_status(refusal), response.status_code, response.data) == (status, status, body)


def test_other_exceptions_are_left_to_the_framework():
    assert api_refusal_response(ValueError("x")) is None


def test_a_refusal_reads_as_one_text_with_every_reason():
    refusal = Invalid({"amount": ["Too much."], "rows": {0: {"date": ["No date."]}}})
    assert refusal_text(refusal) == "Too much. No date."
    assert refusal_text(WrongState("Already paid.")) == "Already paid."


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_a_page_shows_a_refusal_on_the_page_it_goes_back_to():
    request = _request()
    back = HttpResponseRedirect("/back/")
    assert page_refusal(request, WrongState("Already paid."), back) is back
    assert page_refusal(request, Invalid({"amount": ["Too much."]})) is None
    assert [str(m) for m in get_messages(request)] == ["Already paid.", "Too much."]


def test_a_page_answers_not_permitted_with_403():
    request = _request()
    with pytest.raises(PermissionDenied, match="Not yours."):
        page_refusal(request, NotPermitted("Not yours."), HttpResponseRedirect("/back/"))
    assert list(get_messages(request)) == []
