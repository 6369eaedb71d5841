"""Reads: who sees which disbursements and loans, and a loan's figures from its current schedule."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import DecimalField, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from applications.selectors import applications_visible_to
from organizations.access import access_for

from .models import LIVE_LOAN_STATES, Disbursement, Instalment, Loan, LoanStatus

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
