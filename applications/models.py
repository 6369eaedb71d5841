import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from core.money import Money
from funds.rules import RULES
from listing.text import normalise

from .permissions import may_run
from .workflow import TRANSITIONS, Status


def reference_for(fund_code: str | None, created_at, pk: int | None) -> str:
    """An application's reference, e.g. ``JOV-2026-00042``: the fund's prefix (its rules'
    ``reference_prefix``), the year it was started, its id."""
    return reference_in_year(fund_code, created_at.year if created_at else "", pk)


def reference_in_year(fund_code: str | None, year: int | str, pk: int | None) -> str:
    """``reference_for`` from the year ``created_at`` reads (in UTC), for rows read without it."""
    rules = RULES.get(fund_code) if fund_code else None
    prefix = rules.reference_prefix if rules is not None else "APP"
    return f"{prefix}-{year}-{pk or 0:05d}"


def _fsm(name):
    """The django-fsm transition declared for ``name`` in the workflow table."""
    spec = TRANSITIONS[name]
    target = spec.target
    if target is None:
        target = RETURN_VALUE(Status.SCREENING, Status.COMMITTEE_REVIEW)
    return transition(
        field="status",
        source=list(spec.sources),
        target=target,
        permission=lambda instance, user: may_run(user, instance, name),
    )


