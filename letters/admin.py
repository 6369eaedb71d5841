from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import Refused

from . import services
from .models import Letter, LetterStatus


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """Letters are written by Fondos and never edited: the admin shows them, their failures, and can
    ask for a failed one to be prepared again."""

    list_display = ["reference", "application", "decision", "language", "status", "attempts",
                    "rendered_at", "emailed_at", "supersedes"]
    list_filter = ["status", "decision", "language", "application__fund"]
    list_select_related = ["application__fund", "supersedes__application__fund"]
    search_fields = ["application__organization__short_name", "sha256"]
    readonly_fields = [field.name for field in Letter._meta.fields]
    actions = ["retry_failed"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Prepare the selected failed letters again"))
    def retry_failed(self, request, queryset):
        retried = 0
        for letter in queryset.filter(status=LetterStatus.FAILED):
            try:
                services.letter_retry(letter_id=letter.pk, by=request.user)
            except Refused as exc:
                self.message_user(request, f"{letter}: {exc.message}", messages.ERROR)
            else:
                retried += 1
        self.message_user(request, ngettext("%d letter will be prepared again.",
                                            "%d letters will be prepared again.", retried) % retried)
