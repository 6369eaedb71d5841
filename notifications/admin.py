from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Deadline, EmailStatus, Notification, NotificationPreference
from .outbox import queue_delivery


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "email", "language", "email_status", "email_attempts",
                    "read_at"]
    list_filter = ["kind", "email_status", "language"]
    search_fields = ["subject", "email", "recipient__username", "dedupe_key"]
    raw_id_fields = ["recipient", "application"]
    readonly_fields = ["recipient", "email", "language", "kind", "application", "subject", "body",
                       "dedupe_key", "in_app", "read_at", "email_status", "email_attempts", "email_sent_at",
                       "email_error", "created_at"]
    actions = ["retry_delivery"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the e-mail again if it failed"))
    def retry_delivery(self, request, queryset):
        ids = list(queryset.filter(email_status=EmailStatus.FAILED).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids).update(email_status=EmailStatus.PENDING, email_attempts=0)
        queue_delivery(ids)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email", "in_app"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["application", "kind", "due_on", "done_at", "outcome"]
    list_filter = ["kind", "outcome"]
    date_hierarchy = "due_on"
    raw_id_fields = ["application"]
    readonly_fields = ["application", "kind", "due_on", "done_at", "outcome", "created_at"]
