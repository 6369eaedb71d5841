"""Delivering, reading and choosing notifications."""

from __future__ import annotations

import datetime
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.errors import Invalid
from organizations.models import User

from .kinds import ESSENTIAL, Kind
from .links import absolute, notice_path
from .models import EmailStatus, Notification, NotificationPreference

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


class DeliveryFailed(Exception):
    def __init__(self, notification_id: int, error: Exception, final: bool):
        super().__init__(f"notification {notification_id}: {error!r}")
        self.final = final


def notification_deliver(*, notification_id: int) -> bool:
    """Send a notification's e-mail once. Returns True when this call sent it.

    The row is locked (``skip_locked``: another worker holding it is sending it) and re-read as
    pending, the e-mail is sent, and the row is marked sent in the same transaction. A second call,
    a retry, or the sweep finds it sent and does nothing. A send that fails is recorded and left
    pending for a retry; after ``MAX_ATTEMPTS`` the row is marked failed for a person to look at.
    """
    failure = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, email_status=EmailStatus.PENDING)
            .first()
        )
        if notification is None:
            return False
        notification.email_attempts += 1
        try:
            _message(notification).send(fail_silently=False)
        except Exception as exc:  # any backend error is recorded and retried
            final = notification.email_attempts >= MAX_ATTEMPTS
            notification.email_error = repr(exc)[:2000]
            if final:
                notification.email_status = EmailStatus.FAILED
            failure = DeliveryFailed(notification_id, exc, final)
        else:
            notification.email_status = EmailStatus.SENT
            notification.email_sent_at = timezone.now()
            notification.email_error = ""
        notification.save(update_fields=["email_status", "email_attempts", "email_sent_at", "email_error"])
    if failure is not None:
        logger.warning("Delivery failed: %s", failure)
        raise failure
    return True


def _message(notification: Notification) -> EmailMultiAlternatives:
    user = notification.recipient
    path = notice_path(notification)
    context = {
        "name": (user.get_full_name() or user.username) if user is not None else "",
        "subject": notification.subject,
        "body": notification.body,
        "site_url": settings.SITE_URL,
        # The page the notice speaks of, and where its recipient chooses what comes by e-mail.
        "link": absolute(path) if path else "",
        "preferences_url": absolute(reverse("preferences")) if user is not None else "",
    }
    with override(notification.language):
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "fondos.localhost"
    digest = hashlib.sha256(notification.dedupe_key.encode()).hexdigest()[:16]
    message = EmailMultiAlternatives(
        subject=notification.subject, body=text, to=[notification.email],
        # A stable Message-ID lets mail servers and clients drop a copy sent again after a crash.
        headers={"Message-ID": f"<fondos-{notification.pk}-{digest}@{domain}>"},
    )
    message.attach_alternative(html, "text/html")
    return message


def notifications_deliver_pending(*, older_than: datetime.timedelta = datetime.timedelta(seconds=0),
                                  limit: int = 500) -> dict[str, int]:
    """Send what is still pending (the broker was down, a worker died, retries ran out)."""
    cutoff = timezone.now() - older_than
    ids = list(
        Notification.objects.filter(email_status=EmailStatus.PENDING, created_at__lte=cutoff)
        .order_by("created_at").values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for notification_id in ids:
        try:
            sent = notification_deliver(notification_id=notification_id)
        except DeliveryFailed:
            counts["failed"] += 1
        else:
            counts["sent" if sent else "skipped"] += 1
    return counts


def notification_mark_read(*, notification_id: int, by: User) -> Notification:
    """Mark one of ``by``'s notifications read (someone else's does not exist for them)."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(
            pk=notification_id, recipient=by, in_app=True
        )
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, by: User) -> int:
    return Notification.objects.filter(recipient=by, in_app=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_for(user: User) -> list[dict[str, Any]]:
    chosen = {
        pref.kind: pref for pref in NotificationPreference.objects.filter(user=user)
    }
    rows = []
    for kind in Kind:
        pref = chosen.get(kind.value)
        essential = kind.value in ESSENTIAL
        rows.append({
            "kind": kind.value,
            "label": str(kind.label),
            "essential": essential,
            "email": True if essential or pref is None else pref.email,
            "in_app": True if essential or pref is None else pref.in_app,
        })
    return rows


def preferences_set(*, user: User, choices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Record ``user``'s choices; essential kinds cannot be turned off."""
    errors = []
    for choice in choices:
        if choice["kind"] in ESSENTIAL and not (choice.get("email", True) and choice.get("in_app", True)):
            errors.append(
                _("“%s” is always sent: it cannot be turned off.") % Kind(choice["kind"]).label
            )
    if errors:
        raise Invalid({"preferences": errors})
    with transaction.atomic():
        for choice in choices:
            if choice["kind"] in ESSENTIAL:
                continue
            NotificationPreference.objects.update_or_create(
                user=user, kind=choice["kind"],
                defaults={"email": choice.get("email", True), "in_app": choice.get("in_app", True)},
            )
    return preferences_for(user)
