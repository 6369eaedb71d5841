"""Reads about project reports: who sees which, and what an award's reports forbid (the next tranche,
closing the file)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.models import Application
from applications.selectors import applications_visible_to

from .models import ProjectReport
from .workflow import KIND_IN_SENTENCE, ReportStatus


def award_parameters(application: Application):
    """The fund's parameters the award is held to: those in force when it was submitted."""
    moment = application.submitted_at or application.created_at or timezone.now()
    return application.fund.parameters_on(timezone.localdate(moment))


def reports_visible_to(user) -> QuerySet[ProjectReport]:
    """The reports of the applications ``user`` may see; any other report is "not found"."""
    return ProjectReport.objects.filter(application__in=applications_visible_to(user).values("pk"))


def reports_of(application: Application) -> list[ProjectReport]:
    return list(application.project_reports.order_by("due_on", "kind", "sequence"))


def _described(report: ProjectReport) -> str:
    due = date_format(report.due_on, "DATE_FORMAT") if report.due_on else "—"
    return _("%(kind)s %(number)s (due %(due)s, %(status)s)") % {
        "kind": KIND_IN_SENTENCE[report.kind], "number": report.sequence, "due": due,
        "status": report.get_status_display(),
    }


def tranche_refusals(*, application: Application, tranche: int, on: datetime.date) -> list[str]:
    """Why tranche ``tranche`` cannot be paid on ``on``: a required report that was due by then is not
    accepted (when the fund's parameter says so). The first tranche is never held back."""
    if tranche <= 1 or not getattr(award_parameters(application), "reports_block_next_tranche", False):
        return []
    waiting = application.project_reports.filter(required=True, due_on__lte=on).exclude(
        status=ReportStatus.ACCEPTED).order_by("due_on", "id")
    return [
        _("The next tranche waits for the %(report)s to be accepted.") % {"report": _described(report)}
        for report in waiting
    ]


def close_refusals(*, application: Application) -> list[str]:
    """Why the file cannot close: a required report (the final one among them) is not accepted yet."""
    if not getattr(award_parameters(application), "reports_required_to_close", False):
        return []
    waiting = application.project_reports.filter(required=True).exclude(
        status=ReportStatus.ACCEPTED).order_by("due_on", "id")
    return [
        _("The file closes once the %(report)s is accepted.") % {"report": _described(report)}
        for report in waiting
    ]


def reports_to_review(user) -> QuerySet[ProjectReport]:
    """Submitted reports waiting for the secretariat, oldest first."""
    return (reports_visible_to(user).filter(status=ReportStatus.SUBMITTED)
            .select_related("application__fund", "application__organization").order_by("submitted_at", "id"))


def reports_overdue(user, *, on: datetime.date | None = None) -> QuerySet[ProjectReport]:
    on = on or timezone.localdate()
    return (reports_visible_to(user).filter(required=True, due_on__lt=on)
            .exclude(status__in=(ReportStatus.ACCEPTED, ReportStatus.SUBMITTED))
            .select_related("application__fund", "application__organization").order_by("due_on", "id"))
