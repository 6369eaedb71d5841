from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import AmountField
from funds.rules.fields import PlausibleDate

from .models import Disbursement, Instalment, Loan, LoanStatus, Recovery, Refund, Remainder, Repayment
from .notes import GRACE_SHORTENED, HARVESTS_PASSED, loan_notes

MONEY = {"max_digits": 16, "decimal_places": 2}


class DisbursementSerializer(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    application_reference = serializers.CharField(source="application.reference", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    # Separation of duties: who approved the tranche and who paid it.
    # Nobody until the tranche is approved or paid.
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    paid_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    # Empty unless a short payment said what becomes of the rest.
    remainder = serializers.ChoiceField(choices=Remainder.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "application",
            "application_reference",
            "fund",
            "tranche",
            "status",
            "status_display",
            "payee_kind",
            "payee_name",
            "amount",
            "currency",
            "approved_at",
            "paid_on",
            "paid_amount",
            "payment_reference",
            "payment_currency",
            "payment_amount",
            "exchange_rate",
            "reason",
            "remainder",
            "approved_by",
            "paid_by",
            "created_at",
        ]
        read_only_fields = fields


class PaySerializer(serializers.Serializer):
    paid_on = PlausibleDate()
    reference = serializers.CharField(max_length=100)
    amount = AmountField(required=False)
    currency = serializers.CharField(required=False, min_length=3, max_length=3)
    exchange_rate = serializers.DecimalField(required=False, max_digits=18, decimal_places=8)
    remainder = serializers.ChoiceField(choices=Remainder.choices, required=False, default="")
    restructure_overdue = serializers.BooleanField(required=False, default=False)


class FinanceReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class SplitSerializer(serializers.Serializer):
    amounts = serializers.ListField(child=AmountField(), min_length=2)


class ScheduleNoteSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[HARVESTS_PASSED, GRACE_SHORTENED])
    version = serializers.IntegerField(allow_null=True)
    on = serializers.DateField()
    message = serializers.CharField()


class LoanSerializer(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    application_reference = serializers.CharField(source="application.reference", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    outstanding = serializers.SerializerMethodField()
    schedule_notes = serializers.SerializerMethodField()
    interest_due = serializers.DecimalField(read_only=True, **MONEY)
    arrears = serializers.DecimalField(read_only=True, **MONEY)

    class Meta:
        model = Loan
        fields = [
            "id",
            "application",
            "application_reference",
            "fund",
            "status",
            "status_display",
            "principal",
            "currency",
            "outstanding",
            "interest_due",
            "arrears",
            "annual_interest_rate",
            "term_months",
            "grace_months",
            "repayment_frequency",
            "schedule_method",
            "disbursed_on",
            "disbursed_amount",
            "schedule_version",
            "schedule_starts_on",
            "is_rescheduled",
            "written_off_on",
            "written_off_amount",
            "write_off_proposed_at",
            "write_off_reason",
            "schedule_notes",
        ]
        read_only_fields = fields

    @extend_schema_field(ScheduleNoteSerializer(many=True))
    def get_schedule_notes(self, loan) -> list[dict]:
        """What the schedule engine adjusted when money was paid, each with its message in the
        caller's language."""
        return [
            {"code": note["code"], "version": note.get("version"), "on": note["on"],
             "message": note["message"]}
            for note in loan_notes(loan)
        ]

    @extend_schema_field(serializers.DecimalField(**MONEY))  # a decimal string, as every amount
    def get_outstanding(self, loan) -> Decimal:
        """Principal still owed on the books: nothing once written off or before the money is paid."""
        if loan.status in (LoanStatus.WRITTEN_OFF, LoanStatus.PENDING):
            return "0.00"
        return str(loan.principal_owed.quantize(Decimal("0.01")))


class InstalmentSerializer(serializers.ModelSerializer):
    total = serializers.SerializerMethodField()
    paid = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Instalment
        fields = [
            "n",
            "due_date",
            "principal",
            "interest",
            "fees",
            "total",
            "principal_paid",
            "interest_paid",
            "fees_paid",
            "paid",
            "paid_on",
            "status",
            "version",
        ]
        read_only_fields = fields

    def get_total(self, row) -> str:
        return str(row.total)

    def get_paid(self, row) -> str:
        return str(row.paid)

    def get_status(self, row) -> str:
        """``paid``, ``partly_paid``, ``overdue`` or ``due`` (on the date in the context)."""
        return row.status_on(self.context["on"])


class RepaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Repayment
        fields = [
            "id",
            "loan",
            "amount",
            "currency",
            "paid_on",
            "reference",
            "fees",
            "interest",
            "principal",
            "credit",
            "recorded_at",
            "reversed_at",
            "reversal_reason",
        ]
        read_only_fields = fields


class RepaymentInputSerializer(serializers.Serializer):
    amount = AmountField()
    currency = serializers.CharField(required=False, min_length=3, max_length=3,
                                     help_text=_("The loan's currency; any other is refused."))
    paid_on = PlausibleDate()
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class RescheduleSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    # Not for harvest loans: their term is the months their harvest dates span.
    term_months = serializers.IntegerField(min_value=1, max_value=120, required=False)
    grace_months = serializers.IntegerField(min_value=0, max_value=60, default=0)
    harvest_dates = serializers.ListField(child=serializers.DateField(), required=False, max_length=60)
    reason = serializers.CharField()


class ReschedulePreviewSerializer(RescheduleSerializer):
    reason = serializers.CharField(required=False, allow_blank=True)


class PlannedInstalmentSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    due_date = serializers.DateField()
    principal = serializers.DecimalField(**MONEY)
    interest = serializers.DecimalField(**MONEY)
    carried_interest = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)


class SchedulePlanSerializer(serializers.Serializer):
    """A reschedule's preview: the new schedule and the interest carried over, nothing committed."""

    starts_on = serializers.DateField()
    principal = serializers.DecimalField(**MONEY)
    interest_due = serializers.DecimalField(**MONEY)
    interest_accrued = serializers.DecimalField(**MONEY)
    interest_prepaid = serializers.DecimalField(**MONEY)
    carried_interest = serializers.DecimalField(**MONEY)
    total_interest = serializers.DecimalField(**MONEY)
    rows = PlannedInstalmentSerializer(many=True)


class RecoveryInputSerializer(serializers.Serializer):
    amount = AmountField()
    received_on = serializers.DateField()
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class RecoverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Recovery
        fields = ["id", "loan", "amount", "currency", "received_on", "reference", "recorded_at"]
        read_only_fields = fields


class RefundInputSerializer(serializers.Serializer):
    amount = AmountField()
    paid_on = serializers.DateField()
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class RefundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refund
        fields = ["id", "loan", "amount", "currency", "paid_on", "reference", "recorded_at"]
        read_only_fields = fields


class BucketSerializer(serializers.Serializer):
    bucket = serializers.CharField()
    label = serializers.CharField()
    min_days = serializers.IntegerField()
    max_days = serializers.IntegerField(allow_null=True)
    count = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    arrears = serializers.DecimalField(**MONEY)


class CollectionsSerializer(serializers.Serializer):
    """Documents the report's ``collections``: ``from`` and ``to`` (inclusive) and what came back."""

    to = serializers.DateField()
    repayments = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    principal = serializers.DecimalField(**MONEY)
    interest = serializers.DecimalField(**MONEY)
    fees = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)

    def get_fields(self):
        # "from" is a Python keyword, so it cannot be declared as a class attribute.
        return {"from": serializers.DateField(), **super().get_fields()}


class PortfolioSerializer(serializers.Serializer):
    on = serializers.DateField()
    fund = serializers.CharField(allow_null=True)
    currency = serializers.CharField()
    loans = serializers.IntegerField()
    outstanding = serializers.DecimalField(**MONEY)
    arrears = serializers.DecimalField(**MONEY)
    at_risk_30 = serializers.DecimalField(**MONEY)
    loans_at_risk_30 = serializers.IntegerField()
    par30 = serializers.DecimalField(max_digits=6, decimal_places=2)
    buckets = BucketSerializer(many=True)
    collections = CollectionsSerializer()
    balances = serializers.ListField(child=serializers.DictField())
