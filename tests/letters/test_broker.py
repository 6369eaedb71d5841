"""A real Celery worker on Redis renders the letter and e-mails it (PostgreSQL + Redis pass)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun

from config.celery import app as celery_app
from letters.models import Letter, LetterStatus
from tests.workflow import drive

from .conftest import applicant_speaking, letter_mails


@pytest.fixture
def worker(settings):
    always_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.control.purge()
    try:
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30) as running:
            yield running
    finally:
        celery_app.conf.task_always_eager = always_eager


def wait_for(predicate, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_worker_renders_and_emails_the_letter(worker):
    ran = []

    def record(task=None, **kwargs):
        ran.append((task.name, bool(task.request.is_eager)))

    task_prerun.connect(record, weak=False)
    try:
        application = drive(fund_code="youth-revolving", to="approved", applicant=applicant_speaking("fr"))
        letter = Letter.objects.get(application=application)
        emailed = wait_for(lambda: Letter.objects.filter(pk=letter.pk, emailed_at__isnull=False).exists())
    finally:
        task_prerun.disconnect(record)

    assert emailed, Letter.objects.values("status", "attempts", "error").get(pk=letter.pk)
    assert ("letters.tasks.render_letter", False) in ran
    assert ("letters.tasks.email_letter", False) in ran
    assert not any(eager for _, eager in ran)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERED
    assert letter.attempts == 1
    assert letter.file.read()[:5] == b"%PDF-"
    assert [message.subject for message in letter_mails()] == [
        f"Lettre de décision {letter.reference} : Fonds renouvelable pour les jeunes du commerce équitable"
    ]
    assert Letter.objects.filter(application=application).count() == 1
