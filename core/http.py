"""What the pages and the API answer alike: a file to download, and a service's refusal.

Downloads: a file someone uploaded is sent so that no browser renders it in Fondos' pages; a PDF that
Fondos issued carries its content's SHA-256 as ETag; an export is named by ``Content-Disposition``.

Refusals (:mod:`core.errors`): the API answers 400 (``Invalid``, with its fields), 403 (``NotPermitted``),
409 (``WrongState``) or 400 (any other refusal); a page turns ``NotPermitted`` into its 403 page and shows
any other refusal as a message on the page it goes back to.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .errors import Invalid, NotPermitted, Refused, WrongState, messages_of

# A browser never renders such a file as a page of Fondos, nor guesses another type for it.
SANDBOX = "default-src 'none'; sandbox"


def uploaded_file_response(file, *, filename: str, content_type: str) -> FileResponse:
    """A file someone uploaded (an application's document, a report's attachment), as a download with the
    name it was sent with; opened anyway, it runs nothing (``nosniff`` and a sandboxing policy)."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    return response


def issued_pdf_response(document) -> FileResponse:
    """A PDF that Fondos rendered and issued (a decision letter, a definitive schedule), named by its
    ``reference``, with the SHA-256 of its content (``sha256``) as ETag."""
    response = FileResponse(document.file.open("rb"), as_attachment=True,
                            filename=f"{document.reference}.pdf", content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{document.sha256}"'
    return response


def name_download(response: HttpResponse, filename: str, *, inline: bool = False) -> HttpResponse:
    """Name the file ``response`` carries: saved as ``filename`` (shown in the browser if ``inline``)."""
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def refusal_status(refusal: Refused) -> int:
    """The HTTP status of a service's refusal."""
    if isinstance(refusal, NotPermitted):
        return status.HTTP_403_FORBIDDEN
    if isinstance(refusal, WrongState):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def refusal_text(refusal: Refused) -> str:
    """A refusal as one sentence or more: its message, or every reason of an ``Invalid``."""
    if isinstance(refusal, Invalid):
        return " ".join(messages_of(refusal.errors))
    return str(refusal)


def api_refusal_response(refusal: Exception) -> Response | None:
    """The API's answer to a service's refusal (``None`` for any other exception)."""
    if not isinstance(refusal, Refused):
        return None
    if isinstance(refusal, Invalid):
        return Response(refusal.errors, status=refusal_status(refusal))
    return Response({"detail": str(refusal.message)}, status=refusal_status(refusal))


def page_refusal(request: HttpRequest, refusal: Refused,
                 back: HttpResponse | None = None) -> HttpResponse | None:
    """A page's answer to a service's refusal: the 403 page for ``NotPermitted``; otherwise the reason as
    a message on ``back`` (a redirect to the page the person came from, or the page's own answer when
    ``back`` is None). Pages that show an ``Invalid``'s reasons beside their fields catch it first."""
    if isinstance(refusal, NotPermitted):
        raise PermissionDenied(str(refusal)) from refusal
    messages.error(request, refusal_text(refusal))
    return back


class RefusalsInJSON:
    """For an API view that also answers as a spreadsheet (``?format=csv|xlsx``): a refusal is an error
    object, not a file, so it answers in JSON whatever format was asked for."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response
