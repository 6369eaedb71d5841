"""What the pages show from the letters and loans apps, read through their models and URLs.

Those apps are built alongside the pages; each function here returns nothing when the piece it reads
is not installed yet, so the file page works either way.
"""

from __future__ import annotations

from django.apps import apps
from django.urls import NoReverseMatch, reverse


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def letter_pdf_url(letter) -> str | None:
    for name in ("letter-pdf", "letters-pdf", "letter-detail-pdf"):
        try:
            return reverse(name, args=[letter.pk])
        except NoReverseMatch:
            continue
    return f"/api/v1/letters/{letter.pk}/pdf/"


def letters_for(application) -> list:
    Letter = _model("letters.Letter")  # noqa: N806
    if Letter is None:
        return []
    letters = list(Letter.objects.filter(application=application).order_by("sequence"))
    for letter in letters:
        letter.pdf_url = letter_pdf_url(letter) if letter.status == "rendered" else None
    return letters


def loan_for(application):
    Loan = _model("disbursements.Loan")  # noqa: N806
    if Loan is None:
        return None
    from django.utils import timezone

    from disbursements.selectors import with_loan_figures

    loan = with_loan_figures(Loan.objects.filter(application=application), on=timezone.localdate()).first()
    if loan is None:
        return None
    loan.schedule = list(loan.instalments.filter(is_current=True).order_by("n"))
    loan.payments = list(loan.repayments.order_by("paid_on", "id"))
    loan.documents = schedule_documents_for(loan)
    return loan


def schedule_documents_for(loan) -> list:
    """The loan's issued definitive schedules, newest first, each with its download address."""
    ScheduleDocument = _model("letters.ScheduleDocument")  # noqa: N806
    if ScheduleDocument is None:
        return []
    documents = list(ScheduleDocument.objects.filter(loan=loan, status="rendered")
                     .select_related("loan__application").order_by("-sequence"))
    for document in documents:
        document.pdf_url = reverse("loan-schedule-pdf", args=[loan.application_id, document.pk])
    return documents
