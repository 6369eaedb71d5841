"""Money out of the funds (disbursements) and back into the youth fund (loans and repayments).

States change only through ``disbursements.services``; every amount that moves is also a ledger
transaction in ``funds``, which is where balances come from.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from core.money import Money

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class DisbursementStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved by finance")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Payee(models.TextChoices):
    ORGANIZATION = "organization", _("The organisation")
    CERTIFIER = "certifier", _("The certification body")


class Remainder(models.TextChoices):
    RELEASED = "released", _("Released to the fund")
    NEW_TRANCHE = "new_tranche", _("Kept for a new tranche")


class Disbursement(ConcurrentTransitionMixin, models.Model):
    """One tranche of an award, paid out of the fund to the organisation or to its certifier."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    fund = models.ForeignKey("funds.Fund", verbose_name=_("fund"), on_delete=models.PROTECT, related_name="+")
    tranche = models.PositiveSmallIntegerField(_("tranche"), default=1)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=DisbursementStatus.choices,
        default=DisbursementStatus.PENDING,
        protected=True,
        db_index=True,
    )
    payee_kind = models.CharField(_("payee"), max_length=20, choices=Payee.choices)
    payee_name = models.CharField(_("payee name"), max_length=255)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(_("amount paid (fund currency)"), null=True, blank=True, **AMOUNT)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    payment_currency = models.CharField(_("currency paid in"), max_length=3, blank=True)
    payment_amount = models.DecimalField(
        _("amount in the currency paid in"), null=True, blank=True, max_digits=18, decimal_places=4
    )
    exchange_rate = models.DecimalField(
        _("exchange rate"),
        null=True,
        blank=True,
        max_digits=18,
        decimal_places=8,
        help_text=_("Units of the currency paid in for one unit of the fund's currency."),
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason (failure or cancellation)"), blank=True)
    remainder = models.CharField(
        _("remainder of a short payment"), max_length=20, choices=Remainder.choices, blank=True, default="",
        db_default="",
        help_text=_("What became of the part of the tranche that was not paid."),
    )
    ledger_transaction = models.ForeignKey(
        "funds.LedgerTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who approved, paid, failed or cancelled the tranche, and when.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["application_id", "tranche", "id"]

    def __str__(self):
        return f"{self.application_id}/{self.tranche} {self.amount} {self.currency}"

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    @transition(field=status, source=DisbursementStatus.PENDING, target=DisbursementStatus.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=DisbursementStatus.APPROVED, target=DisbursementStatus.PAID)
    def pay(self):
        pass

    @transition(
        field=status,
        source=[DisbursementStatus.PENDING, DisbursementStatus.APPROVED],
        target=DisbursementStatus.FAILED,
    )
    def fail(self):
        pass

    @transition(
        field=status,
        source=[DisbursementStatus.PENDING, DisbursementStatus.APPROVED, DisbursementStatus.FAILED],
        target=DisbursementStatus.CANCELLED,
    )
    def cancel(self):
        pass


class LoanStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting disbursement")
    ACTIVE = "active", _("Active")
    IN_ARREARS = "in_arrears", _("In arrears")
    REPAID = "repaid", _("Repaid")
    WRITTEN_OFF = "written_off", _("Written off")


LIVE_LOAN_STATES = (LoanStatus.ACTIVE, LoanStatus.IN_ARREARS)


class Loan(ConcurrentTransitionMixin, models.Model):
    """A youth-fund loan: its terms, its current schedule (``Instalment``) and what has been repaid."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="loan",
    )
    fund = models.ForeignKey("funds.Fund", verbose_name=_("fund"), on_delete=models.PROTECT, related_name="+")
    status = FSMField(
        _("status"),
        max_length=20,
        choices=LoanStatus.choices,
        default=LoanStatus.PENDING,
        protected=True,
        db_index=True,
    )
    principal = models.DecimalField(_("principal"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    annual_interest_rate = models.DecimalField(_("annual interest rate (%)"), max_digits=6, decimal_places=3)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    grace_months = models.PositiveSmallIntegerField(_("grace on principal (months)"), default=0)
    repayment_frequency = models.CharField(_("repayment frequency"), max_length=20)
    schedule_method = models.CharField(_("schedule method"), max_length=20, default="declining_balance")
    harvest_dates = models.JSONField(_("harvest dates"), default=list, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    disbursed_amount = models.DecimalField(_("disbursed"), default=0, **AMOUNT)
    schedule_version = models.PositiveSmallIntegerField(_("schedule version"), default=1)
    schedule_starts_on = models.DateField(_("current schedule starts on"), null=True, blank=True)
    is_rescheduled = models.BooleanField(_("rescheduled"), default=False, db_index=True)
    rescheduled_at = models.DateTimeField(_("rescheduled"), null=True, blank=True)
    reschedule_reason = models.TextField(_("reason for rescheduling"), blank=True)
    schedule_notes = models.JSONField(
        _("schedule adjustments"), default=list, blank=True,
        help_text=_("What the schedule engine adjusted when money was paid (harvests already past, a "
                    "shortened grace), with the schedule version it applies to."),
    )
    write_off_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("write-off proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    write_off_proposed_at = models.DateTimeField(_("write-off proposed"), null=True, blank=True)
    write_off_reason = models.TextField(_("reason for the write-off"), blank=True)
    written_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("write-off approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    written_off_on = models.DateField(_("written off on"), null=True, blank=True)
    written_off_amount = models.DecimalField(_("amount written off"), default=0, **AMOUNT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-id"]
        indexes = [models.Index(fields=["fund", "status"], name="loan_fund_status_idx")]

    def __str__(self):
        return f"{self.application_id}: {self.principal} {self.currency}"

    @transition(field=status, source=[LoanStatus.PENDING, LoanStatus.REPAID], target=LoanStatus.ACTIVE)
    def activate(self):
        pass

    @transition(field=status, source=LoanStatus.ACTIVE, target=LoanStatus.IN_ARREARS)
    def fall_into_arrears(self):
        pass

    @transition(field=status, source=LoanStatus.IN_ARREARS, target=LoanStatus.ACTIVE)
    def catch_up(self):
        pass

    @transition(field=status, source=LIVE_LOAN_STATES, target=LoanStatus.REPAID)
    def repay(self):
        pass

    @transition(field=status, source=LIVE_LOAN_STATES, target=LoanStatus.WRITTEN_OFF)
    def write_off(self):
        pass


class Instalment(models.Model):
    """One instalment of a loan's schedule. ``*_paid`` follow from the repayments' allocation; a
    reschedule keeps the old rows (``is_current`` false) and adds a new schedule version."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="instalments")
    version = models.PositiveSmallIntegerField(_("schedule version"), default=1)
    is_current = models.BooleanField(_("current schedule"), default=True)
    n = models.PositiveSmallIntegerField(_("number"))
    due_date = models.DateField(_("due date"))
    principal = models.DecimalField(_("principal"), **AMOUNT)
    interest = models.DecimalField(_("interest"), **AMOUNT)
    carried_interest = models.DecimalField(
        _("interest carried over"), default=0, db_default=0, **AMOUNT,
        help_text=_("Part of the interest carried from the schedule this one replaced (negative: "
                    "interest the group had prepaid)."),
    )
    fees = models.DecimalField(_("fees"), default=0, **AMOUNT)
    principal_paid = models.DecimalField(_("principal paid"), default=0, **AMOUNT)
    interest_paid = models.DecimalField(_("interest paid"), default=0, **AMOUNT)
    fees_paid = models.DecimalField(_("fees paid"), default=0, **AMOUNT)
    paid_on = models.DateField(_("paid in full on"), null=True, blank=True)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["loan_id", "version", "n"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "version", "n"], name="one_instalment_per_number"),
        ]
        indexes = [
            # The daily sweeps look for unpaid instalments by due date across the whole loan book.
            models.Index(
                fields=["due_date"], condition=Q(is_current=True, paid_on__isnull=True),
                name="instalment_unpaid_due_idx",
            ),
            models.Index(
                fields=["loan", "due_date"], condition=Q(is_current=True), name="instalment_current_idx"
            ),
        ]

    def __str__(self):
        return f"{self.loan_id} #{self.n} {self.due_date}"

    @property
    def total(self):
        return self.principal + self.interest + self.fees

    @property
    def paid(self):
        return self.principal_paid + self.interest_paid + self.fees_paid

    @property
    def unpaid(self):
        return self.total - self.paid

    def status_on(self, day) -> str:
        """``paid``, ``partly_paid``, ``overdue`` or ``due`` on ``day``."""
        if self.paid_on is not None or self.unpaid <= 0:
            return "paid"
        if self.due_date < day:
            return "overdue"
        return "partly_paid" if self.paid > 0 else "due"


