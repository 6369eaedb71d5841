"""A fund's ledger, on the finance page and in the API."""

from django.utils.translation import gettext_lazy as _

from listing.filters import ListFilterSet, Ordering, SearchFilter, choice_filter, date_filter

from .models import Account, LedgerEntry, TransactionKind


class LedgerFilter(ListFilterSet):
    search = SearchFilter(search_field="transaction__application__search_text",
                          help_text=_("Reference, organisation or country of the application it concerns."))
    account = choice_filter("account", Account.choices, _("Account"))
    kind = choice_filter("transaction__kind", TransactionKind.choices, _("Movement"))
    booked_from = date_filter("transaction__booked_on", "gte", _("From"))
    booked_to = date_filter("transaction__booked_on", "lte", _("Until"))
    ordering = Ordering(columns={
        "date": (_("Date"), ("transaction__booked_on", "transaction_id")),
        "transaction": (_("Transaction"), ("transaction_id",)),
        "account": (_("Account"), ("account",)),
        "debit": (_("Debit"), ("debit",)),
        "credit": (_("Credit"), ("credit",)),
    }, default=("-date",))

    class Meta:
        model = LedgerEntry
        fields = []
