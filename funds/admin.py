from django.contrib import admin

from .models import Fund, FundParameters, LedgerEntry, LedgerTransaction


class FundParametersInline(admin.StackedInline):
    model = FundParameters
    extra = 0
    fields = ["valid_from", "values", "note", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "currency", "is_open"]
    inlines = [FundParametersInline]

    def save_formset(self, request, form, formset, change):
        for version in formset.save(commit=False):
            if version.created_by_id is None:
                version.created_by = request.user
            version.save()
        formset.save_m2m()


@admin.register(FundParameters)
class FundParametersAdmin(admin.ModelAdmin):
    list_display = ["fund", "valid_from", "note", "created_by", "created_at"]
    list_filter = ["fund"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledger is append-only: the admin shows it and never changes it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    extra = 0
    can_delete = False
    fields = ["account", "debit", "credit"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["id", "fund", "kind", "booked_on", "memo", "application"]
    list_filter = ["fund", "kind"]
    list_select_related = ["fund", "application__fund"]
    inlines = [LedgerEntryInline]
