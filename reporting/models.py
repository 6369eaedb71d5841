from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .workflow import TRANSITIONS, ReportKind, ReportStatus

DECIMAL = {"max_digits": 18, "decimal_places": 4}


def _fsm(name):
    spec = TRANSITIONS[name]
    return transition(field="status", source=list(spec.sources), target=spec.target)


class ProjectReport(ConcurrentTransitionMixin, models.Model):
    """A report an award owes (or one the organisation sends of its own accord), from due to accepted.

    ``status`` changes only through the transition methods below, which only ``reporting.services``
    calls. ``counts_people`` marks the latest accepted report of its award that counts people reached:
    the outcomes read it instead of searching for the latest report each time.
    """

    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.PROTECT,
        related_name="project_reports",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    sequence = models.PositiveSmallIntegerField(_("number"), default=1)
    required = models.BooleanField(
        _("required"), default=True,
        help_text=_("Owed under the fund's rules; a report the organisation adds of its own accord is not."),
    )
    status = FSMField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DUE,
        protected=True, db_index=True,
    )
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    narrative = models.TextField(_("narrative"), blank=True)
    people_women = models.PositiveIntegerField(_("women reached"), null=True, blank=True)
    people_men = models.PositiveIntegerField(_("men reached"), null=True, blank=True)
    people_other = models.PositiveIntegerField(_("others reached"), null=True, blank=True)
    people_youth = models.PositiveIntegerField(_("young people (18–35) reached"), null=True, blank=True)
    people_adults = models.PositiveIntegerField(_("adults (over 35) reached"), null=True, blank=True)
    expenditures = models.JSONField(
        _("money spent"), default=list, blank=True,
        help_text=_("Per budget line: budget_line, amount (a decimal string) and currency."),
    )
    compensation_use = models.TextField(_("what the compensation paid for"), blank=True)
    producers_compensated = models.PositiveIntegerField(
        _("producers who received the compensation"), null=True, blank=True
    )
    comments = models.TextField(_("secretariat's comments"), blank=True)
    counts_people = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind", "sequence"], name="one_report_per_number"),
        ]
        indexes = [
            models.Index(fields=["application", "status"], name="report_app_status_idx"),
            models.Index(fields=["application"], condition=Q(counts_people=True), name="report_people_idx"),
        ]

    def __str__(self):
        return f"{self.application_id} · {self.get_kind_display()} {self.sequence}"

    @property
    def people_reached(self) -> dict:
        return {
            "women": self.people_women, "men": self.people_men, "other": self.people_other,
            "youth": self.people_youth, "adults": self.people_adults,
        }

    @property
    def is_overdue(self) -> bool:
        return (self.required and self.due_on is not None and self.status != ReportStatus.ACCEPTED
                and self.due_on < timezone.localdate())

    # django-fsm transitions: they only move the state; the services do the rest.
    @_fsm("start")
    def start(self):
        pass

    @_fsm("submit")
    def submit(self):
        pass

    @_fsm("accept")
    def accept(self):
        pass

    @_fsm("return")
    def send_back(self):
        pass


class ReportIndicator(models.Model):
    """One indicator in a report: its baseline (from the application, or given by the organisation for
    a new indicator) and the value measured now. ``is_latest`` marks, per award and indicator, the value
    of the latest accepted report, which the outcomes compare with the baseline."""

    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(default=0)
    indicator = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40)
    baseline = models.DecimalField(_("baseline"), null=True, blank=True, **DECIMAL)
    value = models.DecimalField(_("value now"), null=True, blank=True, **DECIMAL)
    from_baseline = models.BooleanField(_("from the application's baseline"), default=False)
    is_latest = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["report", "position", "id"]
        indexes = [
            models.Index(fields=["indicator", "unit"], condition=Q(is_latest=True),
                         name="indicator_latest_idx"),
        ]

    def __str__(self):
        return f"{self.indicator} ({self.unit})"


class AttachmentKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    CERTIFICATE = "certificate", _("Certificate")
    ENDLINE = "endline", _("Final baseline (endline) study")
    OTHER = "other", _("Other")


def attachment_path(attachment, filename):
    # The stored name is random: the person's file name is kept only as data, never as a path.
    return f"reports/{attachment.report_id}/{attachment.token}"


class ReportAttachment(models.Model):
    """A file attached to a report: a receipt for a budget line, the certificate, an endline study."""

    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    budget_line = models.CharField(_("budget line"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    token = models.CharField(max_length=64, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "kind", "id"]

    def __str__(self):
        return f"{self.kind}: {self.original_name}"


class ReportTransitionLog(models.Model):
    """Who moved a report from which state to which, when, and with which comments. Never edited."""

    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="transitions")
    transition = models.CharField(_("transition"), max_length=20)
    from_state = models.CharField(_("from"), max_length=20, choices=ReportStatus.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=ReportStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comments = models.TextField(_("comments"), blank=True)

    class Meta:
        verbose_name = _("report transition")
        verbose_name_plural = _("report transitions")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.report_id}: {self.from_state} → {self.to_state}"
