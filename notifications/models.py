from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.choices import Language

from .kinds import Kind


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NONE = "none", _("No e-mail")


class Notification(models.Model):
    """One notice to one person (or one organisation's contact address): the outbox row.

    It is written in the same transaction as the change that causes it and delivered afterwards by a
    Celery task; a periodic sweep delivers whatever is still pending (when the broker was down).
    ``dedupe_key`` names the event and the recipient, so the same event never notifies twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="notifications",
        help_text=_("Empty for an organisation's contact address that belongs to no user."),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    application = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    dedupe_key = models.CharField(max_length=200, unique=True, editable=False)
    in_app = models.BooleanField(_("shown in Fondos"), default=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    email_sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    email_error = models.TextField(_("last delivery error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"], condition=Q(in_app=True), name="notif_inbox_idx"
            ),
            models.Index(
                fields=["recipient"], condition=Q(in_app=True, read_at__isnull=True),
                name="notif_unread_idx",
            ),
            # The delivery sweep reads only what is waiting: its cost follows the backlog.
            models.Index(
                fields=["created_at"], condition=Q(email_status="pending"), name="notif_pending_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient or self.email}"


class NotificationPreference(models.Model):
    """A person's choice for one kind of notification; without a row, every channel is on.

    Essential kinds (decisions, requests for information, expiries, arrears) ignore these choices.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    email = models.BooleanField(_("by e-mail"), default=True)
    in_app = models.BooleanField(_("in Fondos"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.user} · {self.kind}"


class DeadlineKind(models.TextChoices):
    DECISION_WARNING = "decision_warning", _("Decision warning")
    DECISION_OVERDUE = "decision_overdue", _("Decision overdue")
    INFORMATION_EXPIRY = "information_expiry", _("Unanswered request for information")
    REVIEW_REMINDER = "review_reminder", _("Review reminder")
    FINAL_BASELINE_SOON = "final_baseline_soon", _("Final baseline due soon")
    FINAL_BASELINE_DUE = "final_baseline_due", _("Final baseline due")
    REPORT_SOON = "report_soon", _("Project report due soon")
    REPORT_OVERDUE = "report_overdue", _("Project report overdue")
    REPORT_ESCALATION = "report_escalation", _("Project report escalated")


class Deadline(models.Model):
    """A timer: something to check on an application on ``due_on``.

    Transitions set timers (a submission sets the decision clock, a request for information its
    expiry); the sweep reads only the timers that are due and not done, through a partial index, so
    its cost follows what is due, not how many applications exist. A timer is stamped ``done_at`` in
    the same transaction as its work, which makes the sweep safe to run twice.
    """

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DeadlineKind.choices)
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind", "due_on"], name="one_timer_per_day"),
        ]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(done_at__isnull=True), name="deadline_open_idx"),
        ]

    def __str__(self):
        return f"{self.application_id} · {self.kind} · {self.due_on}"
