"""The life of an application, declared once.

Each transition names its source states, its target, and who may run it. The model's django-fsm
transitions, the API's ``available_transitions`` and the pages all read this table; nothing else
decides who may do what to an application.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("Screening")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    COMMITTEE_REVIEW = "committee_review", _("Committee review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    CONDITIONS_ACCEPTED = "conditions_accepted", _("Conditions accepted")
    IN_EXECUTION = "in_execution", _("In execution")
    REPORTING = "reporting", _("Reporting")
    CLOSED = "closed", _("Closed")


class Actor(models.TextChoices):
    """Who may run a transition. ``system`` transitions run only from deadlines and payments."""

    APPLICANT = "applicant", _("Staff of the applying organisation")
    SECRETARIAT = "secretariat", _("Fund secretariat")
    CHAIR = "chair", _("Committee chair of the fund")
    FINANCE = "finance", _("Finance")
    ADMINISTRATOR = "administrator", _("Administrator")
    SYSTEM = "system", _("Fondos itself")


S = Status
BEFORE_DECISION = (S.DRAFT, S.SUBMITTED, S.SCREENING, S.INFORMATION_REQUESTED, S.COMMITTEE_REVIEW)
AWARDED = (S.APPROVED, S.CONDITIONS_ACCEPTED, S.IN_EXECUTION, S.REPORTING, S.CLOSED)
FINAL = (S.REJECTED, S.WITHDRAWN, S.EXPIRED, S.CLOSED)
# Submitted and not yet decided: the fund's decision clock runs.
AWAITING_DECISION = (S.SUBMITTED, S.SCREENING, S.INFORMATION_REQUESTED, S.COMMITTEE_REVIEW)


def days_left(status: str, decision_due, today) -> int | None:
    """Days until the decision is due while the decision clock runs; ``None`` otherwise."""
    if decision_due is None or status not in AWAITING_DECISION:
        return None
    return (decision_due - today).days


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    sources: tuple[str, ...]
    target: str | None  # None: back to the state the application came from
    actors: frozenset[str]
    label: str
    applicant_label: str
    needs_reason: bool = False
    # Where who may act depends on the state the application is in (a rejection at screening is the
    # secretariat's, in committee the chair's).
    actors_by_source: tuple[tuple[str, frozenset[str]], ...] = ()

    def actors_in(self, state: str) -> frozenset[str]:
        return dict(self.actors_by_source).get(state, self.actors)


def _spec(name, sources, target, actors, label, applicant_label=None, needs_reason=False):
    by_source = ()
    if isinstance(actors, dict):
        by_source = tuple((source, frozenset(who)) for source, who in actors.items())
        actors = {actor for who in actors.values() for actor in who}
    return TransitionSpec(
        name=name,
        sources=tuple(sources),
        target=target,
        actors=frozenset(actors),
        label=label,
        applicant_label=applicant_label or label,
        needs_reason=needs_reason,
        actors_by_source=by_source,
    )


A = Actor
TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in (
        _spec("submit", [S.DRAFT], S.SUBMITTED, [A.APPLICANT], _("Submit")),
        _spec(
            "withdraw", BEFORE_DECISION, S.WITHDRAWN, [A.APPLICANT], _("Withdraw"),
            _("Withdraw my application"),
        ),
        _spec(
            "start_screening", [S.SUBMITTED], S.SCREENING, [A.SECRETARIAT, A.ADMINISTRATOR],
            _("Start screening"), _("Screening started"),
        ),
        _spec(
            "request_information", [S.SCREENING, S.COMMITTEE_REVIEW], S.INFORMATION_REQUESTED,
            [A.SECRETARIAT, A.ADMINISTRATOR], _("Request information"),
            _("Information requested"), needs_reason=True,
        ),
        _spec(
            "answer_information_request", [S.INFORMATION_REQUESTED], None, [A.APPLICANT],
            _("Answer the request"), _("Send my answer"),
        ),
        _spec(
            "expire", [S.INFORMATION_REQUESTED], S.EXPIRED, [A.SYSTEM], _("Expire"),
            _("Expired"),
        ),
        _spec(
            "send_to_committee", [S.SCREENING], S.COMMITTEE_REVIEW,
            [A.SECRETARIAT, A.ADMINISTRATOR], _("Send to committee"), _("Sent to the committee"),
        ),
        _spec("approve", [S.COMMITTEE_REVIEW], S.APPROVED, [A.CHAIR], _("Approve"), _("Approved")),
        _spec(
            "reject", [S.SCREENING, S.COMMITTEE_REVIEW], S.REJECTED,
            {S.SCREENING: [A.SECRETARIAT], S.COMMITTEE_REVIEW: [A.CHAIR]},
            _("Reject"), _("Rejected"), needs_reason=True,
        ),
        _spec(
            "accept_conditions", [S.APPROVED], S.CONDITIONS_ACCEPTED, [A.APPLICANT],
            _("Accept the conditions"), _("Accept the conditions"),
        ),
        _spec(
            "start_execution", [S.CONDITIONS_ACCEPTED], S.IN_EXECUTION, [A.SYSTEM],
            _("Start execution"), _("Money paid out"),
        ),
        _spec(
            "start_reporting", [S.IN_EXECUTION], S.REPORTING,
            [A.SECRETARIAT, A.ADMINISTRATOR, A.SYSTEM], _("Ask for the final report"),
            _("Final report due"),
        ),
        _spec(
            "close", [S.IN_EXECUTION, S.REPORTING], S.CLOSED,
            [A.SECRETARIAT, A.FINANCE, A.ADMINISTRATOR, A.SYSTEM], _("Close the file"),
            _("File closed"), needs_reason=False,
        ),
        # A loan's file closed by its last repayment opens again when that repayment is reversed.
        _spec(
            "reopen", [S.CLOSED], S.IN_EXECUTION, [A.SYSTEM], _("Reopen the file"), _("File reopened"),
            needs_reason=True,
        ),
    )
}
