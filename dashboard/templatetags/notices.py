"""``{% unread_notices as count %}``: the signed-in person's unread notices, for the header.

One query (``COUNT`` on the partial index of unread notices), at most once per request: the figure is
kept on the request, and pages that mark notices read reset it before they render.
"""

import logging

from django import template
from django.db import DatabaseError

from notifications.models import Notification

register = template.Library()
logger = logging.getLogger(__name__)

ATTRIBUTE = "_fondos_unread_notices"


def unread_count(request) -> int:
    cached = getattr(request, ATTRIBUTE, None)
    if cached is None:
        try:
            cached = Notification.objects.filter(
                recipient_id=request.user.pk, in_app=True, read_at__isnull=True
            ).count()
        except DatabaseError:  # an error page rendered after a failed query: the header still renders
            logger.warning("Could not count the unread notices.", exc_info=True)
            return 0
        setattr(request, ATTRIBUTE, cached)
    return cached


def forget_unread_count(request) -> None:
    if hasattr(request, ATTRIBUTE):
        delattr(request, ATTRIBUTE)


@register.simple_tag(takes_context=True)
def unread_notices(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(request)
