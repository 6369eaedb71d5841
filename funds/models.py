import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .rules import fund_choices, rules_for
from .rules.base import GRANT, LOAN

# The funds Fondos ships, as they stand in the registry when Fondos starts (the API schema's enum of
# fund codes). Lists, filters and forms read ``funds.rules.fund_choices()``, which also knows a fund
# registered later.
FundCode = models.TextChoices(
    "FundCode", [(code.upper().replace("-", "_"), (code, name)) for code, name in fund_choices()]
)


class FundKind(models.TextChoices):
    GRANT = GRANT, _("Grant")
    LOAN = LOAN, _("Loan")


class Fund(models.Model):
    """One of CLAC's funds. Its money lives in the ledger; its rules in ``funds.rules.<code>``, which
    the code names (any registered fund)."""

    code = models.CharField(_("code"), max_length=40, choices=fund_choices, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=FundKind.choices)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    is_open = models.BooleanField(_("accepting applications"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["id"]

    def __str__(self):
        return str(self.name)

    @property
    def name(self):
        return self.rules.name

    @property
    def rules(self):
        return rules_for(self.code)

    @property
    def lends(self) -> bool:
        """Whether the fund lends (its rules say so)."""
        return self.rules.lends

    def parameters_on(self, day: datetime.date):
        """The typed parameters in force on ``day``: the latest version valid from that day or before
        (the fund's defaults if none is recorded yet)."""
        version = (
            self.parameter_versions.filter(valid_from__lte=day)
            .order_by("-valid_from")
            .values_list("values", flat=True)
            .first()
        )
        return self.rules.parse_parameters(version or {})


class FundParameters(models.Model):
    """A version of a fund's parameters, in force from ``valid_from`` until the next version.

    Values are JSON with decimals as strings; the fund's rules module types and validates them, so an
    application is always judged by the version in force on its submission date.
    """

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), related_name="parameter_versions", on_delete=models.PROTECT
    )
    valid_from = models.DateField(_("valid from"))
    values = models.JSONField(_("values"))
    note = models.CharField(_("why it changed"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fund parameters")
        verbose_name_plural = _("fund parameters")
        ordering = ["fund", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "valid_from"], name="one_version_per_day")
        ]

    def __str__(self):
        return f"{self.fund} · {self.valid_from:%Y-%m-%d}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.fund_id:
            try:
                self.fund.rules.parse_parameters(self.values)
            except (ValueError, KeyError, TypeError) as exc:
                raise ValidationError({"values": str(exc)}) from exc


class Account(models.TextChoices):
    """The fund's accounts. Each fund keeps its own books; entries never mix funds."""

    CASH = "cash", _("Cash held by the fund")
    CAPITAL = "capital", _("Capital contributed")
    COMMITTED = "committed", _("Commitments (approved, not yet paid)")
    COMMITMENTS_CONTRA = "commitments_contra", _("Commitments contra account")
    LOANS_RECEIVABLE = "loans_receivable", _("Loans outstanding")
    GRANTS_PAID = "grants_paid", _("Grants paid")
    INTEREST_INCOME = "interest_income", _("Interest received")
    WRITE_OFFS = "write_offs", _("Loans written off")
    RECOVERIES = "recoveries", _("Recoveries of written-off loans")
    REPAYMENT_CREDITS = "repayment_credits", _("Overpayments to refund")


class TransactionKind(models.TextChoices):
    CAPITAL = "capital", _("Capital added")
    COMMITMENT = "commitment", _("Commitment")
    COMMITMENT_RELEASE = "commitment_release", _("Commitment released")
    DISBURSEMENT = "disbursement", _("Disbursement")
    REPAYMENT = "repayment", _("Loan repayment")
    REFUND = "refund", _("Refund of an overpayment")
    WRITE_OFF = "write_off", _("Write-off")
    RECOVERY = "recovery", _("Recovery")
    REVERSAL = "reversal", _("Reversal")


class LedgerTransaction(models.Model):
    """One money movement: a set of entries whose debits equal their credits. Never changed:
    a correction is a new transaction that ``reverses`` this one."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="ledger_transactions")
    kind = models.CharField(_("kind"), max_length=20, choices=TransactionKind.choices)
    currency = models.CharField(_("currency"), max_length=3)
    booked_on = models.DateField(_("value date"), db_index=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    memo = models.CharField(_("memo"), max_length=255, blank=True)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, null=True, blank=True,
        related_name="ledger_transactions",
    )
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["id"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="ledger_source_idx")]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.fund}"


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(
        LedgerTransaction, on_delete=models.PROTECT, related_name="entries"
    )
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    account = models.CharField(_("account"), max_length=30, choices=Account.choices)
    debit = models.DecimalField(_("debit"), max_digits=16, decimal_places=2, default=0)
    credit = models.DecimalField(_("credit"), max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["transaction_id", "id"]
        indexes = [models.Index(fields=["fund", "account"], name="ledger_fund_account_idx")]
        constraints = [
            models.CheckConstraint(
                name="one_sided_non_negative_entry",
                condition=(
                    models.Q(debit__gte=0, credit=0) | models.Q(debit=0, credit__gte=0)
                ),
            )
        ]

    def __str__(self):
        return f"{self.account} D{self.debit} C{self.credit}"


class AccountTotal(models.Model):
    """Running totals of one account of one fund, kept by ``ledger_post`` in the same transaction as
    the entries, so that reading a fund's balances costs a few rows, not its whole history.

    The entries remain the truth: ``funds.ledger.ledger_totals_rebuild`` recomputes these from them and
    ``ledger_totals_verify`` reports any difference."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    account = models.CharField(_("account"), max_length=30, choices=Account.choices)
    debits = models.DecimalField(_("debits"), max_digits=18, decimal_places=2, default=0)
    credits = models.DecimalField(_("credits"), max_digits=18, decimal_places=2, default=0)
    disbursed = models.DecimalField(
        _("credited by disbursements"), max_digits=18, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("account total")
        verbose_name_plural = _("account totals")
        constraints = [
            models.UniqueConstraint(fields=["fund", "account"], name="one_total_per_fund_account")
        ]

    def __str__(self):
        return f"{self.fund} {self.account}: D{self.debits} C{self.credits}"
