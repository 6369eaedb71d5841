from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Invitation, JoinRequest, Organization, ProductCode, StaffRole, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["short_name", "legal_name", "country", "grade", "fairtrade_id",
                    "certification_status", "preferred_language"]
    list_filter = ["country", "grade", "certification_status", "preferred_language"]
    search_fields = ["short_name", "legal_name", "fairtrade_id"]
    filter_horizontal = ["products"]


@admin.register(ProductCode)
class ProductCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__"]


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    fk_name = "user"
    extra = 0
    fields = ["role", "fund", "granted_at", "granted_by", "revoked_at", "revoked_by"]
    readonly_fields = ["granted_at", "granted_by", "revoked_at", "revoked_by"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Fondos"), {"fields": ("organization", "is_representative", "language", "email_verified",
                                  "email_verified_at")}),
    )
    list_display = ["username", "email", "organization", "is_representative", "language", "is_active"]
    list_filter = ["is_active", "is_representative", "language", "organization__country"]
    list_select_related = ["organization"]
    inlines = [StaffRoleInline]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "fund", "granted_at", "granted_by", "revoked_at"]
    list_filter = ["role", "fund", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "fund", "granted_by"]
    readonly_fields = ["granted_at", "granted_by", "revoked_at", "revoked_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are sent from the account pages, which e-mail the one-time link."""

    list_display = ["email", "organization", "as_representative", "created_at", "expires_at", "accepted_at",
                    "revoked_at"]
    list_filter = ["as_representative", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "organization__short_name"]
    list_select_related = ["organization"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Read-only: the secretariat decides on the account pages, which create and invite in one step."""

    list_display = ["legal_name", "country", "fairtrade_id", "contact_email", "status", "created_at",
                    "decided_at"]
    list_filter = ["status", "country"]
    search_fields = ["legal_name", "fairtrade_id", "contact_email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be looked at and revoked (deleted) here; only their owners create them."""

    list_display = ["user", "created_at", "expires_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    fields = readonly_fields = ["user", "created_at", "expires_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
