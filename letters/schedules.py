"""A loan's definitive repayment schedule (PDF), issued when its money is paid.

The decision letter shows the schedule as if the money were paid on the decision's day and promises
the definitive one once it is paid. ``schedule_document_for_payment`` creates that document, pending,
inside the payment's transaction; a task renders it once after the commit, from the schedule version
the payment made (kept unchanged by later reschedules), and stores it with its SHA-256. A rendered
document is never rendered again: a later schedule (another tranche, or a reschedule:
``schedule_document_on_reschedule``) is a new document that replaces it; the old one stays, superseded.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation

from funds.lending import RepaymentFrequency, ScheduleMethod

from .models import LetterStatus, ScheduleDocument
from .queue import after_commit, schedule_document_render_wanted
from .rendering import Formatter, html_to_pdf

logger = logging.getLogger(__name__)
TEMPLATE = "letters/loan_schedule.html"


def schedule_document_on_payment(*, disbursement, application, loan=None) -> None:
    """The ``disbursements.events`` handler: a loan's payment makes its schedule definitive."""
    if loan is not None:
        schedule_document_for_payment(disbursement=disbursement, loan=loan)


def schedule_document_for_payment(*, disbursement, loan) -> ScheduleDocument:
    """The pending document of the schedule ``disbursement`` made definitive (the loan is locked by
    the payment). Called twice for one payment, it returns the document it made the first time."""
    existing = ScheduleDocument.objects.filter(disbursement=disbursement).first()
    if existing is not None:
        return existing
    previous = loan.schedule_documents.order_by("-sequence").first()
    last = loan.schedule_documents.aggregate(last=Max("sequence"))["last"] or 0
    document = ScheduleDocument.objects.create(
        loan=loan, disbursement=disbursement, schedule_version=loan.schedule_version, sequence=last + 1,
        language=loan.application.organization.preferred_language, supersedes=previous,
    )
    _queue_render(document.pk)
    return document


def schedule_document_on_reschedule(*, loan, application, reason: str) -> ScheduleDocument:
    """The ``disbursements.events`` reschedule handler: the new schedule version is a new definitive
    document, pending, replacing the latest one (which stays, superseded). Called twice for one
    reschedule, it returns the document it made the first time."""
    existing = ScheduleDocument.objects.filter(
        loan=loan, schedule_version=loan.schedule_version, disbursement__isnull=True
    ).first()
    if existing is not None:
        return existing
    previous = loan.schedule_documents.order_by("-sequence").first()
    last = previous.sequence if previous is not None else 0
    document = ScheduleDocument.objects.create(
        loan=loan, disbursement=None, schedule_version=loan.schedule_version, sequence=last + 1,
        language=application.organization.preferred_language, supersedes=previous,
        reschedule_reason=reason[:4000],
    )
    _queue_render(document.pk)
    return document


def _queue_render(document_id: int) -> None:
    after_commit(schedule_document_render_wanted, ScheduleDocument, document_id)


def _for_rendering(document_id: int) -> ScheduleDocument:
    return ScheduleDocument.objects.select_related(
        "loan__application__organization", "loan__application__fund", "disbursement",
        "supersedes__loan__application",
    ).get(pk=document_id)


def schedule_document_render(*, document_id: int) -> ScheduleDocument:
    """Render and store a pending document; any other is left as it is (two workers: one file)."""
    document = _for_rendering(document_id)
    if document.status != LetterStatus.PENDING:
        return document
    pdf = schedule_pdf(document)
    with transaction.atomic():
        locked = ScheduleDocument.objects.select_for_update().get(pk=document_id)
        if locked.status != LetterStatus.PENDING:
            return locked
        document.file.save(f"{document.reference}.pdf", ContentFile(pdf), save=False)
        document.sha256 = hashlib.sha256(pdf).hexdigest()
        document.size = len(pdf)
        document.status = LetterStatus.RENDERED
        document.attempts = locked.attempts + 1
        document.error = ""
        document.rendered_at = timezone.now()
        document.save(update_fields=["file", "sha256", "size", "status", "attempts", "error", "rendered_at"])
    return document


def schedule_document_record_failure(*, document_id: int, error: str, final: bool) -> ScheduleDocument:
    with transaction.atomic():
        document = ScheduleDocument.objects.select_for_update().get(pk=document_id)
        if document.status != LetterStatus.PENDING:
            return document
        document.attempts += 1
        document.error = error[:4000]
        if final:
            document.status = LetterStatus.FAILED
        document.save(update_fields=["attempts", "error", "status"])
    return document


def schedule_context(document: ScheduleDocument) -> dict:
    loan = document.loan
    application = loan.application
    payment = document.disbursement
    if payment is None:  # a reschedule: the payment is the loan's last one
        payment = loan.application.disbursements.filter(paid_on__isnull=False).order_by("-tranche").first()
    fmt = Formatter(document.language, loan.currency)
    rows = list(loan.instalments.filter(version=document.schedule_version).order_by("n"))
    principal = sum((row.principal for row in rows), 0)
    interest = sum((row.interest for row in rows), 0)
    balance = principal
    table = []
    for row in rows:
        balance -= row.principal
        table.append({
            "n": row.n, "due": fmt.date(row.due_date, "medium"), "principal": fmt.money(row.principal),
            "interest": fmt.money(row.interest), "total": fmt.money(row.principal + row.interest + row.fees),
            "balance": fmt.money(balance),
        })
    replaces = None
    if document.supersedes_id:
        replaces = {"reference": document.supersedes.reference,
                    "issued_on": fmt.date(timezone.localdate(document.supersedes.created_at))}
    return {
        "language": document.language,
        "reference": document.reference,
        "application_reference": application.reference,
        "issued_on": fmt.date(timezone.localdate(document.created_at)),
        "organization": application.organization,
        "country": application.organization.get_country_display(),
        "fund_name": application.fund.name,
        "paid_on": fmt.date(payment.paid_on),
        "paid_amount": fmt.money(payment.paid_amount),
        "payment_reference": payment.payment_reference,
        "tranche": payment.tranche,
        "principal": fmt.money(principal),
        "rate": fmt.percent(loan.annual_interest_rate),
        "frequency": RepaymentFrequency(loan.repayment_frequency).in_a_sentence,
        "method": ScheduleMethod(loan.schedule_method).in_a_sentence,
        "rows": table,
        "total_principal": fmt.money(principal),
        "total_interest": fmt.money(interest),
        "total": fmt.money(sum((row.principal + row.interest + row.fees for row in rows), 0)),
        "replaces": replaces,
        "rescheduled": document.disbursement_id is None,
        "starts_on": fmt.date(loan.schedule_starts_on)
        if document.schedule_version == loan.schedule_version and loan.schedule_starts_on else "",
        "reschedule_reason": document.reschedule_reason,
    }


def schedule_pdf(document: ScheduleDocument) -> bytes:
    with translation.override(document.language):
        return html_to_pdf(render_to_string(TEMPLATE, schedule_context(document)))
