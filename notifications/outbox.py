"""Writing notifications: one row per recipient, in the caller's transaction, queued after commit.

``notify`` is the only way a notification comes into being. It renders the subject and body in each
recipient's language, honours people's preferences for non-essential kinds, skips what was already
written for the same event (``dedupe_key``), and asks Celery to deliver once the transaction commits.
If the broker cannot be reached, the failure is logged and the row waits for the delivery sweep.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from django.db import transaction
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import override

from core.money import Money

from .delivery import deliver_notification
from .kinds import ESSENTIAL, SPECS
from .models import EmailStatus, Notification, NotificationPreference

logger = logging.getLogger(__name__)

BROKER_CONNECT_TIMEOUT = 2  # seconds


@dataclass(frozen=True)
class Recipient:
    """A person (``user``) or an organisation's contact address that belongs to no user."""

    user: Any
    email: str
    language: str

    @property
    def key(self) -> str:
        return f"u{self.user.pk}" if self.user is not None else f"e{self.email.lower()}"


def render(kind: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """The subject and body of ``kind`` in ``language``."""
    spec = SPECS[kind]
    with override(language):
        values = {name: _localized(value, language) for name, value in context.items()}
        subject = str(spec.subject) % values
        body = str(spec.body) % values
    return " ".join(subject.split())[:255], body


def _localized(value, language: str) -> str:
    if isinstance(value, Money):
        return format_currency(value.amount, value.currency, locale=_babel_locale(language))
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal | int):
        return formats.number_format(value)
    if isinstance(value, Promise):
        return str(value)
    return "" if value is None else str(value)


def _babel_locale(language: str) -> str:
    return {"es": "es", "pt": "pt_BR", "fr": "fr", "en": "en"}.get(language, "es")


def notify(*, kind: str, recipients: Iterable[Recipient], event: str, context: dict[str, Any],
           application=None) -> int:
    """Write ``kind`` for each recipient of ``event`` (once per event and recipient).

    ``event`` names what happened (a transition's log id, a deadline, an instalment and how late it
    is) so that running the same thing twice writes nothing new. Returns how many rows were written.
    """
    recipients = _unique(recipients)
    if not recipients:
        return 0
    keys = {recipient.key: f"{kind}:{event}:{recipient.key}"[:200] for recipient in recipients}
    written = set(
        Notification.objects.filter(dedupe_key__in=keys.values()).values_list("dedupe_key", flat=True)
    )
    recipients = [recipient for recipient in recipients if keys[recipient.key] not in written]
    choices = _preferences(kind, recipients)
    rows = []
    for recipient in recipients:
        wants_email, wants_in_app = choices.get(recipient.key, (True, True))
        in_app = wants_in_app and recipient.user is not None
        email = recipient.email if wants_email else ""
        if not in_app and not email:
            continue
        subject, body = render(kind, context, recipient.language)
        rows.append(Notification(
            recipient=recipient.user, email=email, language=recipient.language, kind=kind,
            application=application, subject=subject, body=body, in_app=in_app,
            dedupe_key=keys[recipient.key], email_status=EmailStatus.PENDING if email else EmailStatus.NONE,
        ))
    if not rows:
        return 0
    # A concurrent run may have written some of them meanwhile: the unique key keeps one of each.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    pending = [row.dedupe_key for row in rows if row.email_status == EmailStatus.PENDING]
    if pending:
        ids = list(Notification.objects.filter(
            dedupe_key__in=pending, email_status=EmailStatus.PENDING
        ).values_list("pk", flat=True))
        transaction.on_commit(lambda: queue_delivery(ids))
    return len(rows)


def _unique(recipients: Iterable[Recipient]) -> list[Recipient]:
    seen, unique = set(), []
    for recipient in recipients:
        if recipient.key not in seen:
            seen.add(recipient.key)
            unique.append(recipient)
    return unique


def _preferences(kind: str, recipients: list[Recipient]) -> dict[str, tuple[bool, bool]]:
    if kind in ESSENTIAL:
        return {}
    user_ids = [r.user.pk for r in recipients if r.user is not None]
    return {
        f"u{user_id}": (email, in_app)
        for user_id, email, in_app in NotificationPreference.objects.filter(
            user_id__in=user_ids, kind=kind
        ).values_list("user_id", "email", "in_app")
    }


def queue_delivery(notification_ids: list[int]) -> int:
    """Hand the notifications to Celery; never raises. Returns how many were queued.

    When the broker is unreachable the rows stay pending and the delivery sweep sends them later, so a
    broken broker never breaks (nor slows down for long) the change that caused the notification.
    """
    app = deliver_notification.app
    queued = 0
    try:
        if app.conf.task_always_eager:
            for notification_id in notification_ids:
                deliver_notification.apply_async((notification_id,))
                queued += 1
            return queued
        # A connection from the app's pool: opening one (and its Redis channel) per call cost more
        # than the rest of a submission. One quick attempt to (re)connect: a broker that is down
        # costs the request milliseconds.
        with app.pool.acquire(block=True) as connection:
            connection.ensure_connection(max_retries=0, timeout=BROKER_CONNECT_TIMEOUT)
            for notification_id in notification_ids:
                deliver_notification.apply_async((notification_id,), connection=connection, retry=False)
                queued += 1
    except Exception:
        logger.warning(
            "Could not queue %d notification(s) (ids %s); the delivery sweep will send them.",
            len(notification_ids) - queued, notification_ids[queued:queued + 20], exc_info=True,
        )
    return queued
