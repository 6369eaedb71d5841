from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.choices import Language


class LetterStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    RENDERED = "rendered", _("Issued")
    FAILED = "failed", _("Failed")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


def letter_path(letter, filename):
    # Under MEDIA_ROOT, which is never served: letters go out only through the permission-checked API.
    return f"letters/{letter.application_id}/{letter.reference}.pdf"


class Letter(models.Model):
    """A decision letter: rendered once to a PDF that never changes; a correction is a new letter.

    ``status`` and the file are written only by ``letters.services``; a rendered letter is never
    rendered again.
    """

    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.PROTECT,
        related_name="letters",
    )
    decision_log = models.ForeignKey(
        "applications.TransitionLog", verbose_name=_("decision"), on_delete=models.PROTECT,
        related_name="letters", help_text=_("The recorded transition that this letter announces."),
    )
    sequence = models.PositiveSmallIntegerField(_("number"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("rendering attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    file = models.FileField(_("PDF"), upload_to=letter_path, max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", verbose_name=_("replaces"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="superseded_by",
    )
    reissue_reason = models.TextField(_("reason for the new letter"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
        help_text=_("Empty for the letter Fondos writes when the decision is recorded."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("issued"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    emailed_to = models.JSONField(_("e-mailed to"), default=list, blank=True)

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")
        ordering = ["application_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["application", "sequence"], name="letter_number_unique"),
            # One first letter per decision, however many times the transition handler runs.
            models.UniqueConstraint(
                fields=["application", "decision_log"], condition=Q(supersedes__isnull=True),
                name="one_first_letter_per_decision",
            ),
            models.CheckConstraint(
                name="issued_letter_has_digest",
                condition=~Q(status="rendered") | (~Q(sha256="") & ~Q(file="")),
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.application.reference}-L{self.sequence}"

    @property
    def is_issued(self) -> bool:
        return self.status == LetterStatus.RENDERED


def schedule_document_path(document, filename):
    # Under MEDIA_ROOT, never served directly: only through the permission-checked download.
    return f"schedules/{document.loan_id}/{document.reference}.pdf"


class ScheduleDocument(models.Model):
    """A loan's definitive repayment schedule, issued when the money is paid, as the decision letter
    promises: rendered once to a PDF kept with its SHA-256, never rendered again. A later schedule
    (another tranche paid, a reschedule) is a new document that replaces the one before, which stays,
    marked superseded."""

    loan = models.ForeignKey(
        "disbursements.Loan", verbose_name=_("loan"), on_delete=models.PROTECT,
        related_name="schedule_documents",
    )
    disbursement = models.ForeignKey(
        "disbursements.Disbursement", verbose_name=_("payment"), on_delete=models.PROTECT,
        related_name="schedule_documents", null=True, blank=True,
        help_text=_("The payment that made this schedule definitive (none for a reschedule)."),
    )
    reschedule_reason = models.TextField(
        _("reason for rescheduling"), blank=True,
        help_text=_("For a schedule issued by a reschedule: the reason finance gave."),
    )
    schedule_version = models.PositiveSmallIntegerField(_("schedule version"))
    sequence = models.PositiveSmallIntegerField(_("number"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("rendering attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    file = models.FileField(_("PDF"), upload_to=schedule_document_path, max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", verbose_name=_("replaces"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="superseded_by",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("issued"), null=True, blank=True)

    class Meta:
        verbose_name = _("definitive loan schedule")
        verbose_name_plural = _("definitive loan schedules")
        ordering = ["loan_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "sequence"], name="schedule_document_number_unique"),
            # One document per payment, however many times the payment's handler runs.
            models.UniqueConstraint(fields=["disbursement"], name="one_schedule_document_per_payment"),
            # One document per reschedule (each gives the loan a new schedule version).
            models.UniqueConstraint(
                fields=["loan", "schedule_version"], condition=Q(disbursement__isnull=True),
                name="one_schedule_document_per_reschedule",
            ),
            models.CheckConstraint(
                name="issued_schedule_has_digest",
                condition=~Q(status="rendered") | (~Q(sha256="") & ~Q(file="")),
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.loan.application.reference}-S{self.sequence}"

    @property
    def is_issued(self) -> bool:
        return self.status == LetterStatus.RENDERED
