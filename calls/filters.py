"""The filters of the calls and events lists, shared by their pages and the API."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from funds.rules import FUND_CHOICES
from listing.filters import ListFilterSet, Ordering, SearchFilter, choice_filter

from .models import Call, ClimateEvent
from .selectors import open_on


class CallFilter(ListFilterSet):
    search = SearchFilter(help_text=_("Words of the call's title, in any language."))
    fund = choice_filter("fund__code", FUND_CHOICES, _("Fund"))
    open = filters.ChoiceFilter(method="filter_open", label=_("Open today"), empty_label=_("All"),
                                choices=[("true", _("Open")), ("false", _("Not open"))])
    ordering = Ordering(columns={
        "opens_on": (_("Opens on"), ("opens_on",)),
        "closes_on": (_("Closes on"), ("closes_on",)),
        "budget": (_("Budget"), ("budget",)),
        "fund": (_("Fund"), ("fund_id",)),
    }, default=("-opens_on",))

    class Meta:
        model = Call
        fields = []

    def filter_open(self, queryset, name, value):
        condition = open_on(timezone.localdate())
        return queryset.filter(condition) if value == "true" else queryset.exclude(condition)


class EventFilter(ListFilterSet):
    search = SearchFilter(help_text=_("Words of the event's name, its GLIDE number or a country."))
    ordering = Ordering(columns={
        "starts_on": (_("Started on"), ("starts_on",)),
        "name": (_("Name"), ("name",)),
    }, default=("-starts_on",))

    class Meta:
        model = ClimateEvent
        fields = []
