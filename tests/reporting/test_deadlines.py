"""Reminders, overdue notices and escalation of reports, through the deadline sweep and the outbox."""

import datetime

import pytest

from notifications.deadlines import run_deadlines
from notifications.models import Notification

from .helpers import accept

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(paid_award):
    application = paid_award("catastrophic-events")
    return application, application.project_reports.get()


def kinds(application):
    return sorted(Notification.objects.filter(application=application, kind__startswith="report_")
                  .values_list("kind", flat=True).distinct())


def test_reminder_overdue_notice_and_escalation_in_turn(award):
    application, report = award
    due = report.due_on
    run_deadlines(today=due - datetime.timedelta(days=14))
    reminder = Notification.objects.get(kind="report_due", recipient=application.applicant)
    assert reminder.language == "es"
    assert "informe de uso de fondos" in reminder.subject

    counts = run_deadlines(today=due + datetime.timedelta(days=1))
    assert counts["report_overdue:notified"] == 1
    overdue = Notification.objects.filter(kind="report_overdue")
    assert {n.recipient for n in overdue} >= {application.applicant, application.cast.secretariat}

    run_deadlines(today=due + datetime.timedelta(days=30))
    escalated = {n.recipient for n in Notification.objects.filter(kind="report_escalated")}
    assert {application.cast.secretariat, application.cast.finance, application.cast.chair} <= escalated

    written = Notification.objects.count()
    run_deadlines(today=due + datetime.timedelta(days=31))
    assert Notification.objects.count() == written  # safe to run twice


def test_an_accepted_report_silences_its_timers(award):
    application, report = award
    accept(report, application)
    Notification.objects.all().delete()
    counts = run_deadlines(today=report.due_on + datetime.timedelta(days=30))
    assert kinds(application) == []
    assert counts["report_soon:handed_in"] == 1
    assert counts["report_overdue:handed_in"] == 1
    assert counts["report_escalation:accepted"] == 1


def test_the_final_report_carries_the_endline_reminders(paid_award):
    """A paid climate award's endline is asked for by its final report, not twice."""
    from notifications.models import Deadline

    application = paid_award("climate-eventuality")
    timer = Deadline.objects.filter(application=application, kind="final_baseline_due").get()
    counts = run_deadlines(today=timer.due_on)
    assert counts["final_baseline_due:in_final_report"] == 1
    assert not Notification.objects.filter(application=application, kind="final_baseline_due").exists()
