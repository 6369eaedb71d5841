"""A person's notices (API; the notice centre's page uses the same definition)."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from listing.filters import ListFilterSet, Ordering, SearchFilter, choice_filter, date_filter

from .models import Kind, Notification


class NotificationFilter(ListFilterSet):
    search = SearchFilter(search_field="application__search_text",
                          help_text=_("Reference, organisation or country of the application it concerns."))
    kind = choice_filter("kind", Kind.choices, _("Kind"))
    unread = filters.CharFilter(method="only_unread", label=_("Unread only"), max_length=5)
    created_from = date_filter("created_at__date", "gte", _("From"))
    created_to = date_filter("created_at__date", "lte", _("Until"))
    ordering = Ordering(columns={
        "created": (_("Date"), ("created_at",)),
        "kind": (_("Kind"), ("kind",)),
    }, default=("-created",))

    class Meta:
        model = Notification
        fields = []

    def only_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value in ("1", "true", "yes") else queryset
