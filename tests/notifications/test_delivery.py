"""Delivery: once, retried after a failure, and never lost when the broker is down."""

import contextlib
import datetime
import time
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from config.celery import app as celery_app
from notifications.kinds import Kind
from notifications.models import EmailStatus
from notifications.services import DeliveryFailed, notification_deliver, notifications_deliver_pending
from notifications.tasks import deliver_pending
from tests.factories import OppUserFactory
from tests.workflow import cast_for, drive

from .conftest import mails_to, notices

pytestmark = pytest.mark.django_db


def submitted_without_delivery():
    """A submission whose notifications are written but not yet delivered (nothing committed)."""
    applicant = OppUserFactory(organization__contact_emails=[])
    cast = cast_for("youth-revolving")
    app = drive(fund_code="youth-revolving", to="submitted", applicant=applicant, cast=cast)
    return app, notices(Kind.APPLICATION_SUBMITTED, recipient=applicant).get()


def test_delivering_twice_sends_once():
    _, notice = submitted_without_delivery()
    assert notice.email_status == EmailStatus.PENDING
    assert notification_deliver(notification_id=notice.pk) is True
    assert notification_deliver(notification_id=notice.pk) is False
    assert len(mails_to(notice.email)) == 1
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.SENT and notice.email_attempts == 1
    message = mails_to(notice.email)[0]
    assert message.extra_headers["Message-ID"].startswith(f"<fondos-{notice.pk}-")
    assert message.alternatives[0][1] == "text/html"


def test_a_failed_send_is_recorded_and_retried_until_it_goes():
    _, notice = submitted_without_delivery()
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("smtp down")), \
            pytest.raises(DeliveryFailed):
        notification_deliver(notification_id=notice.pk)
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.PENDING and notice.email_attempts == 1
    assert "smtp down" in notice.email_error
    assert mail.outbox == []
    assert notifications_deliver_pending() == {"sent": 2, "failed": 0, "skipped": 0}  # OPP + secretariat
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.SENT and notice.email_attempts == 2 and notice.email_error == ""


def test_after_max_attempts_it_is_marked_failed_and_the_sweep_leaves_it():
    _, notice = submitted_without_delivery()
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("bounced")):
        for _ in range(10):
            with pytest.raises(DeliveryFailed):
                notification_deliver(notification_id=notice.pk)
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.FAILED and notice.email_attempts == 10
    notifications_deliver_pending()
    assert mails_to(notice.email) == []


@contextlib.contextmanager
def broker(url):
    """Point the Celery app at ``url`` with tasks sent to a broker (not run in-process)."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = url, False
    _forget_connections()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        _forget_connections()


def _forget_connections():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_with_the_broker_down_the_change_is_saved_and_the_sweep_delivers_later(api_as, committed):
    applicant = OppUserFactory(organization__contact_emails=[])
    cast = cast_for("certification-subsidy")
    app = drive(fund_code="certification-subsidy", to="draft", applicant=applicant, cast=cast)
    started = time.monotonic()
    with broker("redis://127.0.0.1:1/0"), committed():
        response = api_as(applicant).post(f"/api/v1/applications/{app.pk}/submit/")
    assert response.status_code == 200, response.content
    assert time.monotonic() - started < 5
    app.refresh_from_db()
    assert app.status == "submitted"
    pending = notices(email_status=EmailStatus.PENDING)
    assert set(pending.values_list("kind", flat=True)) == {
        Kind.APPLICATION_SUBMITTED, Kind.APPLICATION_RECEIVED}
    assert mail.outbox == []

    # The broker is back: a few minutes later the periodic sweep sends what waited.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        counts = deliver_pending.apply().get()
    assert counts == {"sent": 2, "failed": 0, "skipped": 0}
    assert {m.to[0] for m in mail.outbox} == {applicant.email, cast.secretariat.email}
    assert notifications_deliver_pending() == {"sent": 0, "failed": 0, "skipped": 0}


def test_a_queued_task_and_the_sweep_racing_send_once(committed):
    applicant = OppUserFactory(organization__contact_emails=[])
    with committed():
        drive(fund_code="youth-revolving", to="submitted", applicant=applicant)
    sent_by_tasks = len(mail.outbox)
    assert sent_by_tasks == 2
    assert notifications_deliver_pending() == {"sent": 0, "failed": 0, "skipped": 0}
    assert len(mail.outbox) == sent_by_tasks
