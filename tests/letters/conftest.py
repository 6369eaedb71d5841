import io
import re

import pytest
from pypdf import PdfReader

from applications import services as application_services
from letters.models import Letter
from tests.factories import OppUserFactory
from tests.workflow import cast_for, drive, review_all


def pdf_text(data: bytes) -> str:
    """The text of every page, with runs of any kind of space (babel uses no-break ones) made one."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def letter_mails():
    """The e-mails carrying a decision letter (other apps e-mail on transitions too)."""
    from django.core import mail

    return [message for message in mail.outbox
            if any(attachment[2] == "application/pdf" for attachment in message.attachments)]


def spaced(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def applicant_speaking(language: str, **organization):
    user = OppUserFactory(organization__preferred_language=language, **{
        f"organization__{key}": value for key, value in organization.items()
    })
    return user


@pytest.fixture
def embedded_celery():
    """Eager tasks as the embedded installation runs them: errors stay in the task, which retries
    in-process (the test settings propagate them instead, which stops eager retries)."""
    from config.celery import app

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield app
    app.conf.task_eager_propagates = propagates


@pytest.fixture
def decide(django_capture_on_commit_callbacks):
    """Decide an application with the real services, run what the commit queues, return its letter."""

    def run(*, fund_code="catastrophic-events", language="es", decision="approve", applicant=None,
            **kwargs):
        applicant = applicant or applicant_speaking(language)
        with django_capture_on_commit_callbacks(execute=True):
            if decision == "approve":
                application = drive(fund_code=fund_code, to="approved", applicant=applicant, **kwargs)
            else:
                application = reject(fund_code=fund_code, applicant=applicant, **kwargs)
        return Letter.objects.get(application=application, supersedes__isnull=True)

    return run


def reject(*, fund_code, applicant, reason="La pérdida no supera el 30 %."):
    cast = cast_for(fund_code)
    application = drive(fund_code=fund_code, to="committee_review", applicant=applicant, cast=cast)
    review_all(application, cast, recommendation="reject")
    return application_services.application_reject(application_id=application.pk, by=cast.chair,
                                                   reason=reason)
