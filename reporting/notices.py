"""What each report transition tells whom, which timers a report sets, and what those timers do when
they fall due. Everything runs inside the caller's transaction: the outbox delivers after commit, in
each recipient's language (the organisation's for its staff and contact addresses)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from notifications.context import application_context
from notifications.kinds import Kind
from notifications.models import DeadlineKind
from notifications.outbox import notify

from .workflow import KIND_IN_SENTENCE, NOT_HANDED_IN, ReportStatus

REMINDER_BEFORE = datetime.timedelta(days=14)
OVERDUE_AFTER = datetime.timedelta(days=1)
ESCALATION_AFTER = datetime.timedelta(days=30)
# How each timer finds its report again: the report's due date is the timer's date plus this.
OFFSETS = {
    DeadlineKind.REPORT_SOON: REMINDER_BEFORE,
    DeadlineKind.REPORT_OVERDUE: -OVERDUE_AFTER,
    DeadlineKind.REPORT_ESCALATION: -ESCALATION_AFTER,
}


def timers_for(report) -> list[tuple[str, datetime.date]]:
    """A reminder before the due date, an overdue notice the day after, an escalation a month after."""
    if report.due_on is None or not report.required:
        return []
    return [(kind, report.due_on - offset) for kind, offset in OFFSETS.items()]


def report_context(report, **extra) -> dict:
    return application_context(
        report.application, report=KIND_IN_SENTENCE[report.kind], due=report.due_on or "",
        status=report.get_status_display(), **extra,
    )


# --------------------------------------------------------------------------- transitions


def on_report_transition(*, report, log) -> None:
    from notifications.recipients import organization_recipients, secretariat_recipients

    application = report.application
    event = f"r{log.pk}"
    if log.transition == "submit":
        notify(kind=Kind.REPORT_SUBMITTED, recipients=secretariat_recipients(), event=event,
               application=application, context=report_context(report))
    elif log.transition == "return":
        notify(kind=Kind.REPORT_RETURNED, recipients=organization_recipients(application.organization),
               event=event, application=application, context=report_context(report, message=log.comments))
    elif log.transition == "accept":
        notify(kind=Kind.REPORT_ACCEPTED, recipients=organization_recipients(application.organization),
               event=event, application=application, context=report_context(report))


# --------------------------------------------------------------------------- timers


def _reports_for(deadline, statuses):
    from .models import ProjectReport

    due_on = deadline.due_on + OFFSETS[deadline.kind]
    return list(
        ProjectReport.objects.filter(application_id=deadline.application_id, required=True, due_on=due_on,
                                     status__in=statuses).select_related("application__fund",
                                                                         "application__organization")
    )


def report_soon(deadline, today: datetime.date) -> str:
    from notifications.recipients import organization_recipients

    reports = _reports_for(deadline, NOT_HANDED_IN)
    for report in reports:
        notify(kind=Kind.REPORT_DUE, recipients=organization_recipients(report.application.organization),
               event=f"d{deadline.pk}r{report.pk}", application=report.application,
               context=report_context(report))
    return "reminded" if reports else "handed_in"


def report_overdue(deadline, today: datetime.date) -> str:
    from notifications.recipients import organization_recipients, secretariat_recipients

    reports = _reports_for(deadline, NOT_HANDED_IN)
    for report in reports:
        recipients = organization_recipients(report.application.organization) + secretariat_recipients()
        notify(kind=Kind.REPORT_OVERDUE, recipients=recipients, event=f"d{deadline.pk}r{report.pk}",
               application=report.application, context=report_context(report))
    return "notified" if reports else "handed_in"


def report_escalation(deadline, today: datetime.date) -> str:
    from notifications.recipients import chair_recipients, finance_recipients, secretariat_recipients

    waiting = [status for status in ReportStatus.values if status != ReportStatus.ACCEPTED]
    reports = _reports_for(deadline, waiting)
    for report in reports:
        recipients = (secretariat_recipients() + finance_recipients()
                      + chair_recipients(report.application.fund_id))
        notify(kind=Kind.REPORT_ESCALATED, recipients=recipients, event=f"d{deadline.pk}r{report.pk}",
               application=report.application, context=report_context(report, date=timezone.localdate()))
    return "escalated" if reports else "accepted"


DEADLINE_ACTIONS = {
    DeadlineKind.REPORT_SOON: report_soon,
    DeadlineKind.REPORT_OVERDUE: report_overdue,
    DeadlineKind.REPORT_ESCALATION: report_escalation,
}
