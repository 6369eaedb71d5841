from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Call, ClimateEvent


@admin.register(Call)
class CallAdmin(SimpleHistoryAdmin):
    list_display = ["title_es", "fund", "budget", "currency", "opens_on", "closes_on", "closed_at", "event"]
    list_filter = ["fund", "opens_on"]
    search_fields = ["title_es", "title_pt", "title_fr", "title_en"]
    raw_id_fields = ["event", "created_by", "closed_by"]


@admin.register(ClimateEvent)
class ClimateEventAdmin(SimpleHistoryAdmin):
    list_display = ["name", "event_type", "starts_on", "ends_on", "glide"]
    list_filter = ["event_type"]
    search_fields = ["name", "glide"]
    raw_id_fields = ["declared_by"]
