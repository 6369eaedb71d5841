"""Faults around the broker and the workers (PostgreSQL and Redis pass).

- Redis is down while an OPP submits: the submission is saved, and once Redis is back the periodic sweep,
  run by a real worker, e-mails each notification exactly once.
- A worker is killed (SIGKILL) while rendering a decision letter: the unacknowledged task is delivered
  again to a fresh worker, and there is exactly one issued letter with one stored file.
"""

import contextlib
import datetime
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from config.celery import app as celery_app
from letters.models import Letter, LetterStatus
from notifications.models import EmailStatus, Notification
from notifications.tasks import deliver_pending
from tests.factories import OppUserFactory
from tests.workflow import cast_for, drive

from .processes import children_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.broker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DEAD_BROKER = "redis://127.0.0.1:1/0"


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def _forget_broker_connections():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def tasks_sent_to(url):
    """Tasks go to the broker at ``url`` (not run in-process) while the block runs."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = url, False
    _forget_broker_connections()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        _forget_broker_connections()


# Redis down while an OPP submits ---------------------------------------------------------------------


def test_redis_down_during_a_submission_then_back_each_notification_is_emailed_once(api_as):
    applicant = OppUserFactory(organization__contact_emails=["gerencia@coop.example"])
    cast = cast_for("catastrophic-events")
    application = drive(fund_code="catastrophic-events", to="draft", applicant=applicant, cast=cast)
    mail.outbox.clear()

    started = time.monotonic()
    with tasks_sent_to(DEAD_BROKER):
        response = api_as(applicant).post(f"/api/v1/applications/{application.pk}/submit/")
    assert response.status_code == 200, response.content
    assert time.monotonic() - started < 10
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.transitions.filter(transition="submit").count() == 1
    waiting = list(Notification.objects.filter(application=application, email_status=EmailStatus.PENDING))
    assert len(waiting) >= 2
    assert mail.outbox == []

    # Redis is back; a few minutes later beat sends the sweep, and a real worker runs it (twice, as
    # beat would: the second finds nothing left to send).
    Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    with tasks_sent_to(celery_app.conf.broker_url):
        celery_app.control.purge()
        with start_worker(celery_app, perform_ping_check=False, pool="threads", concurrency=2,
                          shutdown_timeout=10):
            deliver_pending.delay()
            assert wait_for(lambda: len(mail.outbox) >= len(waiting), 30)
            deliver_pending.delay()
            time.sleep(2)  # the second sweep's turn; it must find nothing left to send
    sent = Counter((message.to[0], message.subject) for message in mail.outbox)
    expected = Counter((n.email, n.subject) for n in waiting)
    assert sent == expected
    assert not Notification.objects.filter(application=application, email_status=EmailStatus.PENDING).exists()
    assert all(n.email_attempts == 1 for n in Notification.objects.filter(pk__in=[n.pk for n in waiting]))


# A worker killed while rendering a letter ------------------------------------------------------------


class Workers:
    """``celery -A config worker`` subprocesses on the test database; every one is killed at the end."""

    def __init__(self, media_root: str):
        self.media_root = media_root
        self.started: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def start(self, *, slow_render_marker: str = "") -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": children_database_url(),
            "DJANGO_SETTINGS_MODULE": "tests.security.worker_settings",
            "PYTHONPATH": str(ROOT),
            "FONDOS_TEST_MEDIA_ROOT": self.media_root,
            "FONDOS_TEST_SLOW_RENDER": slow_render_marker,
        }
        log = Path(self.media_root) / f"worker-{len(self.started)}.log"
        self.logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             f"--hostname=faults-{len(self.started)}@%h"],
            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )
        self.started.append(process)
        return process

    def kill_all(self):
        for process in self.started:
            if process.poll() is None:
                process.kill()
                process.wait(10)

    def log_text(self) -> str:
        return "\n".join(log.read_text(errors="replace")[-3000:] for log in self.logs if log.exists())


@pytest.fixture
def workers(settings):
    media = tempfile.mkdtemp(prefix="fondos-faults-media-")
    settings.MEDIA_ROOT = media
    settings.CELERY_TASK_ALWAYS_EAGER = False
    crew = Workers(media)
    with tasks_sent_to(celery_app.conf.broker_url):
        celery_app.control.purge()
        try:
            yield crew
        finally:
            crew.kill_all()
            celery_app.control.purge()


def test_a_worker_killed_while_rendering_a_letter_leaves_exactly_one_letter(workers):
    marker = Path(workers.media_root) / "rendering-started"
    first = workers.start(slow_render_marker=str(marker))

    application = drive(fund_code="youth-revolving", to="approved")
    letter = Letter.objects.get(application=application)
    assert letter.status == LetterStatus.PENDING

    assert wait_for(marker.exists, 60), workers.log_text()
    assert marker.read_text() == str(letter.pk)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.PENDING  # killed before it stored anything

    workers.start()
    assert wait_for(
        lambda: Letter.objects.filter(pk=letter.pk, status=LetterStatus.RENDERED).exists(), 90
    ), workers.log_text()
    time.sleep(2)  # room for a duplicate to show up, were there one

    letters = Letter.objects.filter(application=application)
    assert letters.count() == 1
    letter = letters.get()
    assert letter.status == LetterStatus.RENDERED and letter.attempts == 1
    stored = list((Path(django_settings.MEDIA_ROOT) / "letters" / str(application.pk)).iterdir())
    assert [path.name for path in stored] == [f"{letter.reference}.pdf"]
    content = stored[0].read_bytes()
    assert content[:5] == b"%PDF-"
    assert hashlib.sha256(content).hexdigest() == letter.sha256
    assert letter.size == len(content)
