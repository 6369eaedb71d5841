"""What waits for each person when they land: one panel per role they hold.

Every panel reads through the selectors the lists use (``applications_visible_to``,
``disbursements_visible_to``, ``reports_visible_to``), so a panel never shows what the person's lists
would not, and another organisation's files never appear. Each panel costs a fixed number of queries
(a few counts in one aggregate, and at most ``ROWS`` rows), whatever the size of the portfolio; every
figure links to the list it counts, filtered.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import InformationRequest, Review
from applications.reviews import quorum_status
from applications.selectors import applications_visible_to
from applications.workflow import Status
from disbursements.models import DisbursementStatus, Instalment
from disbursements.selectors import disbursements_visible_to, loans_visible_to
from organizations.access import Access
from portal.templatetags.portal import money
from reporting.selectors import reports_overdue, reports_to_review, reports_visible_to
from reporting.workflow import KIND_IN_SENTENCE, ReportStatus

ROWS = 5  # rows a panel lists; the figure above them links to the whole list
SOON_DAYS = 7  # a decision clock "running out": due within a week
NEW_ARREARS_DAYS = 7  # arrears are "new" during their first week
UNDECIDED = (Status.SUBMITTED, Status.SCREENING, Status.INFORMATION_REQUESTED, Status.COMMITTEE_REVIEW)
REPORT_OPEN = (ReportStatus.DUE, ReportStatus.DRAFT, ReportStatus.RETURNED)


@dataclass
class Figure:
    label: str
    count: int
    url: str
    tone: str = ""  # "late" or "soon" draw the eye; "" is plain


@dataclass
class Row:
    label: str
    url: str
    detail: str = ""
    tone: str = ""


@dataclass
class Panel:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    empty: str = ""
    more: tuple[str, str] | None = None  # (label, url) of the whole list

    @property
    def is_quiet(self) -> bool:
        """Nothing to list and nothing counted: the panel says so in words."""
        return not self.rows and not any(figure.count for figure in self.figures)


def panels_for(user, access: Access) -> list[Panel]:
    """The panels of every role ``user`` holds, in a fixed order."""
    today = timezone.localdate()
    panels: list[Panel] = []
    if access.is_opp_staff:
        panels += opp_panels(user, access, today)
    if access.is_secretariat:
        panels.append(secretariat_panel(user, today))
    if access.is_committee_member:
        panels.append(member_panel(user, access, today))
    if access.chair_fund_ids:
        panels.append(chair_panel(user, access, today))
    if access.is_finance:
        panels.append(finance_panel(user, today))
    if access.is_auditor or access.is_administrator:
        panels.append(audit_panel())
    return panels


def _url(name: str, *args, **query) -> str:
    path = reverse(name, args=args)
    return f"{path}?{urlencode(query)}" if query else path


def _date(day) -> str:
    return date_format(day, "DATE_FORMAT") if day else "—"


def _days(days: int) -> str:
    if days < 0:
        return ngettext("%(n)d day late", "%(n)d days late", -days) % {"n": -days}
    if days == 0:
        return _("due today")
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}


def _tone(days: int | None) -> str:
    if days is None:
        return ""
    return "late" if days < 0 else "soon" if days <= SOON_DAYS else ""


# --------------------------------------------------------------------------- the organisation


def opp_panels(user, access: Access, today: datetime.date) -> list[Panel]:
    mine = applications_visible_to(user).filter(organization_id=access.organization_id)
    counts = mine.aggregate(
        drafts=Count("pk", filter=Q(status=Status.DRAFT)),
        requests=Count("pk", filter=Q(status=Status.INFORMATION_REQUESTED)),
        conditions=Count("pk", filter=Q(status=Status.APPROVED)),
    )
    waiting = Panel("opp-waiting", _("What waits for us"), figures=[
        Figure(_("Drafts to finish and submit"), counts["drafts"], _url("home", status=Status.DRAFT)),
        Figure(_("Requests for information to answer"), counts["requests"],
               _url("home", status=Status.INFORMATION_REQUESTED), "late" if counts["requests"] else ""),
        Figure(_("Conditions to accept"), counts["conditions"], _url("home", status=Status.APPROVED),
               "soon" if counts["conditions"] else ""),
    ], empty=_("Nothing waits for you."))
    requests = (InformationRequest.objects
                .filter(application__in=mine.values("pk"), answered_at__isnull=True, expired_at__isnull=True)
                .select_related("application__fund").order_by("respond_by", "id")[:ROWS])
    for request in requests:
        days = (request.respond_by - today).days
        waiting.rows.append(Row(
            _("Answer the request on %(reference)s by %(date)s") % {
                "reference": request.application.reference, "date": _date(request.respond_by)},
            reverse("application", args=[request.application_id]), _days(days), _tone(days),
        ))
    panels = [waiting]

    instalment = (Instalment.objects
                  .filter(loan__in=loans_visible_to(user).filter(application__organization_id=access.organization_id)
                          .values("pk"), is_current=True, paid_on__isnull=True)
                  .select_related("loan__application__fund").order_by("due_date", "id").first())
    if instalment is not None:
        days = (instalment.due_date - today).days
        application = instalment.loan.application
        panels.append(Panel("opp-instalment", _("Next instalment"), rows=[Row(
            _("Instalment %(number)s of loan %(reference)s: %(amount)s on %(date)s") % {
                "number": instalment.n, "reference": application.reference,
                "amount": money(instalment.unpaid, instalment.loan.currency),
                "date": _date(instalment.due_date)},
            reverse("application", args=[application.pk]), _days(days), _tone(days),
        )]))

    reports = list(reports_visible_to(user)
                   .filter(application__organization_id=access.organization_id, status__in=REPORT_OPEN)
                   .select_related("application__fund").order_by("due_on", "id")[:ROWS + 1])
    if reports:
        panel = Panel("opp-reports", _("Project reports due"))
        for report in reports[:ROWS]:
            days = (report.due_on - today).days if report.due_on else None
            panel.rows.append(Row(
                _("The %(report)s of %(reference)s, due by %(date)s") % {
                    "report": KIND_IN_SENTENCE[report.kind], "reference": report.application.reference,
                    "date": _date(report.due_on)},
                reverse("report", args=[report.pk]),
                report.get_status_display() + (" · " + _days(days) if days is not None else ""), _tone(days),
            ))
        if len(reports) > ROWS:
            panel.more = (_("More reports in your applications"), _url("home", status=Status.IN_EXECUTION))
        panels.append(panel)

    return panels


# --------------------------------------------------------------------------- the secretariat


def secretariat_panel(user, today: datetime.date) -> Panel:
    visible = applications_visible_to(user)
    soon = today + datetime.timedelta(days=SOON_DAYS)
    counts = visible.aggregate(
        to_screen=Count("pk", filter=Q(status=Status.SUBMITTED)),
        screening=Count("pk", filter=Q(status=Status.SCREENING)),
        running_out=Count("pk", filter=Q(status__in=UNDECIDED, decision_due__lte=soon)),
    )
    overdue_answers = InformationRequest.objects.filter(
        application__in=visible.values("pk"), answered_at__isnull=True, expired_at__isnull=True,
        respond_by__lt=today,
    ).count()
    panel = Panel("secretariat", _("Screening"), figures=[
        Figure(_("To screen"), counts["to_screen"], _url("secretariat", status=Status.SUBMITTED),
               "soon" if counts["to_screen"] else ""),
        Figure(_("Being screened"), counts["screening"], _url("secretariat", status=Status.SCREENING)),
        Figure(_("Decision clocks running out (7 days)"), counts["running_out"],
               _url("applications", days_left=SOON_DAYS, ordering="decision_due"),
               "late" if counts["running_out"] else ""),
        Figure(_("Answers overdue"), overdue_answers,
               _url("secretariat", status=Status.INFORMATION_REQUESTED), "late" if overdue_answers else ""),
        Figure(_("Project reports to review"), reports_to_review(user).count(), reverse("reports")),
        Figure(_("Project reports overdue"), reports_overdue(user, on=today).count(), reverse("reports")),
    ], empty=_("No decision clock is running out."),
        more=(_("Open the screening queue"), reverse("secretariat")))
    clocks = (visible.filter(status__in=UNDECIDED, decision_due__lte=soon)
              .select_related("fund", "organization").order_by("decision_due", "id")[:ROWS])
    for application in clocks:
        days = (application.decision_due - today).days
        panel.rows.append(Row(
            f"{application.reference} · {application.organization.short_name}",
            reverse("application", args=[application.pk]),
            f"{application.get_status_display()} · {_days(days)}", _tone(days),
        ))
    return panel


# --------------------------------------------------------------------------- the committee


def _in_review(user, fund_ids):
    return (applications_visible_to(user)
            .filter(status=Status.COMMITTEE_REVIEW, fund_id__in=sorted(fund_ids)))


def member_panel(user, access: Access, today: datetime.date) -> Panel:
    reviewed = Review.objects.filter(reviewer=user, superseded_at__isnull=True).values("application_id")
    waiting = _in_review(user, access.member_fund_ids).exclude(pk__in=reviewed)
    panel = Panel("committee", _("To review"), figures=[
        Figure(_("Applications waiting for your review"), waiting.count(), reverse("committee"),
               "soon"),
    ], empty=_("Nothing waits for your review."),
        more=(_("Open the committee workspace"), reverse("committee")))
    for application in (waiting.select_related("fund", "organization")
                        .order_by("decision_due", "id")[:ROWS]):
        days = (application.decision_due - today).days if application.decision_due else None
        panel.rows.append(Row(
            f"{application.reference} · {application.organization.short_name}",
            reverse("application-review", args=[application.pk]),
            _days(days) if days is not None else "", _tone(days),
        ))
    if not panel.figures[0].count:
        panel.figures[0].tone = ""
    return panel


def chair_panel(user, access: Access, today: datetime.date) -> Panel:
    """The files the chair decides, each with its quorum: reached, or how many reviews are missing."""
    in_review = _in_review(user, access.chair_fund_ids)
    applications = list(in_review.select_related("fund", "organization")
                        .order_by("decision_due", "id")[:ROWS])
    panel = Panel("chair", _("Ready to decide"), empty=_("No application is waiting for a decision."),
                  more=(_("Open the committee workspace"), reverse("committee")))
    ready = 0
    for application in applications:
        quorum = quorum_status(application)  # the rule the decision itself checks
        days = (application.decision_due - today).days if application.decision_due else None
        if quorum.reached:
            ready += 1
            detail = ngettext("Quorum reached: %(reviews)d review of %(needed)d needed",
                              "Quorum reached: %(reviews)d reviews of %(needed)d needed",
                              quorum.reviews) % {"reviews": quorum.reviews, "needed": quorum.needed}
        else:
            detail = ngettext("No quorum yet: %(reviews)d review of %(needed)d needed",
                              "No quorum yet: %(reviews)d reviews of %(needed)d needed",
                              quorum.reviews) % {"reviews": quorum.reviews, "needed": quorum.needed}
            if quorum.conflicted:
                detail += " · " + ngettext("%(n)d member declared a conflict of interest",
                                           "%(n)d members declared a conflict of interest",
                                           quorum.conflicted) % {"n": quorum.conflicted}
        if days is not None:
            detail += " · " + _days(days)
        panel.rows.append(Row(f"{application.reference} · {application.organization.short_name}",
                              reverse("application", args=[application.pk]), detail,
                              "good" if quorum.reached else _tone(days)))
    total = in_review.count() if len(applications) == ROWS else len(applications)
    panel.figures = [
        Figure(_("In committee review, in the funds you chair"), total, reverse("committee")),
        Figure(_("With quorum, among those listed"), ready, reverse("committee"), "good" if ready else ""),
    ]
    return panel


# --------------------------------------------------------------------------- finance


def finance_panel(user, today: datetime.date) -> Panel:
    counts = disbursements_visible_to(user).aggregate(
        to_approve=Count("pk", filter=Q(status=DisbursementStatus.PENDING)),
        to_pay=Count("pk", filter=Q(status=DisbursementStatus.APPROVED)),
        failed=Count("pk", filter=Q(status=DisbursementStatus.FAILED)),
    )
    since = today - datetime.timedelta(days=NEW_ARREARS_DAYS)
    new_arrears = (Instalment.objects
                   .filter(loan__in=loans_visible_to(user).values("pk"), is_current=True,
                           paid_on__isnull=True, due_date__gte=since, due_date__lt=today)
                   .select_related("loan__application__fund", "loan__application__organization")
                   .order_by("due_date", "id"))
    rows = list(new_arrears[:ROWS + 1])
    panel = Panel("finance", _("Finance"), figures=[
        Figure(_("Disbursements to approve"), counts["to_approve"],
               _url("finance-disbursements", status=DisbursementStatus.PENDING),
               "soon" if counts["to_approve"] else ""),
        Figure(_("Disbursements to pay"), counts["to_pay"],
               _url("finance-disbursements", status=DisbursementStatus.APPROVED),
               "soon" if counts["to_pay"] else ""),
        Figure(_("Failed payments"), counts["failed"],
               _url("finance-disbursements", status=DisbursementStatus.FAILED),
               "late" if counts["failed"] else ""),
        Figure(_("New arrears (last 7 days)"), len(rows) if len(rows) <= ROWS else new_arrears.count(),
               _url("finance-loans", status="in_arrears"), "late" if rows else ""),
    ], empty=_("No instalment fell into arrears this week."),
        more=(_("Open the finance desk"), reverse("finance")))

    for instalment in rows[:ROWS]:
        application = instalment.loan.application
        panel.rows.append(Row(
            f"{application.reference} · {application.organization.short_name}",
            reverse("finance-loan", args=[instalment.loan_id]),
            _("Instalment %(number)s, %(amount)s, due on %(date)s") % {
                "number": instalment.n, "amount": money(instalment.unpaid, instalment.loan.currency),
                "date": _date(instalment.due_date)} + " · " + _days((instalment.due_date - today).days),
            "late",
        ))
    return panel


# --------------------------------------------------------------------------- auditors


def audit_panel() -> Panel:
    """The latest recorded changes, whatever they changed (one query per audited kind of record)."""
    from .history import recent_changes

    panel = Panel("audit", _("Recent changes"), empty=_("No change recorded yet."),
                  more=(_("Open the history of changes"), reverse("audit-history-page")))
    for change in recent_changes(ROWS * 2):
        panel.rows.append(Row(change.label, change.url, change.detail))
    return panel

