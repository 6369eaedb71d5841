"""Donors in the admin: a contribution and a donor's reader are recorded through the services (the
ledger posting, the role), so the forms call them; allocations are read-only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from core.errors import Invalid, Refused

from . import services
from .models import Allocation, Contribution, Donor, DonorUser


def _validation_error(exc: Refused) -> ValidationError:
    if isinstance(exc, Invalid):
        return ValidationError([f"{field}: {' '.join(map(str, reasons))}"
                                for field, reasons in exc.errors.items()])
    return ValidationError(str(exc.message))


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "identifier", "country"]
    search_fields = ["name", "identifier"]


class ContributionForm(forms.ModelForm):
    class Meta:
        model = Contribution
        fields = ["donor", "fund", "amount", "currency", "received_on", "restricted_purpose",
                  "restricted_call", "note"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.recorded = services.contribution_record(
                donor_id=data["donor"].pk, fund_code=data["fund"].code, amount=data["amount"],
                currency=data["currency"], received_on=data["received_on"],
                restricted_purpose=data.get("restricted_purpose") or "",
                restricted_call_id=data["restricted_call"].pk if data.get("restricted_call") else None,
                note=data.get("note") or "", by=self.request_user,
            )
        except Refused as exc:
            raise _validation_error(exc) from exc
        return data


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["donor", "fund", "amount", "currency", "received_on", "restricted_purpose",
                    "restricted_call"]
    list_filter = ["fund"]
    form = ContributionForm

    def has_change_permission(self, request, obj=None):
        return False  # recorded once, in the ledger: a mistake is corrected by the ledger, not here

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        obj.pk = form.recorded.pk  # recorded by contribution_record during validation


class DonorUserForm(forms.ModelForm):
    class Meta:
        model = DonorUser
        fields = ["user", "donor"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.recorded = services.donor_reader_add(donor_id=data["donor"].pk, user=data["user"],
                                                      by=self.request_user)
        except Refused as exc:
            raise _validation_error(exc) from exc
        return data


@admin.register(DonorUser)
class DonorUserAdmin(admin.ModelAdmin):
    list_display = ["user", "donor"]
    form = DonorUserForm

    def has_change_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        obj.pk = form.recorded.pk


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    list_display = ["ledger_transaction", "kind", "contribution", "application", "amount"]
    list_filter = ["kind", "fund"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
