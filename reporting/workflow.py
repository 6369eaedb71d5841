"""The life of a project report, declared once.

A report an award owes is created ``due``; the organisation saves it as a ``draft`` (at every step of the
form), submits it, and the secretariat accepts it or returns it with comments for the organisation to
correct and submit again. The model's django-fsm transitions, the API's ``available_transitions`` and
the pages all read this table.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.workflow import Actor


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Progress report")
    FINAL = "final", _("Final report")
    USE_OF_FUNDS = "use_of_funds", _("Use-of-funds report")
    CERTIFICATE = "certificate", _("Certificate")


# The kind inside a sentence ("the %(report)s of your project"): lower case where the language wants it.
KIND_IN_SENTENCE = {
    ReportKind.PROGRESS: _("progress report"),
    ReportKind.FINAL: _("final report"),
    ReportKind.USE_OF_FUNDS: _("use-of-funds report"),
    ReportKind.CERTIFICATE: _("certificate"),
}


class ReportStatus(models.TextChoices):
    # A report's state, in words that agree with "report" (informe, relatório, rapport).
    DUE = "due", pgettext_lazy("report", "Due")
    DRAFT = "draft", pgettext_lazy("report", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("report", "Submitted")
    RETURNED = "returned", pgettext_lazy("report", "Returned for corrections")
    ACCEPTED = "accepted", pgettext_lazy("report", "Accepted")


R = ReportStatus
# States in which the organisation may still write in the report.
EDITABLE = (R.DUE, R.DRAFT, R.RETURNED)
# States in which the organisation has not yet handed the report in.
NOT_HANDED_IN = EDITABLE


@dataclass(frozen=True)
class ReportTransition:
    name: str
    method: str  # the model's django-fsm method ("return" is a Python keyword)
    sources: tuple[str, ...]
    target: str
    actors: frozenset[str]
    label: str
    applicant_label: str
    needs_comments: bool = False


def _spec(name, sources, target, actors, label, applicant_label, *, method=None, needs_comments=False):
    return ReportTransition(
        name=name, method=method or name, sources=tuple(sources), target=target,
        actors=frozenset(actors), label=label, applicant_label=applicant_label,
        needs_comments=needs_comments,
    )


A = Actor
TRANSITIONS: dict[str, ReportTransition] = {
    spec.name: spec
    for spec in (
        _spec("start", [R.DUE], R.DRAFT, [A.APPLICANT], _("Report started"), _("Save as a draft")),
        _spec("submit", EDITABLE, R.SUBMITTED, [A.APPLICANT], _("Report submitted"),
              _("Submit the report")),
        _spec("accept", [R.SUBMITTED], R.ACCEPTED, [A.SECRETARIAT, A.ADMINISTRATOR],
              _("Accept the report"), _("Report accepted")),
        _spec("return", [R.SUBMITTED], R.RETURNED, [A.SECRETARIAT, A.ADMINISTRATOR],
              _("Return for corrections"), _("Returned for corrections"), method="send_back",
              needs_comments=True),
    )
}
