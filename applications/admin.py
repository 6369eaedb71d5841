from django.contrib import admin

from .models import Application, Document, InformationRequest, Review, TransitionLog


class TransitionLogInline(admin.TabularInline):
    model = TransitionLog
    extra = 0
    can_delete = False
    fields = ["at", "transition", "from_state", "to_state", "by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class DocumentInline(admin.TabularInline):
    model = Document
    fk_name = "application"
    extra = 0
    can_delete = False
    fields = ["kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at",
              "replaced_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Applications change state only through Fondos' services: the admin shows, never moves them."""

    list_display = ["reference", "fund", "organization", "status", "submitted_at", "decision_due",
                    "approved_amount"]
    list_filter = ["fund", "status", "organization__country"]
    list_select_related = ["fund", "organization"]
    search_fields = ["organization__short_name", "organization__legal_name"]
    readonly_fields = [f.name for f in Application._meta.fields]
    inlines = [DocumentInline, TransitionLogInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InformationRequest)
class InformationRequestAdmin(admin.ModelAdmin):
    list_display = ["application", "respond_by", "requested_at", "answered_at", "expired_at"]
    list_select_related = ["application__fund"]
    readonly_fields = [f.name for f in InformationRequest._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["application", "reviewer", "conflict_of_interest", "score", "recommendation"]
    list_select_related = ["application__fund", "reviewer"]
    readonly_fields = [f.name for f in Review._meta.fields]

    def has_add_permission(self, request):
        return False
