"""Donors, their contributions to a fund's capital, and the trace of what each contribution paid for.

A contribution enters the fund's ledger as capital (``ledger_transaction``). Every commitment,
disbursement and loan repayment the ledger records is then attributed to contributions by the rule in
``donors.trace`` (restricted money first, then oldest first), one ``Allocation`` row per contribution it
touched, plus one row without a contribution for what the fund's general funds (capital that no recorded
donor gave) had to cover."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Donor(models.Model):
    name = models.CharField(_("name"), max_length=200)
    identifier = models.CharField(
        _("identifier"), max_length=100, unique=True,
        help_text=_("The donor's registered identifier, such as its IATI organisation identifier."),
    )
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class DonorUser(models.Model):
    """A person who reads one donor's report (their account holds the donor staff role)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
        related_name="donor_link",
    )
    donor = models.ForeignKey(Donor, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="users")

    class Meta:
        verbose_name = _("donor's reader")
        verbose_name_plural = _("donor's readers")

    def __str__(self):
        return f"{self.user} · {self.donor}"


class Contribution(models.Model):
    """Money a donor gave to one fund's capital, in the fund's currency once converted.

    A restricted contribution pays only for some applications (``donors.trace.restricted_match``): those
    of ``restricted_call`` (a call of the same fund), or those with ``restricted_purpose`` (the climate
    fund's ``purpose`` or the catastrophic fund's ``event_type`` code)."""

    donor = models.ForeignKey(
        Donor, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="contributions"
    )
    fund = models.ForeignKey(
        "funds.Fund", verbose_name=_("fund"), on_delete=models.PROTECT, related_name="contributions"
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    received_on = models.DateField(_("received on"), db_index=True)
    restricted_purpose = models.CharField(_("restricted to the purpose"), max_length=40, blank=True)
    restricted_call = models.ForeignKey(
        "calls.Call", verbose_name=_("restricted to the call"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="contributions",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    ledger_transaction = models.OneToOneField(
        "funds.LedgerTransaction", on_delete=models.PROTECT, related_name="contribution", null=True,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(name="contribution_positive", condition=models.Q(amount__gt=0)),
            models.CheckConstraint(
                name="contribution_restricted_once",
                condition=models.Q(restricted_call__isnull=True) | models.Q(restricted_purpose=""),
            ),
        ]

    def __str__(self):
        return f"{self.donor} · {self.amount} {self.currency} · {self.received_on}"

    @property
    def is_restricted(self) -> bool:
        return bool(self.restricted_purpose) or self.restricted_call_id is not None

    @property
    def restricted_to(self) -> str | None:
        """The purpose's code, or the call's title (in the current language), or None."""
        if self.restricted_call_id is not None:
            return str(self.restricted_call)
        return self.restricted_purpose or None


class AllocationKind(models.TextChoices):
    COMMITMENT = "commitment", _("Committed to an award")
    RELEASE = "release", _("Commitment released")
    DISBURSEMENT = "disbursement", _("Disbursed")
    REPAYMENT = "repayment", _("Principal repaid")


class Allocation(models.Model):
    """Part of one ledger transaction attributed to one contribution (or, without one, to the fund's
    general funds). A reversal in the ledger is mirrored here with the original rows' amounts negated."""

    ledger_transaction = models.ForeignKey(
        "funds.LedgerTransaction", on_delete=models.PROTECT, related_name="allocations"
    )
    contribution = models.ForeignKey(
        Contribution, on_delete=models.PROTECT, related_name="allocations", null=True, blank=True
    )
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="allocations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AllocationKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["application", "kind"], name="allocation_app_kind_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger_transaction", "contribution", "kind"], name="one_allocation_per_source",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} · {self.contribution_id or 'general'}"
