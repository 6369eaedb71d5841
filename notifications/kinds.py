"""Every kind of notification Fondos sends, its wording and whether people may turn it off.

Subjects and bodies are translatable format strings; ``notifications.outbox`` renders them in the
recipient's language when the notification is written.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    APPLICATION_SUBMITTED = "application_submitted", _("Receipt of a submitted application")
    APPLICATION_RECEIVED = "application_received", _("New application to screen")
    INFORMATION_REQUESTED = "information_requested", _("Request for information")
    INFORMATION_ANSWERED = "information_answered", _("Answer to a request for information")
    SENT_TO_COMMITTEE = "sent_to_committee", _("Application sent to the committee")
    APPLICATION_APPROVED = "application_approved", _("Application approved")
    APPLICATION_REJECTED = "application_rejected", _("Application rejected")
    APPLICATION_EXPIRED = "application_expired", _("Application expired")
    APPLICATION_WITHDRAWN = "application_withdrawn", _("Application withdrawn")
    DECISION_WARNING = "decision_warning", _("Decision date approaching")
    DECISION_OVERDUE = "decision_overdue", _("Decision date passed")
    REVIEW_REMINDER = "review_reminder", _("Review outstanding")
    FINAL_BASELINE_DUE = "final_baseline_due", _("Final baseline due")
    INSTALMENT_DUE = "instalment_due", _("Loan instalment due")
    ARREARS_NOTICE = "arrears_notice", _("Loan instalment overdue")
    PAYMENT_MADE = "payment_made", _("Payment made")
    LOAN_PAID_OUT = "loan_paid_out", _("Loan paid out, with its definitive schedule")
    LOAN_RESCHEDULED = "loan_rescheduled", _("Loan rescheduled, with its new definitive schedule")
    REPORT_DUE = "report_due", _("Project report due soon")
    REPORT_OVERDUE = "report_overdue", _("Project report overdue")
    REPORT_ESCALATED = "report_escalated", _("Project report long overdue")
    REPORT_SUBMITTED = "report_submitted", _("Project report to review")
    REPORT_RETURNED = "report_returned", _("Project report returned for corrections")
    REPORT_ACCEPTED = "report_accepted", _("Project report accepted")
    EVENT_DECLARED = "event_declared", _("Declared climate event and its fast-track call")


@dataclass(frozen=True)
class KindSpec:
    subject: str
    body: str
    essential: bool = False


SPECS: dict[str, KindSpec] = {
    Kind.APPLICATION_SUBMITTED: KindSpec(
        _("We received your application %(reference)s"),
        _("Your application %(reference)s to the %(fund)s was submitted on %(date)s. The decision is "
          "due by %(decision_due)s. We will write to you when it moves on."),
    ),
    Kind.APPLICATION_RECEIVED: KindSpec(
        _("New application %(reference)s from %(organization)s"),
        _("%(organization)s submitted application %(reference)s to the %(fund)s. It is waiting for "
          "screening; the decision is due by %(decision_due)s."),
    ),
    Kind.INFORMATION_REQUESTED: KindSpec(
        _("Information needed for your application %(reference)s"),
        _("The fund secretariat needs more information about your application %(reference)s to the "
          "%(fund)s:\n\n%(message)s\n\nPlease answer by %(respond_by)s. Without an answer by that "
          "date the application expires."),
        essential=True,
    ),
    Kind.INFORMATION_ANSWERED: KindSpec(
        _("%(organization)s answered the request on %(reference)s"),
        _("%(organization)s answered the request for information on application %(reference)s:\n\n"
          "%(message)s"),
    ),
    Kind.SENT_TO_COMMITTEE: KindSpec(
        _("Application %(reference)s is ready for your review"),
        _("Application %(reference)s from %(organization)s to the %(fund)s was sent to the committee. "
          "Please review it; the decision is due by %(decision_due)s."),
    ),
    Kind.APPLICATION_APPROVED: KindSpec(
        _("Your application %(reference)s was approved"),
        _("The committee of the %(fund)s approved your application %(reference)s for %(amount)s. "
          "The decision letter, with its conditions, is sent separately and is available in Fondos."),
        essential=True,
    ),
    Kind.APPLICATION_REJECTED: KindSpec(
        _("Decision on your application %(reference)s"),
        _("Your application %(reference)s to the %(fund)s was not approved. The reason:\n\n"
          "%(message)s\n\nThe decision letter is sent separately and is available in Fondos."),
        essential=True,
    ),
    Kind.APPLICATION_EXPIRED: KindSpec(
        _("Application %(reference)s expired"),
        _("Application %(reference)s from %(organization)s to the %(fund)s expired: the request for "
          "information was not answered by %(respond_by)s."),
        essential=True,
    ),
    Kind.APPLICATION_WITHDRAWN: KindSpec(
        _("%(organization)s withdrew application %(reference)s"),
        _("%(organization)s withdrew its application %(reference)s to the %(fund)s."),
    ),
    Kind.DECISION_WARNING: KindSpec(
        _("Decision on %(reference)s due by %(decision_due)s"),
        _("Application %(reference)s from %(organization)s to the %(fund)s has no decision yet (it is "
          "in “%(status)s”). The decision is due by %(decision_due)s, in %(days_left)s days."),
    ),
    Kind.DECISION_OVERDUE: KindSpec(
        _("Decision on %(reference)s is overdue"),
        _("The decision on application %(reference)s from %(organization)s to the %(fund)s was due by "
          "%(decision_due)s and has not been taken (the application is in “%(status)s”). Please take "
          "it as soon as possible."),
    ),
    Kind.REVIEW_REMINDER: KindSpec(
        _("Your review of %(reference)s is outstanding"),
        _("Application %(reference)s from %(organization)s to the %(fund)s is waiting for your review "
          "since %(date)s. The decision is due by %(decision_due)s."),
    ),
    Kind.FINAL_BASELINE_DUE: KindSpec(
        _("Final baseline for %(reference)s due by %(due)s"),
        _("The final baseline (endline) of your project %(reference)s with the %(fund)s is due by "
          "%(due)s. Please upload it in Fondos."),
    ),
    Kind.INSTALMENT_DUE: KindSpec(
        _("Loan instalment due on %(due)s"),
        _("Instalment %(number)s of your loan %(reference)s, %(amount)s, is due on %(due)s."),
    ),
    Kind.ARREARS_NOTICE: KindSpec(
        _("Loan instalment %(days_late)s days overdue"),
        _("Instalment %(number)s of your loan %(reference)s was due on %(due)s and %(amount)s is still "
          "unpaid, %(days_late)s days late. Please pay it or contact CLAC's finance team."),
        essential=True,
    ),
    Kind.PAYMENT_MADE: KindSpec(
        _("Payment of %(amount)s for %(reference)s"),
        _("CLAC paid a disbursement of your application %(reference)s to the %(fund)s.\n\n"
          "Amount: %(amount)s\nPaid as: %(paid_as)s\nDate: %(paid_on)s\nPayment reference: "
          "%(payment_reference)s\nTranche: %(tranche)s\nPaid to: %(payee)s"),
        essential=True,
    ),
    Kind.LOAN_PAID_OUT: KindSpec(
        _("Your loan %(reference)s was paid: %(amount)s"),
        _("CLAC paid your loan %(reference)s from the %(fund)s.\n\n"
          "Amount: %(amount)s\nPaid as: %(paid_as)s\nDate: %(paid_on)s\nPayment reference: "
          "%(payment_reference)s\nTranche: %(tranche)s\nPaid to: %(payee)s\n\n"
          "The repayment schedule is now definitive: the first instalment, %(first_amount)s, is due on "
          "%(first_due)s. The schedule (PDF) is ready to download from your loan in Fondos."),
        essential=True,
    ),
    Kind.LOAN_RESCHEDULED: KindSpec(
        _("Your loan %(reference)s was rescheduled"),
        _("CLAC rescheduled your loan %(reference)s from the %(fund)s, from %(starts_on)s.\n\n"
          "Reason: %(reason)s\n\n"
          "The new definitive schedule %(schedule)s replaces the one before: the next instalment, "
          "%(first_amount)s, is due on %(first_due)s. The schedule (PDF) is ready to download from your "
          "loan in Fondos."),
        essential=True,
    ),
    Kind.REPORT_DUE: KindSpec(
        _("The %(report)s for %(reference)s is due by %(due)s"),
        _("The %(report)s of your project %(reference)s with the %(fund)s is due by %(due)s. Please "
          "fill it in Fondos; it is saved as you go."),
    ),
    Kind.REPORT_OVERDUE: KindSpec(
        _("The %(report)s for %(reference)s is overdue"),
        _("The %(report)s of project %(reference)s (%(organization)s, %(fund)s) was due by %(due)s and "
          "has not been submitted. Until it is accepted, no further tranche can be paid."),
        essential=True,
    ),
    Kind.REPORT_ESCALATED: KindSpec(
        _("The %(report)s for %(reference)s is still missing"),
        _("The %(report)s of project %(reference)s from %(organization)s to the %(fund)s was due by "
          "%(due)s and is still not accepted (it is “%(status)s”). Please follow it up with the "
          "organisation."),
    ),
    Kind.REPORT_SUBMITTED: KindSpec(
        _("%(organization)s submitted the %(report)s for %(reference)s"),
        _("%(organization)s submitted the %(report)s of project %(reference)s to the %(fund)s. Please "
          "accept it or return it with comments."),
    ),
    Kind.REPORT_RETURNED: KindSpec(
        _("Your %(report)s for %(reference)s needs corrections"),
        _("The fund secretariat returned the %(report)s of your project %(reference)s with these "
          "comments:\n\n%(message)s\n\nPlease correct it and submit it again in Fondos."),
        essential=True,
    ),
    Kind.REPORT_ACCEPTED: KindSpec(
        _("Your %(report)s for %(reference)s was accepted"),
        _("The fund secretariat accepted the %(report)s of your project %(reference)s with the "
          "%(fund)s. Thank you."),
    ),
    Kind.EVENT_DECLARED: KindSpec(
        _("%(event)s: a fast-track call of the %(fund)s is open"),
        _("CLAC declared the event “%(event)s” (%(event_type)s, since %(starts_on)s) in your country. The "
          "%(fund)s opened a fast-track call until %(closes_on)s; its decision is taken within "
          "%(decision_days)s days of submission.\n\nApply here: your application starts with the event's "
          "type and dates filled in.\n%(link)s\n\nThe calls open to your organisation are also listed on "
          "your home page in Fondos."),
        essential=True,
    ),
}

ESSENTIAL = frozenset(kind for kind, spec in SPECS.items() if spec.essential)