class Repayment(models.Model):
    """Money an OPP paid back on a loan. Never edited but for its allocation, which is redone (with
    reversing ledger entries) whenever an earlier repayment is reversed or one is back-dated."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    amount = models.DecimalField(_("amount"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    schedule_version = models.PositiveSmallIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    fees = models.DecimalField(_("to fees"), default=0, **AMOUNT)
    interest = models.DecimalField(_("to interest"), default=0, **AMOUNT)
    principal = models.DecimalField(_("to principal"), default=0, **AMOUNT)
    credit = models.DecimalField(_("overpayment to refund"), default=0, **AMOUNT)
    ledger_transaction = models.ForeignKey(
        "funds.LedgerTransaction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reversed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reversal_reason = models.TextField(_("reason for the reversal"), blank=True)

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["loan_id", "paid_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "idempotency_key"], name="one_repayment_per_key"),
        ]
        indexes = [models.Index(fields=["paid_on"], name="repayment_paid_on_idx")]

    def __str__(self):
        return f"{self.loan_id}: {self.amount} {self.currency} {self.paid_on}"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


class _MoneyOnALoan(models.Model):
    """Money received on, or paid back on, a loan outside its repayments, with its ledger transaction."""

    amount = models.DecimalField(_("amount"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    ledger_transaction = models.ForeignKey(
        "funds.LedgerTransaction", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.loan_id}: {self.amount} {self.currency}"


class Recovery(_MoneyOnALoan):
    """Money recovered on a loan after it was written off."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="recoveries")
    received_on = models.DateField(_("received on"))

    class Meta:
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        ordering = ["loan_id", "received_on", "id"]


class Refund(_MoneyOnALoan):
    """An overpayment paid back to the group: it reduces the credit that overpayments left on the loan."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="refunds")
    paid_on = models.DateField(_("paid on"))

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["loan_id", "paid_on", "id"]
