"""Background work for decision letters: render once after the decision commits, then e-mail once.

Without a broker (the embedded installation) these run in-process right after the commit.
"""

import logging

from celery import shared_task
from django.dispatch import receiver

from . import schedules, services
from .models import Letter, ScheduleDocument
from .queue import letter_email_wanted, letter_render_wanted, schedule_document_render_wanted

logger = logging.getLogger(__name__)

RETRIES = dict(retry_backoff=5, retry_backoff_max=600, retry_jitter=True, max_retries=5)


@shared_task(bind=True, autoretry_for=(Exception,), **RETRIES)
def render_letter(self, letter_id: int) -> str:
    try:
        letter = services.letter_render(letter_id=letter_id)
    except Letter.DoesNotExist:
        logger.warning("Letter %s no longer exists; nothing to render.", letter_id)
        return "missing"
    except Exception as exc:
        final = self.request.retries >= self.max_retries
        services.letter_record_failure(letter_id=letter_id, error=f"{type(exc).__name__}: {exc}",
                                       final=final)
        logger.warning("Rendering letter %s failed (attempt %s): %s", letter_id,
                       self.request.retries + 1, exc)
        raise
    return letter.status


@shared_task(bind=True, autoretry_for=(Exception,), **RETRIES)
def email_letter(self, letter_id: int) -> bool:
    return services.letter_email(letter_id=letter_id)


@shared_task(bind=True, autoretry_for=(Exception,), **RETRIES)
def render_schedule_document(self, document_id: int) -> str:
    try:
        document = schedules.schedule_document_render(document_id=document_id)
    except ScheduleDocument.DoesNotExist:
        logger.warning("Schedule document %s no longer exists; nothing to render.", document_id)
        return "missing"
    except Exception as exc:
        final = self.request.retries >= self.max_retries
        schedules.schedule_document_record_failure(
            document_id=document_id, error=f"{type(exc).__name__}: {exc}", final=final)
        logger.warning("Rendering schedule document %s failed (attempt %s): %s", document_id,
                       self.request.retries + 1, exc)
        raise
    return document.status


@receiver(letter_render_wanted, dispatch_uid="letters.render")
def _render_wanted(sender, pk: int, **kwargs) -> None:
    render_letter.delay(pk)


@receiver(letter_email_wanted, dispatch_uid="letters.email")
def _email_wanted(sender, pk: int, **kwargs) -> None:
    email_letter.delay(pk)


@receiver(schedule_document_render_wanted, dispatch_uid="letters.schedule_render")
def _schedule_render_wanted(sender, pk: int, **kwargs) -> None:
    render_schedule_document.delay(pk)
