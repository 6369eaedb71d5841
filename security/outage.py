"""What a person sees while the database cannot be reached: a page in their language, never a traceback."""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = "30"


def database_unavailable_response(request):
    # Rendered without the request's context processors: they would read the session, which lives in
    # the database that is unreachable.
    language = translation.get_language_from_request(request)
    with translation.override(language):
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"detail": _("Fondos is temporarily unavailable. Please try again in a few minutes.")},
                status=503,
            )
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    response["Content-Language"] = language
    return response
