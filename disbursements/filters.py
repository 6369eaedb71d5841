"""The finance lists (disbursements, loans), shared by the finance pages and the API."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from funds.rules import FUND_CHOICES
from listing.filters import ListFilterSet, Ordering, SearchFilter, choice_filter, date_filter
from organizations.choices import Country

from .models import Disbursement, DisbursementStatus, Loan, LoanStatus

SEARCH_HELP = _("Reference, organisation, country or person; accents and capitals do not matter.")


class DisbursementFilter(ListFilterSet):
    search = SearchFilter(search_field="application__search_text", help_text=SEARCH_HELP)
    application = filters.NumberFilter(field_name="application_id", min_value=1, max_value=2**63 - 1,
                                       label=_("Application"))
    fund = choice_filter("fund__code", FUND_CHOICES, _("Fund"))
    status = choice_filter("status", DisbursementStatus.choices, _("State"))
    country = choice_filter("application__organization__country", Country.choices, _("Country"))
    created_from = date_filter("created_at__date", "gte", _("Created from"))
    created_to = date_filter("created_at__date", "lte", _("Created until"))
    ordering = Ordering(columns={
        "reference": (_("Application"), ("application_id",)),
        "payee": (_("Payee"), ("payee_name",)),
        "amount": (_("Amount"), ("amount",)),
        "status": (_("State"), ("status",)),
        "created": (_("Created"), ("created_at",)),
    }, default=("-created",))

    page_fields = ("fund", "status", "country", "created_from", "created_to")

    class Meta:
        model = Disbursement
        fields = []


class ToPayFilter(DisbursementFilter):
    """The finance desk's list: what is waiting, oldest first."""

    status = choice_filter("status", [(DisbursementStatus.PENDING, DisbursementStatus.PENDING.label),
                                      (DisbursementStatus.APPROVED, DisbursementStatus.APPROVED.label)],
                           _("State"))
    ordering = Ordering(columns=DisbursementFilter.base_filters["ordering"].columns, default=("created",))
    page_fields = ("fund", "status", "country")


class LoanFilter(ListFilterSet):
    search = SearchFilter(search_field="application__search_text", help_text=SEARCH_HELP)
    application = filters.NumberFilter(field_name="application_id", min_value=1, max_value=2**63 - 1,
                                       label=_("Application"))
    status = choice_filter("status", LoanStatus.choices, _("State"))
    country = choice_filter("application__organization__country", Country.choices, _("Country"))
    disbursed_from = date_filter("disbursed_on", "gte", _("Disbursed from"))
    disbursed_to = date_filter("disbursed_on", "lte", _("Disbursed until"))
    ordering = Ordering(columns={
        "reference": (_("Loan"), ("application_id",)),
        "organization": (_("Organisation"), ("application__organization__short_name",)),
        "status": (_("State"), ("status",)),
        "principal": (_("Principal"), ("principal",)),
        "disbursed": (_("Disbursed on"), ("disbursed_on",)),
    }, default=("-reference",))

    page_fields = ("status", "country", "disbursed_from", "disbursed_to")

    class Meta:
        model = Loan
        fields = []
