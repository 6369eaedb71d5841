"""Finance reports on the loan portfolio, each one aggregate query over the schedules and repayments.

Days late of a loan = days since the due date of its oldest instalment not paid in full. PAR30 is
the outstanding principal of every loan more than 30 days late, plus every rescheduled loan, over
the whole outstanding principal (Fineract's and CGAP's definition), as a percent.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Count, DecimalField, F, Min, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from funds.ledger import balances_by_fund
from funds.models import Fund
from organizations.models import Organization

from .models import LIVE_LOAN_STATES, Loan, Repayment

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Bucket:
    code: str
    label: str
    min_days: int
    max_days: int | None


BUCKETS = (
    Bucket("on_time", _("On time"), 0, 0),
    Bucket("1_30", _("1 to 30 days"), 1, 30),
    Bucket("31_60", _("31 to 60 days"), 31, 60),
    Bucket("61_90", _("61 to 90 days"), 61, 90),
    Bucket("91_180", _("91 to 180 days"), 91, 180),
    Bucket("181_360", _("181 to 360 days"), 181, 360),
    Bucket("over_360", _("Over 360 days"), 361, None),
)
PAR_DAYS = 30


def _days_late_filter(bucket: Bucket, on: datetime.date) -> Q:
    """Loans whose oldest unpaid overdue instalment is ``bucket.min_days`` to ``max_days`` days late."""
    if bucket.max_days == 0:
        return Q(oldest_late__isnull=True)
    condition = Q(oldest_late__lte=on - datetime.timedelta(days=bucket.min_days))
    if bucket.max_days is not None:
        condition &= Q(oldest_late__gte=on - datetime.timedelta(days=bucket.max_days))
    return condition


def live_loans(*, fund: Fund | None = None, country: str | None = None, product: str | None = None):
    loans = Loan.objects.filter(status__in=LIVE_LOAN_STATES)
    if fund is not None:
        loans = loans.filter(fund=fund)
    if country:
        loans = loans.filter(application__organization__country=country)
    if product:
        loans = loans.filter(
            application__organization__in=Organization.objects.filter(products__code=product).values("pk")
        )
    return loans


def _money(value) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


def percent(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return "0.00"
    return str((part * 100 / whole).quantize(Decimal("0.01"), ROUND_HALF_EVEN))


def portfolio(
    *, on: datetime.date, fund: Fund | None = None, country: str | None = None, product: str | None = None
) -> dict:
    """Outstanding principal, arrears by age and PAR30 of the live loans: one query."""
    current = Q(instalments__is_current=True)
    late = current & Q(instalments__due_date__lt=on, instalments__paid_on__isnull=True)
    per_loan = live_loans(fund=fund, country=country, product=product).annotate(
        owed=Coalesce(
            Sum(F("instalments__principal") - F("instalments__principal_paid"), filter=current),
            Value(ZERO),
            output_field=MONEY,
        ),
        overdue=Coalesce(
            Sum(
                F("instalments__principal")
                + F("instalments__interest")
                + F("instalments__fees")
                - F("instalments__principal_paid")
                - F("instalments__interest_paid")
                - F("instalments__fees_paid"),
                filter=late,
            ),
            Value(ZERO),
            output_field=MONEY,
        ),
        oldest_late=Min("instalments__due_date", filter=late),
    )
    at_risk = Q(oldest_late__lt=on - datetime.timedelta(days=PAR_DAYS)) | Q(is_rescheduled=True)
    aggregates = {
        "loans": Count("pk"),
        "outstanding": Sum("owed"),
        "arrears": Sum("overdue"),
        "at_risk": Sum("owed", filter=at_risk),
        "at_risk_count": Count("pk", filter=at_risk),
    }
    for bucket in BUCKETS:
        condition = _days_late_filter(bucket, on)
        aggregates[f"{bucket.code}__count"] = Count("pk", filter=condition)
        aggregates[f"{bucket.code}__amount"] = Sum("owed", filter=condition)
        aggregates[f"{bucket.code}__arrears"] = Sum("overdue", filter=condition)
    totals = per_loan.aggregate(**aggregates)
    outstanding = _money(totals["outstanding"])
    at_risk_amount = _money(totals["at_risk"])
    return {
        "on": on.isoformat(),
        "fund": fund.code if fund else None,
        "currency": fund.currency if fund else "USD",
        "loans": totals["loans"],
        "outstanding": str(outstanding),
        "arrears": str(_money(totals["arrears"])),
        "at_risk_30": str(at_risk_amount),
        "loans_at_risk_30": totals["at_risk_count"],
        "par30": percent(at_risk_amount, outstanding),
        "buckets": [
            {
                "bucket": bucket.code,
                "label": str(bucket.label),
                "min_days": bucket.min_days,
                "max_days": bucket.max_days,
                "count": totals[f"{bucket.code}__count"],
                "amount": str(_money(totals[f"{bucket.code}__amount"])),
                "arrears": str(_money(totals[f"{bucket.code}__arrears"])),
            }
            for bucket in BUCKETS
        ],
    }


def collections(
    *,
    start: datetime.date,
    end: datetime.date,
    fund: Fund | None = None,
    country: str | None = None,
    product: str | None = None,
) -> dict:
    """What came back between ``start`` and ``end`` (inclusive) on standing repayments: one query."""
    repayments = Repayment.objects.filter(paid_on__gte=start, paid_on__lte=end, reversed_at__isnull=True)
    if fund is not None:
        repayments = repayments.filter(loan__fund=fund)
    if country:
        repayments = repayments.filter(loan__application__organization__country=country)
    if product:
        repayments = repayments.filter(
            loan__application__organization__in=Organization.objects.filter(products__code=product).values(
                "pk"
            )
        )
    totals = repayments.aggregate(
        count=Count("pk"),
        amount=Sum("amount"),
        principal=Sum("principal"),
        interest=Sum("interest"),
        fees=Sum("fees"),
        credit=Sum("credit"),
    )
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "repayments": totals["count"],
        **{name: str(_money(totals[name])) for name in ("amount", "principal", "interest", "fees", "credit")},
    }


def fund_balances_report(funds) -> list[dict]:
    funds = list(funds)
    balances = balances_by_fund(funds)
    return [{"fund": fund.code, **balances[fund.pk].as_json()} for fund in funds]
