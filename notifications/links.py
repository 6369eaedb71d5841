"""The page a notice speaks of, for the notice centre and for the links in its e-mail."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def notice_path(notification) -> str | None:
    """The path of the application a notice is about (its loan, reports and letters are there too); for
    a declared event's notice, the open calls on the home page, where its fast-track call is (the
    notice's own text carries the direct link to apply)."""
    if notification.application_id:
        return reverse("application", args=[notification.application_id])
    if notification.kind == "event_declared":
        return reverse("home") + "#open-calls"
    return None


def absolute(path: str) -> str:
    """``path`` on the configured site address (never the Host header of a request)."""
    return settings.SITE_URL.rstrip("/") + path
