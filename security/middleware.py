"""Middleware for cross-cutting guards: security headers, two-factor sign-in, database outages."""

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .outage import database_unavailable_response
from .two_factor import enrolment_pending, second_factor_pending

# Pages use only Fondos' own static files; Swagger UI (the API docs) sets inline styles on its widgets.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
API_DOCS_POLICY = CONTENT_SECURITY_POLICY + "; style-src 'self' 'unsafe-inline'"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.api_docs_path = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.api_docs_path is None:
            self.api_docs_path = reverse("api-docs")
        policy = API_DOCS_POLICY if request.path == self.api_docs_path else CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class NoStoreWhenAuthenticatedMiddleware:
    """Answers to a signed-in person (session or API token) are never kept by browsers or proxies.

    DRF authenticates tokens inside the view and puts the person on the request then, so the check is
    made on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class DatabaseUnavailableMiddleware:
    """A translated 503 page (or ``{"detail": ...}`` for the API) when the database cannot be reached.

    Views' errors arrive here; errors raised while other middleware reads the session are handled by
    ``security.views.server_error`` (``handler500``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable_response(request)
        return None


class TwoFactorMiddleware:
    """Until a person with a TOTP device has given the current code, only the code page opens; until a
    person whose role requires two-factor sign-in has enrolled a device, only the enrolment page opens."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if second_factor_pending(request) and not self._exempt(request.path, "security:two-factor-verify"):
            return self._stop(request, "security:two-factor-verify",
                              _("Enter the code from your authenticator app to continue."))
        if enrolment_pending(request) and not self._exempt(request.path, "security:two-factor"):
            return self._stop(request, "security:two-factor",
                              _("Your role requires two-factor sign-in: turn it on before you continue."))
        return self.get_response(request)

    @staticmethod
    def _stop(request, page: str, message):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(message)}, status=403)
        return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _exempt(path: str, page: str) -> bool:
        from django.conf import settings

        allowed = (reverse(page), reverse("logout"), reverse("set_language"),
                   "/" + settings.STATIC_URL.lstrip("/"))
        return path == allowed[0] or path.startswith(allowed[1:])
