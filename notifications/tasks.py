"""Celery tasks: deliver what is pending, run the deadlines (one notification's delivery is
``notifications.delivery``, which the outbox queues)."""

import datetime

from celery import shared_task

from .deadlines import run_deadlines as run
from .services import notifications_deliver_pending


@shared_task(name="notifications.deliver_pending")
def deliver_pending() -> dict:
    # Leave fresh rows to their own task for a minute; older ones lost their task (broker down).
    return notifications_deliver_pending(older_than=datetime.timedelta(minutes=1))


@shared_task(name="notifications.run_deadlines")
def run_deadlines() -> dict:
    return dict(run())
