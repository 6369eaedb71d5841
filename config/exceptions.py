"""API errors: the services' refusals become 400, 403 or 409 with a translated message."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import Invalid, NotPermitted, Refused, WrongState


def api_exception_handler(exc, context):
    if isinstance(exc, Invalid):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, NotPermitted):
        return Response({"detail": str(exc.message)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, WrongState):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Refused):
        return Response({"detail": str(exc.message)}, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)
