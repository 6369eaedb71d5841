from django.contrib import admin

from .models import ProjectReport, ReportAttachment, ReportIndicator, ReportTransitionLog


class IndicatorInline(admin.TabularInline):
    model = ReportIndicator
    extra = 0
    readonly_fields = ["indicator", "unit", "baseline", "value", "from_baseline", "is_latest"]
    can_delete = False


class AttachmentInline(admin.TabularInline):
    model = ReportAttachment
    extra = 0
    fields = ["kind", "budget_line", "original_name", "size", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


class TransitionInline(admin.TabularInline):
    model = ReportTransitionLog
    extra = 0
    readonly_fields = ["transition", "from_state", "to_state", "by", "at", "comments"]
    can_delete = False


@admin.register(ProjectReport)
class ProjectReportAdmin(admin.ModelAdmin):
    """Read-only: reports change through their services (the pages and the API), never here."""

    list_display = ["application", "kind", "sequence", "status", "due_on", "required"]
    list_filter = ["kind", "status", "required", "application__fund"]
    search_fields = ["application__organization__short_name", "application__organization__legal_name"]
    date_hierarchy = "due_on"
    inlines = [IndicatorInline, AttachmentInline, TransitionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
