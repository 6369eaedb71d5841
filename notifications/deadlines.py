"""Deadlines: decision clocks, unanswered requests, review reminders, final baselines and loan notices.

Application deadlines are timers (``Deadline`` rows) that transitions set; the sweep reads only timers
that are due and not done, through a partial index, so its cost follows what is due rather than how
many applications exist. Each timer is handled in its own transaction, locked with ``skip_locked``
and stamped done with its work, so a second sweep (beat and cron together, or twice in a minute) does
nothing new. Loan notices read the current instalments by due date and rely on the notifications'
dedupe keys for the same guarantee.

Run by Celery beat (``notifications.tasks.run_deadlines``, installed by ``manage.py install_schedules``)
or by cron (``manage.py run_deadlines``).
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter

from django.db import transaction
from django.utils import timezone

from applications.models import Document
from applications.permissions import conflicted_reviewer_ids, decider_ids
from applications.reviews import committee_member_ids
from applications.services import application_expire
from applications.workflow import AWARDED, Status
from core.money import Money
from disbursements.models import LIVE_LOAN_STATES, Instalment
from disbursements.services.loans import loans_refresh_arrears

from .context import application_context
from .kinds import Kind
from .models import Deadline, DeadlineKind
from .outbox import notify
from .recipients import (
    chair_recipients,
    finance_recipients,
    organization_recipients,
    secretariat_recipients,
    users_recipients,
)

logger = logging.getLogger(__name__)

UNDECIDED = (Status.SUBMITTED, Status.SCREENING, Status.INFORMATION_REQUESTED, Status.COMMITTEE_REVIEW)
REVIEW_REMINDER_EVERY = datetime.timedelta(days=7)
FINAL_BASELINE_NOTICE = datetime.timedelta(days=14)
INSTALMENT_NOTICE = datetime.timedelta(days=5)
ARREARS_NOTICE_DAYS = (1, 30, 60)
# How far back the loan sweeps look, so that a day without a sweep loses no notice.
CATCH_UP = datetime.timedelta(days=7)


# --------------------------------------------------------------------------- setting timers


def deadline_set(application, kind: str, due_on: datetime.date) -> None:
    Deadline.objects.bulk_create(
        [Deadline(application=application, kind=kind, due_on=due_on)], ignore_conflicts=True
    )


def review_reminder_set(application, today: datetime.date) -> None:
    deadline_set(application, DeadlineKind.REVIEW_REMINDER, today + REVIEW_REMINDER_EVERY)


def documents_due(application):
    """The documents the award owes after approval (the climate fund's final baseline), as its fund's
    rules date them with the parameters in force on the submission date."""
    parameters = application.fund.parameters_on((application.submitted_at or timezone.now()).date())
    return application.fund.rules.documents_due(application.data or {}, parameters=parameters)


def final_baseline_due_on(application) -> datetime.date | None:
    """When the award's document due after approval (a final baseline) is due, if it owes one."""
    due = documents_due(application)
    return due[0].due_on if due else None


def final_baseline_set(application) -> None:
    due = final_baseline_due_on(application)
    if due is None:
        return
    deadline_set(application, DeadlineKind.FINAL_BASELINE_SOON, due - FINAL_BASELINE_NOTICE)
    deadline_set(application, DeadlineKind.FINAL_BASELINE_DUE, due)


# --------------------------------------------------------------------------- the sweep


def run_deadlines(*, today: datetime.date | None = None) -> Counter:
    """Everything due on ``today``. Returns what happened, by outcome."""
    today = today or timezone.localdate()
    counts = deadlines_sweep(today=today)
    moved = loans_refresh_arrears(on=today)
    if moved:
        counts["loan status refreshed"] += moved
    counts.update(instalments_due_notify(today=today))
    counts.update(arrears_notify(today=today))
    return counts


def deadlines_sweep(*, today: datetime.date) -> Counter:
    counts: Counter = Counter()
    _audience_cache.clear()
    due_ids = list(
        Deadline.objects.filter(done_at__isnull=True, due_on__lte=today).values_list("pk", flat=True)
    )
    for deadline_id in due_ids:
        try:
            outcome = _fire(deadline_id, today)
        except Exception:
            # One broken timer must not stop the others; it stays open and is tried again next sweep.
            logger.exception("Deadline %s failed", deadline_id)
            outcome = "error"
        if outcome is not None:
            counts[outcome] += 1
    return counts


def _fire(deadline_id: int, today: datetime.date) -> str | None:
    with transaction.atomic():
        deadline = (
            Deadline.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("application__fund", "application__organization")
            .filter(pk=deadline_id, done_at__isnull=True)
            .first()
        )
        if deadline is None:
            return None
        outcome = _ACTIONS[deadline.kind](deadline, today)
        deadline.done_at = timezone.now()
        deadline.outcome = outcome
        deadline.save(update_fields=["done_at", "outcome"])
    return f"{deadline.kind}:{outcome}"


# The secretariat and each fund's chair, read once per sweep rather than once per application.
_audience_cache: dict = {}


def _decision_audience(application):
    """The secretariat and whoever decides: the fund's chair, or, when the chair declared a conflict
    of interest, the deputy chair or the secretariat (``applications.permissions.decider_ids``)."""
    fund_id = application.fund_id
    if "secretariat" not in _audience_cache:
        _audience_cache["secretariat"] = secretariat_recipients()
    secretariat = _audience_cache["secretariat"]
    if not conflicted_reviewer_ids(application):
        if fund_id not in _audience_cache:
            _audience_cache[fund_id] = secretariat + chair_recipients(fund_id)
        return _audience_cache[fund_id]
    told = {recipient.user.pk for recipient in secretariat}
    return secretariat + users_recipients(decider_ids(application) - told)


def _decision_clock(kind: str):
    def act(deadline: Deadline, today: datetime.date) -> str:
        application = deadline.application
        if application.status not in UNDECIDED:
            return "decided"
        days_left = (application.decision_due - today).days if application.decision_due else ""
        notify(
            kind=kind, recipients=_decision_audience(application),
            event=f"d{deadline.pk}", application=application,
            context=application_context(application, days_left=days_left),
        )
        return "notified"

    return act


def _information_expiry(deadline: Deadline, today: datetime.date) -> str:
    expired = application_expire(application_id=deadline.application_id)
    return "expired" if expired is not None else "answered"


def _review_reminder(deadline: Deadline, today: datetime.date) -> str:
    application = deadline.application
    if application.status != Status.COMMITTEE_REVIEW:
        return "not_in_review"
    current = application.reviews.filter(superseded_at__isnull=True)
    reviewed = set(current.values_list("reviewer_id", flat=True))
    outstanding = committee_member_ids(application.fund_id) - reviewed
    if outstanding:
        sent = application.sent_to_committee_at
        since = timezone.localdate(sent) if sent else ""
        notify(kind=Kind.REVIEW_REMINDER, recipients=users_recipients(outstanding),
               event=f"d{deadline.pk}", application=application,
               context=application_context(application, date=since))
    review_reminder_set(application, max(today, deadline.due_on))
    return "reminded" if outstanding else "all_reviewed"


def _final_baseline(deadline: Deadline, today: datetime.date) -> str:
    application = deadline.application
    if application.status not in AWARDED or application.status == Status.CLOSED:
        return "not_needed"
    kinds = [due.kind for due in documents_due(application)]
    if Document.objects.filter(application=application, kind__in=kinds, replaced_by__isnull=True).exists():
        return "received"
    if application.project_reports.filter(kind="final", required=True).exists():
        return "in_final_report"  # the endline is the final report's, which has its own reminders
    notify(kind=Kind.FINAL_BASELINE_DUE, recipients=organization_recipients(application.organization),
           event=f"d{deadline.pk}", application=application,
           context=application_context(application, due=final_baseline_due_on(application)))
    return "notified"


_ACTIONS = {
    DeadlineKind.DECISION_WARNING: _decision_clock(Kind.DECISION_WARNING),
    DeadlineKind.DECISION_OVERDUE: _decision_clock(Kind.DECISION_OVERDUE),
    DeadlineKind.INFORMATION_EXPIRY: _information_expiry,
    DeadlineKind.REVIEW_REMINDER: _review_reminder,
    DeadlineKind.FINAL_BASELINE_SOON: _final_baseline,
    DeadlineKind.FINAL_BASELINE_DUE: _final_baseline,
}


def deadline_action_register(kind: str, action) -> None:
    """Let an app handle its own kind of timer (project reports register theirs when they load)."""
    _ACTIONS[kind] = action


# --------------------------------------------------------------------------- loans


def _open_instalments(first: datetime.date, last: datetime.date):
    return (
        Instalment.objects.filter(
            is_current=True, paid_on__isnull=True, due_date__gte=first, due_date__lte=last,
            loan__status__in=LIVE_LOAN_STATES,
        )
        .select_related("loan__application__organization", "loan__application__fund")
        .order_by("due_date", "pk")
    )


def _instalment_context(instalment, today: datetime.date) -> dict:
    application = instalment.loan.application
    return application_context(
        application, number=instalment.n, due=instalment.due_date,
        amount=Money(instalment.unpaid, instalment.loan.currency),
        days_late=(today - instalment.due_date).days,
    )


def instalments_due_notify(*, today: datetime.date) -> Counter:
    """Tell the OPP of each instalment falling due in the next few days, once per instalment."""
    counts: Counter = Counter()
    for instalment in _open_instalments(today, today + INSTALMENT_NOTICE):
        application = instalment.loan.application
        with transaction.atomic():
            written = notify(
                kind=Kind.INSTALMENT_DUE, recipients=organization_recipients(application.organization),
                event=f"i{instalment.pk}v{instalment.version}", application=application,
                context=_instalment_context(instalment, today),
            )
        if written:
            counts["instalment_due:notified"] += 1
    return counts


def arrears_notify(*, today: datetime.date) -> Counter:
    """Arrears notices when an instalment is 1, 30 and 60 days late (finance is copied from 30 on)."""
    counts: Counter = Counter()
    for days in ARREARS_NOTICE_DAYS:
        last = today - datetime.timedelta(days=days)
        for instalment in _open_instalments(last - CATCH_UP, last):
            application = instalment.loan.application
            recipients = organization_recipients(application.organization)
            if days >= 30:
                recipients += finance_recipients()
            with transaction.atomic():
                written = notify(
                    kind=Kind.ARREARS_NOTICE, recipients=recipients,
                    event=f"i{instalment.pk}v{instalment.version}late{days}", application=application,
                    context=_instalment_context(instalment, today),
                )
            if written:
                counts[f"arrears_{days}:notified"] += 1
    return counts
