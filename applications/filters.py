"""The applications' lists (every role's, the queues, the API): one filter definition for all."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from funds.rules import FUND_CHOICES
from listing.filters import ListFilterSet, Ordering, SearchFilter, choice_filter, date_filter
from organizations.choices import Country, Product

from .models import Application
from .workflow import Status

COLUMNS = {
    "reference": (_("Reference"), ("id",)),
    "organization": (_("Organisation"), ("organization__short_name",)),
    "country": (_("Country"), ("organization__country",)),
    "fund": (_("Fund"), ("fund__code",)),
    "status": (_("State"), ("status",)),
    "amount": (_("Amount"), ("requested_amount",)),
    "submitted": (_("Submitted"), ("submitted_at",)),
    "decision_due": (_("Decision clock"), ("decision_due",)),
    "created": (_("Started"), ("created_at",)),
}


class ApplicationFilter(ListFilterSet):
    search = SearchFilter(help_text=_("Reference, organisation, country or person; accents and capitals "
                                      "do not matter."))
    fund = choice_filter("fund__code", FUND_CHOICES, _("Fund"))
    status = choice_filter("status", Status.choices, _("State"))
    country = choice_filter("organization__country", Country.choices, _("Country"))
    product = choice_filter("organization__products__code", Product.choices, _("Product"))
    organization = filters.NumberFilter(field_name="organization_id", min_value=1, max_value=2**63 - 1,
                                        label=_("Organisation"))
    submitted_from = date_filter("submitted_at__date", "gte", _("Submitted from"))
    submitted_to = date_filter("submitted_at__date", "lte", _("Submitted until"))
    days_left = filters.NumberFilter(method="within_days", min_value=-3650, max_value=3650,
                                     label=_("Decision due within (days)"))
    ordering = Ordering(columns=COLUMNS, default=("-created",))

    page_fields = ("fund", "status", "country", "product", "submitted_from", "submitted_to", "days_left")

    class Meta:
        model = Application
        fields = []

    def within_days(self, queryset, name, value):
        """Undecided files whose decision is due within ``value`` days (negative: already late)."""
        if value is None:
            return queryset
        limit = timezone.localdate() + datetime.timedelta(days=int(value))
        return queryset.filter(decision_due__lte=limit, status__in=UNDECIDED)


UNDECIDED = (Status.SUBMITTED, Status.SCREENING, Status.INFORMATION_REQUESTED, Status.COMMITTEE_REVIEW)


class QueueFilter(ApplicationFilter):
    """The secretariat's and the committee's queues: the soonest decision first."""

    ordering = Ordering(columns=COLUMNS, default=("decision_due",))
    page_fields = ("fund", "status", "country", "product", "days_left")


class OwnApplicationFilter(ApplicationFilter):
    """An organisation's own applications (its staff's home page)."""

    page_fields = ("fund", "status", "submitted_from", "submitted_to")
