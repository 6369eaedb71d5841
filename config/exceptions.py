"""API errors: the services' refusals become 400, 403 or 409 with a translated message."""

from rest_framework.views import exception_handler

from core.http import api_refusal_response


def api_exception_handler(exc, context):
    response = api_refusal_response(exc)
    if response is not None:
        return response
    return exception_handler(exc, context)
