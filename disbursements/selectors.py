"""Reads: who sees which disbursements and loans, a loan's figures from its current schedule, and the
claims against declared events with what was paid of them (the event's page and API, through
``calls.events``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from applications.selectors import applications_visible_to
from applications.workflow import AWARDED, Status
from organizations.access import access_for

from .models import LIVE_LOAN_STATES, Disbursement, DisbursementStatus, Instalment, Loan, LoanStatus

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)


def disbursements_visible_to(user) -> QuerySet[Disbursement]:
    access = access_for(user)
    queryset = Disbursement.objects.select_related("fund", "application__fund", "approved_by", "paid_by")
    if access.is_finance or access.is_administrator or access.is_auditor:
        return queryset
    return queryset.filter(application__in=applications_visible_to(user))


def _unpaid(prefix: str = ""):
    return (
        F(f"{prefix}principal")
        + F(f"{prefix}interest")
        + F(f"{prefix}fees")
        - F(f"{prefix}principal_paid")
        - F(f"{prefix}interest_paid")
        - F(f"{prefix}fees_paid")
    )


def with_loan_figures(queryset: QuerySet[Loan], *, on: datetime.date) -> QuerySet[Loan]:
    """Annotate each loan with what its current schedule says on ``on`` (one grouped query):
    ``outstanding`` principal, ``interest_due`` (due and unpaid) and ``arrears`` (overdue and unpaid)."""
    current = Q(instalments__is_current=True)
    due = current & Q(instalments__due_date__lte=on)
    overdue = current & Q(instalments__due_date__lt=on)
    return queryset.annotate(
        principal_owed=Coalesce(
            Sum(F("instalments__principal") - F("instalments__principal_paid"), filter=current),
            ZERO,
            output_field=MONEY,
        ),
        interest_due=Coalesce(
            Sum(
                F("instalments__interest")
                + F("instalments__fees")
                - F("instalments__interest_paid")
                - F("instalments__fees_paid"),
                filter=due,
            ),
            ZERO,
            output_field=MONEY,
        ),
        arrears=Coalesce(Sum(_unpaid("instalments__"), filter=overdue), ZERO, output_field=MONEY),
    )


def loans_visible_to(user) -> QuerySet[Loan]:
    access = access_for(user)
    queryset = Loan.objects.select_related("fund", "application__fund")
    if access.is_finance or access.is_administrator or access.is_auditor:
        return queryset
    return queryset.filter(application__in=applications_visible_to(user))


def loans_needing_status_change(*, on: datetime.date) -> list[int]:
    late = (
        Instalment.objects.filter(loan=OuterRef("pk"), is_current=True, due_date__lt=on)
        .annotate(left=_unpaid())
        .filter(left__gt=0)
    )
    return list(
        Loan.objects.filter(status__in=LIVE_LOAN_STATES)
        .annotate(late=Exists(late))
        .filter(Q(status=LoanStatus.ACTIVE, late=True) | Q(status=LoanStatus.IN_ARREARS, late=False))
        .values_list("pk", flat=True)
    )


def claims_by_event(*, events, user) -> dict[int, list[dict]]:
    """For each event: per country of the claimant (and currency), ``count``, ``claimed``, ``assessed``,
    ``awarded`` and ``paid``, over the applications ``user`` may see.

    One query for all the events: applications of the events' calls grouped by event and country;
    drafts are not claims. ``claimed`` is the amount asked for or, in the catastrophic events fund
    (which computes it), the compensation the declared loss gives before any cap; ``assessed`` is the
    maximum award computed at submission, ``awarded`` what was approved, ``paid`` what finance paid
    out of it.
    """
    event_ids = [event.pk for event in events]
    claims: dict[int, list[dict]] = {event_id: [] for event_id in event_ids}
    if not event_ids:
        return claims
    paid = (
        Disbursement.objects.filter(application=OuterRef("pk"), status=DisbursementStatus.PAID)
        .order_by().values("application").annotate(total=Sum("amount")).values("total")
    )
    rows = (
        applications_visible_to(user).filter(call__event_id__in=event_ids).exclude(status=Status.DRAFT)
        .annotate(paid_amount=Coalesce(Subquery(paid, output_field=MONEY), ZERO),
                  assessed_amount=Cast(KT("assessment__max_award"), MONEY),
                  claimed_amount=Coalesce("requested_amount", Cast(KT("assessment__compensation"), MONEY)))
        .order_by().values("call__event_id", "organization__country", "currency")
        .annotate(
            count=Count("id"),
            claimed=Coalesce(Sum("claimed_amount"), ZERO),
            assessed=Coalesce(Sum("assessed_amount"), ZERO),
            awarded=Coalesce(Sum("approved_amount", filter=Q(status__in=AWARDED)), ZERO),
            paid=Coalesce(Sum("paid_amount"), ZERO),
        )
        .order_by("call__event_id", "organization__country")
    )
    for row in rows:
        claims[row["call__event_id"]].append({
            "country": row["organization__country"], "count": row["count"], "currency": row["currency"],
            **{name: _cents(row[name]) for name in ("claimed", "assessed", "awarded", "paid")},
        })
    return claims


def _cents(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))