class Application(ConcurrentTransitionMixin, models.Model):
    """An OPP's application to one fund, from draft to closed.

    ``status`` is protected: it changes only through the transition methods below, which only the
    service functions in ``applications.services`` call.
    """

    fund = models.ForeignKey(
        "funds.Fund", verbose_name=_("fund"), on_delete=models.PROTECT, related_name="applications"
    )
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT,
        related_name="applications",
    )
    call = models.ForeignKey(
        "calls.Call", verbose_name=_("call"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="applications",
        help_text=_("Empty for applications made before the fund had calls."),
    )
    status = FSMField(
        _("status"), max_length=30, choices=Status.choices, default=Status.DRAFT, protected=True,
        db_index=True,
    )
    data = models.JSONField(_("fund fields"), default=dict, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    requested_amount = models.DecimalField(
        _("requested amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    assessment = models.JSONField(
        _("assessment at submission"), null=True, blank=True,
        help_text=_("Eligibility and amounts as computed with the parameters in force on the "
                    "submission date."),
    )
    parameters = models.ForeignKey(
        "funds.FundParameters", verbose_name=_("parameters applied"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decision_warning_on = models.DateField(_("decision warning"), null=True, blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True, db_index=True)
    sent_to_committee_at = models.DateTimeField(_("sent to committee"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    approved_amount = models.DecimalField(
        _("approved amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    decision_terms = models.JSONField(
        _("decision terms"), default=dict, blank=True,
        help_text=_("What the decision fixed besides the amount, e.g. a loan's rate and term."),
    )
    search_text = models.TextField(
        _("search text"), blank=True, default="", editable=False,
        help_text=_("Reference, organisation, country and applicant without accents or capitals."),
    )
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["fund", "status", "-created_at"], name="app_fund_status_idx"),
            models.Index(fields=["organization", "-created_at"], name="app_org_idx"),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        # The search text is derived from what an application never changes after its creation (its
        # reference, organisation and applicant); the reference needs the id, so it is written just
        # after the first insert. Organisations pass on a rename (``Organization.save``).
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            self.search_text = application_search_text(
                self.reference, self.organization.search_text,
                f"{self.created_by.first_name} {self.created_by.last_name}" if self.created_by_id else "",
            )
            type(self).objects.filter(pk=self.pk).update(search_text=self.search_text)

    @property
    def reference(self) -> str:
        return reference_for(self.fund.code if self.fund_id else None, self.created_at, self.pk)

    @property
    def requested(self) -> Money | None:
        if self.requested_amount is None:
            return None
        return Money(self.requested_amount, self.currency)

    @property
    def approved(self) -> Money | None:
        if self.approved_amount is None:
            return None
        return Money(self.approved_amount, self.currency)

    # django-fsm transitions: they only move the state; the services do the rest.
    @_fsm("submit")
    def submit(self):
        pass

    @_fsm("withdraw")
    def withdraw(self):
        pass

    @_fsm("start_screening")
    def start_screening(self):
        pass

    @_fsm("request_information")
    def request_information(self):
        pass

    @_fsm("answer_information_request")
    def answer_information_request(self, *, returns_to: str):
        return returns_to

    @_fsm("expire")
    def expire(self):
        pass

    @_fsm("send_to_committee")
    def send_to_committee(self):
        pass

    @_fsm("approve")
    def approve(self):
        pass

    @_fsm("reject")
    def reject(self):
        pass

    @_fsm("accept_conditions")
    def accept_conditions(self):
        pass

    @_fsm("start_execution")
    def start_execution(self):
        pass

    @_fsm("start_reporting")
    def start_reporting(self):
        pass

    @_fsm("close")
    def close(self):
        pass

    @_fsm("reopen")
    def reopen(self):
        pass


def application_search_text(reference: str, organization_search_text: str, person: str) -> str:
    """What a search reads: the reference, the organisation's search text, the applicant's name."""
    parts = [normalise(reference), organization_search_text, normalise(person)]
    return " | ".join(part for part in parts if part)


def application_search_text_refresh(*, organization_id: int | None = None, batch: int = 2000) -> int:
    """Recompute the search text of the applications of one organisation (or of all); returns how many."""
    queryset = Application.objects.select_related("fund", "organization", "created_by").order_by("pk")
    if organization_id is not None:
        queryset = queryset.filter(organization_id=organization_id)
    changed, done, last = [], 0, 0
    while True:
        rows = list(queryset.filter(pk__gt=last)[:batch])
        if not rows:
            break
        for application in rows:
            text = application_search_text(
                application.reference, application.organization.search_text,
                f"{application.created_by.first_name} {application.created_by.last_name}",
            )
            if text != application.search_text:
                application.search_text = text
                changed.append(application)
        Application.objects.bulk_update(changed, ["search_text"])
        done += len(changed)
        changed, last = [], rows[-1].pk
    return done


class TransitionLog(models.Model):
    """Who moved an application from which state to which, when, and why. Never edited."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions"
    )
    transition = models.CharField(_("transition"), max_length=40)
    from_state = models.CharField(_("from"), max_length=30, choices=Status.choices)
    to_state = models.CharField(_("to"), max_length=30, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+", help_text=_("Empty when Fondos itself acted (a deadline)."),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.application_id}: {self.from_state} → {self.to_state}"


class InformationRequest(models.Model):
    """A request from the secretariat that the OPP must answer by ``respond_by``."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests"
    )
    message = models.TextField(_("what is needed"))
    respond_by = models.DateField(_("answer by"), db_index=True)
    returns_to = models.CharField(max_length=30, choices=Status.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(answered_at__isnull=True, expired_at__isnull=True),
                name="one_open_request_per_application",
            )
        ]

    def __str__(self):
        return f"{self.application} · {self.respond_by}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None and self.expired_at is None


def document_path(document, filename):
    # The stored name is random: the person's file name is kept only as data, never as a path.
    return f"documents/{document.application_id}/{document.token}"


class Document(models.Model):
    """A file attached to an application; a kind may hold several. Until submission the organisation may
    remove one (``document_remove``); after it, files are only added. ``replaced_by`` links the versions
    that earlier uploads replaced, which are kept."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=40)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    token = models.CharField(max_length=64, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    replaced_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces",
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "-uploaded_at"]
        indexes = [models.Index(fields=["application", "kind"], name="doc_app_kind_idx")]

    def __str__(self):
        return f"{self.kind}: {self.original_name}"

    @property
    def is_current(self) -> bool:
        return self.replaced_by_id is None

    @staticmethod
    def digest(chunks) -> str:
        digest = hashlib.sha256()
        for chunk in chunks:
            digest.update(chunk)
        return digest.hexdigest()


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    ABSTAIN = "abstain", _("Abstain")


class Review(models.Model):
    """A committee member's review of an application, or their declaration of a conflict."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    conflict_of_interest = models.BooleanField(_("conflict of interest"), default=False)
    score = models.PositiveSmallIntegerField(_("overall score"), null=True, blank=True)
    criteria = models.JSONField(_("scores by criterion"), default=dict, blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("reviewed"), auto_now_add=True)
    superseded_at = models.DateTimeField(
        _("superseded"), null=True, blank=True,
        help_text=_("When the organisation changed its answers after this review: the review no longer "
                    "counts toward the quorum and the member may review again."),
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_current_review_each",
                                    condition=Q(superseded_at__isnull=True)),
            models.CheckConstraint(
                name="score_from_1_to_5",
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
            ),
            models.CheckConstraint(
                name="review_or_conflict",
                condition=Q(conflict_of_interest=True)
                | (Q(score__isnull=False) & ~Q(recommendation="")),
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.reviewer}"


class ApplicationChange(models.Model):
    """What the organisation changed in its answers after submitting (while information was requested):
    each field's old and new value, and the assessment before and after. Never edited."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    fields = models.JSONField(_("changed fields"), help_text=_('{"field": {"old": ..., "new": ...}}'))
    assessment_before = models.JSONField(_("assessment before"), null=True, blank=True)
    assessment_after = models.JSONField(_("assessment after"), null=True, blank=True)

    class Meta:
        verbose_name = _("change to an application")
        verbose_name_plural = _("changes to applications")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.application_id}: {', '.join(self.fields)}"
