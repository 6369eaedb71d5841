"""Reads: what a call has committed, which calls are open to an organisation.

An event's claims are applications and their payments: ``calls.events.event_claims`` asks the app that
reads them (``disbursements.selectors.claims_by_event``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from funds.models import Account, LedgerEntry, TransactionKind

from .models import Call

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=16, decimal_places=2))


def _committed_subquery():
    """What the call's applications hold committed in the ledger: commitments less what was released
    (an unpaid remainder given back at closing). Payments do not reduce it: what was paid was awarded."""
    entries = (
        LedgerEntry.objects.filter(
            transaction__application__call=OuterRef("pk"), account=Account.COMMITTED,
            transaction__kind__in=[TransactionKind.COMMITMENT, TransactionKind.COMMITMENT_RELEASE],
        )
        .order_by()
        .values("transaction__application__call")
        .annotate(total=Sum(F("debit") - F("credit")))
        .values("total")
    )
    return Coalesce(Subquery(entries, output_field=DecimalField(max_digits=16, decimal_places=2)), ZERO)


def calls_with_committed(queryset: QuerySet | None = None) -> QuerySet:
    """Calls annotated with ``committed`` (one subquery, whatever the number of calls)."""
    queryset = Call.objects.all() if queryset is None else queryset
    return queryset.annotate(committed=_committed_subquery())


def call_committed(call: Call) -> Decimal:
    return calls_with_committed(Call.objects.filter(pk=call.pk)).values_list("committed", flat=True)[0]


def open_on(day: datetime.date) -> Q:
    return Q(closed_at__isnull=True, opens_on__lte=day) & (Q(closes_on__isnull=True) | Q(closes_on__gte=day))


def calls_open_to(organization, *, day: datetime.date, fund=None) -> list[Call]:
    """The calls open on ``day`` that ``organization`` may apply to, general calls before event calls."""
    calls = Call.objects.filter(open_on(day)).select_related("fund", "event")
    if fund is not None:
        calls = calls.filter(fund=fund)
    own_products = set(organization.products.values_list("code", flat=True))
    found = []
    for call in calls.order_by("fund_id", F("event_id").asc(nulls_first=True), "opens_on", "id"):
        if call.countries and organization.country not in call.countries:
            continue
        if call.products and not own_products & set(call.products):
            continue
        found.append(call)
    return found


def next_call(fund, *, after: datetime.date) -> Call | None:
    """The fund's next call that opens after ``after`` (not closed early), if one is scheduled."""
    return (
        Call.objects.filter(fund=fund, opens_on__gt=after, closed_at__isnull=True)
        .order_by("opens_on", "id").first()
    )


def calls_visible_to(access, queryset: QuerySet | None = None) -> QuerySet:
    """Staff see every call; an OPP sees the calls open to its country (or to every country)."""
    queryset = Call.objects.all() if queryset is None else queryset
    if access.is_clac_staff:
        return queryset
    if access.is_opp_staff:
        from organizations.models import Organization

        country = Organization.objects.filter(pk=access.organization_id).values_list("country", flat=True)[0]
        return queryset.filter(Q(countries=[]) | Q(countries__icontains=f'"{country}"'))
    return queryset.none()
