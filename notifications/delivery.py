"""The Celery task that e-mails one notification; the outbox queues it once the notification commits."""

from celery import shared_task

from .services import DeliveryFailed, notification_deliver

# Seconds before each retry of a failed delivery: 1 min, 2, 4, ... up to 2 hours.
RETRY_BASE = 60
RETRY_MAX = 2 * 60 * 60


@shared_task(bind=True, name="notifications.deliver", max_retries=8, acks_late=True)
def deliver_notification(self, notification_id: int) -> bool:
    try:
        return notification_deliver(notification_id=notification_id)
    except DeliveryFailed as exc:
        # Run in-process (no broker) or out of attempts: the row stays as recorded and the sweep
        # (or a person, once it is marked failed) takes it from there.
        if self.request.is_eager or exc.final or self.request.retries >= self.max_retries:
            return False
        raise self.retry(exc=exc, countdown=min(RETRY_BASE * 2 ** self.request.retries, RETRY_MAX)) from exc
