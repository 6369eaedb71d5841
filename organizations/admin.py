from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organization, ProductCode, StaffRole, User


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
        (_("Fondos"), {"fields": ("organization", "language")}),
    )
    list_display = ["username", "email", "organization", "language", "is_active"]
    list_filter = ["is_active", "language", "organization__country"]
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
