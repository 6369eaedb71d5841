"""With PostgreSQL and Redis: a real Celery worker delivers, and a broker outage loses nothing."""

import datetime
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection
from django.utils import timezone

from applications import services
from config.celery import app as celery_app
from notifications.kinds import Kind
from notifications.models import EmailStatus, Notification
from notifications.services import notification_deliver
from notifications.tasks import deliver_pending
from tests.factories import OppUserFactory
from tests.workflow import cast_for, drive

from .test_delivery import broker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def worker():
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, perform_ping_check=False, pool="threads", concurrency=2,
                          shutdown_timeout=10):
            yield
    finally:
        celery_app.conf.task_always_eager = True


@pytest.mark.broker
def test_a_real_worker_delivers_each_notification_once(worker):
    applicant = OppUserFactory(organization__contact_emails=[])
    cast = cast_for("certification-subsidy")
    app = drive(fund_code="certification-subsidy", to="draft", applicant=applicant, cast=cast)
    services.application_submit(application_id=app.pk, by=applicant)

    assert wait_for(lambda: not Notification.objects.filter(email_status=EmailStatus.PENDING).exists())
    assert {m.to[0] for m in mail.outbox} == {applicant.email, cast.secretariat.email}
    assert len(mail.outbox) == 2
    sent = Notification.objects.get(kind=Kind.APPLICATION_SUBMITTED, recipient=applicant)
    assert sent.email_status == EmailStatus.SENT and sent.email_attempts == 1


@pytest.mark.broker
def test_broker_down_then_back_the_sweep_task_delivers(api_as):
    applicant = OppUserFactory(organization__contact_emails=[])
    cast = cast_for("youth-revolving")
    app = drive(fund_code="youth-revolving", to="draft", applicant=applicant, cast=cast)
    with broker("redis://127.0.0.1:1/0"):
        response = api_as(applicant).post(f"/api/v1/applications/{app.pk}/submit/")
    assert response.status_code == 200
    app.refresh_from_db()
    assert app.status == "submitted"
    assert Notification.objects.filter(email_status=EmailStatus.PENDING).count() == 2
    assert mail.outbox == []

    # Minutes later the broker is back and beat sends the sweep to a worker.
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, perform_ping_check=False, pool="threads", concurrency=1,
                          shutdown_timeout=10):
            deliver_pending.delay()
            assert wait_for(lambda: len(mail.outbox) == 2)
            time.sleep(1)
    finally:
        celery_app.conf.task_always_eager = True
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(email_status=EmailStatus.PENDING).exists()


def test_two_workers_delivering_the_same_row_at_once_send_one_email():
    applicant = OppUserFactory(organization__contact_emails=[])
    drive(fund_code="youth-revolving", to="submitted", applicant=applicant)
    notification = Notification.objects.get(kind=Kind.APPLICATION_SUBMITTED, recipient=applicant)
    # Delivered in-process already; set it back to pending and let four workers race for it.
    Notification.objects.filter(pk=notification.pk).update(email_status=EmailStatus.PENDING)
    mail.outbox.clear()
    barrier = threading.Barrier(4)
    results = []

    def deliver():
        barrier.wait()
        try:
            results.append(notification_deliver(notification_id=notification.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert len([m for m in mail.outbox if applicant.email in m.to]) == 1
