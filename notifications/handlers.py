"""What each application transition tells whom, and which timers it sets. One place for all of them.

``on_application_transition`` runs inside the transition's transaction (``applications.events``): the
notifications and timers it writes commit or roll back with the change itself.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from applications.models import InformationRequest
from applications.reviews import committee_member_ids
from applications.workflow import Status

from . import deadlines
from .context import application_context
from .kinds import Kind
from .models import DeadlineKind
from .outbox import notify
from .recipients import (
    organization_recipients,
    secretariat_recipients,
    users_recipients,
)


def on_application_transition(*, application, log) -> None:
    handler = _HANDLERS.get(log.transition)
    if handler is not None:
        handler(application, log)


def _tell(kind, recipients, application, log, **extra):
    notify(kind=kind, recipients=recipients, event=f"t{log.pk}", application=application,
           context=application_context(application, **extra))


def _submitted(application, log):
    _tell(Kind.APPLICATION_SUBMITTED, organization_recipients(application.organization), application, log,
          date=timezone.localdate(application.submitted_at))
    _tell(Kind.APPLICATION_RECEIVED, secretariat_recipients(), application, log)
    if application.decision_warning_on:
        deadlines.deadline_set(application, DeadlineKind.DECISION_WARNING, application.decision_warning_on)
    if application.decision_due:
        deadlines.deadline_set(application, DeadlineKind.DECISION_OVERDUE,
                               application.decision_due + datetime.timedelta(days=1))


def _information_requested(application, log):
    request = _open_request(application)
    respond_by = request.respond_by if request else ""
    _tell(Kind.INFORMATION_REQUESTED, organization_recipients(application.organization), application, log,
          message=log.reason, respond_by=respond_by)
    if request is not None:
        deadlines.deadline_set(application, DeadlineKind.INFORMATION_EXPIRY,
                               request.respond_by + datetime.timedelta(days=1))


def _information_answered(application, log):
    _tell(Kind.INFORMATION_ANSWERED, secretariat_recipients(), application, log, message=log.reason)
    if log.to_state == Status.COMMITTEE_REVIEW:
        deadlines.review_reminder_set(application, timezone.localdate())


def _sent_to_committee(application, log):
    _tell(Kind.SENT_TO_COMMITTEE, users_recipients(committee_member_ids(application.fund_id)),
          application, log)
    deadlines.review_reminder_set(application, timezone.localdate())


def _approved(application, log):
    _tell(Kind.APPLICATION_APPROVED, organization_recipients(application.organization), application, log)
    deadlines.final_baseline_set(application)


def _rejected(application, log):
    _tell(Kind.APPLICATION_REJECTED, organization_recipients(application.organization), application, log,
          message=log.reason)


def _expired(application, log):
    request = (
        application.information_requests.filter(expired_at__isnull=False).order_by("-expired_at").first()
    )
    respond_by = request.respond_by if request else ""
    recipients = organization_recipients(application.organization) + secretariat_recipients()
    _tell(Kind.APPLICATION_EXPIRED, recipients, application, log, respond_by=respond_by)


def _withdrawn(application, log):
    _tell(Kind.APPLICATION_WITHDRAWN, secretariat_recipients(), application, log, message=log.reason)


def _open_request(application):
    return InformationRequest.objects.filter(
        application=application, answered_at__isnull=True, expired_at__isnull=True
    ).first()


_HANDLERS = {
    "submit": _submitted,
    "request_information": _information_requested,
    "answer_information_request": _information_answered,
    "send_to_committee": _sent_to_committee,
    "approve": _approved,
    "reject": _rejected,
    "expire": _expired,
    "withdraw": _withdrawn,
}
