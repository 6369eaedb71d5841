"""Background work for decision letters: render once after the decision commits, then e-mail once.

Without a broker (the embedded installation) these run in-process right after the commit.
"""

import logging

from celery import shared_task

from . import services
from .models import Letter

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
    from . import schedules
    from .models import ScheduleDocument

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
