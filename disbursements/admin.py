from django.contrib import admin

from .models import Disbursement, Instalment, Loan, Recovery, Refund, Repayment


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money rows change only through the services, so that the ledger always follows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ["id", "application", "tranche", "status", "payee_name", "amount", "currency", "paid_on"]
    list_filter = ["status", "fund", "payee_kind"]
    search_fields = ["payee_name", "payment_reference"]
    list_select_related = ["application__fund"]


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0
    can_delete = False
    fields = [
        "version",
        "is_current",
        "n",
        "due_date",
        "principal",
        "interest",
        "fees",
        "principal_paid",
        "interest_paid",
        "fees_paid",
        "paid_on",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ["id", "application", "status", "principal", "currency", "disbursed_on", "is_rescheduled"]
    list_filter = ["status", "is_rescheduled", "repayment_frequency"]
    list_select_related = ["application__fund"]
    inlines = [InstalmentInline]


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "loan",
        "amount",
        "currency",
        "paid_on",
        "reference",
        "principal",
        "interest",
        "credit",
        "reversed_at",
    ]
    list_filter = ["paid_on"]
    search_fields = ["reference", "idempotency_key"]


@admin.register(Recovery)
class RecoveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "loan", "amount", "currency", "received_on", "reference"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["id", "loan", "amount", "currency", "paid_on", "reference"]
