"""The 403, 404 and 500 pages people meet also when ``DEBUG`` is on, as in the demo (``bin/demo``).

With ``DEBUG`` off Django renders ``403.html``, ``404.html`` and ``500.html`` through its handlers; with it
on, Django shows its technical pages instead. :class:`ErrorPagesMiddleware`, installed by the demo's
settings (``config/settings/local.py``) unless ``DEBUG_TECHNICAL_PAGES`` is set, answers with the same
handler views, so a demo shows what production shows. The API's own error answers are left as they are.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import get_resolver

logger = logging.getLogger("django.request")


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _handler(name: str):
    return get_resolver().resolve_error_handler(name)


class ErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # An address that matches no page: Django's technical 404 when DEBUG is on.
        if (response.status_code == 404 and getattr(request, "resolver_match", None) is None
                and not _is_api(request)):
            return _handler(404)(request, Http404())
        return response

    def process_exception(self, request, exception):
        if _is_api(request):
            return None
        if isinstance(exception, Http404):
            return _handler(404)(request, exception)
        if isinstance(exception, PermissionDenied):
            return _handler(403)(request, exception)
        logger.error("Internal Server Error: %s", request.path, exc_info=True)
        return _handler(500)(request)

