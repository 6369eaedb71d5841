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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funds.ledger import balances_by_fund
from funds.models import Fund
from organizations.models import Organization

from .allocation import Due, allocate
from .models import LIVE_LOAN_STATES, Instalment, Loan, Repayment

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
    """Outstanding principal, arrears by age and PAR30 of the live loans: one query. For a past
    date, the loans, schedules, repayments and reversals as they stood on that date."""
    if on < timezone.localdate():
        return _report(_loans_as_they_stood(on, fund=fund, country=country, product=product),
                       on=on, fund=fund)
    return portfolio_of_current_loans(on=on, fund=fund, country=country, product=product)


def portfolio_of_current_loans(
    *, on: datetime.date, fund: Fund | None = None, country: str | None = None, product: str | None = None
) -> dict:
    """The report on the loans, schedules and repayments as they are now, judged on ``on``."""
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


@dataclass(frozen=True)
class LoanOnDate:
    owed: Decimal  # principal still owed
    overdue: Decimal  # principal, interest and fees due before the date and unpaid
    oldest_late: datetime.date | None
    rescheduled: bool


def _loans_as_they_stood(on: datetime.date, *, fund, country, product) -> list[LoanOnDate]:
    """Every loan as it stood at the end of ``on``: paid out by then and not yet written off, on the
    schedule in force that day (a later reschedule or tranche is not seen), with the repayments
    dated by then that had not been reversed by then, allocated as the services allocate them."""
    loans = list(
        Loan.objects.filter(disbursed_on__lte=on)
        .exclude(written_off_on__lte=on)
        .filter(pk__in=_scope(fund=fund, country=country, product=product).values("pk"))
    )
    if not loans:
        return []
    ids = [loan.pk for loan in loans]
    starts: dict[int, dict[int, datetime.date]] = {}
    rescheduled_from: dict[int, int] = {}
    for loan_id, version, starts_on, is_rescheduled in (
        Loan.history.filter(id__in=ids).order_by("history_date", "history_id")
        .values_list("id", "schedule_version", "schedule_starts_on", "is_rescheduled")
    ):
        if starts_on is not None:
            starts.setdefault(loan_id, {})[version] = starts_on
        if is_rescheduled:
            rescheduled_from.setdefault(loan_id, version)
    for loan in loans:  # the present state, in case its history was not kept
        if loan.schedule_starts_on is not None:
            starts.setdefault(loan.pk, {})[loan.schedule_version] = loan.schedule_starts_on
        if loan.is_rescheduled:
            rescheduled_from.setdefault(loan.pk, loan.schedule_version)
    version_on = {
        loan.pk: max((v for v, day in starts.get(loan.pk, {}).items() if day <= on), default=1)
        for loan in loans
    }
    rows: dict[tuple[int, int], list] = {}
    for row in Instalment.objects.filter(loan_id__in=ids).order_by("loan_id", "version", "n"):
        rows.setdefault((row.loan_id, row.version), []).append(row)
    paid: dict[tuple[int, int], list] = {}
    standing = Repayment.objects.filter(loan_id__in=ids, paid_on__lte=on).filter(
        Q(reversed_at__isnull=True) | Q(reversed_at__date__gt=on)
    )
    for repayment in standing.order_by("paid_on", "id"):
        paid.setdefault((repayment.loan_id, repayment.schedule_version), []).append(repayment)
    result = []
    for loan in loans:
        key = (loan.pk, version_on[loan.pk])
        dues = [Due(key=row.pk, fees=row.fees, interest=row.interest, principal=row.principal)
                for row in rows.get(key, [])]
        for repayment in paid.get(key, []):
            allocate(dues, repayment.amount, repayment.paid_on)
        unpaid = sum((due.unpaid for due in dues), ZERO)
        if not dues or unpaid <= 0:
            continue  # repaid by then
        late = [(row.due_date, due) for row, due in zip(rows[key], dues, strict=True)
                if row.due_date < on and due.unpaid > 0]
        result.append(LoanOnDate(
            owed=sum((due.principal - due.principal_paid for due in dues), ZERO),
            overdue=sum((due.unpaid for _day, due in late), ZERO),
            oldest_late=min((day for day, _due in late), default=None),
            rescheduled=loan.pk in rescheduled_from and rescheduled_from[loan.pk] <= key[1],
        ))
    return result


def _scope(*, fund, country, product):
    loans = Loan.objects.all()
    if fund is not None:
        loans = loans.filter(fund=fund)
    if country:
        loans = loans.filter(application__organization__country=country)
    if product:
        loans = loans.filter(
            application__organization__in=Organization.objects.filter(products__code=product).values("pk")
        )
    return loans


def _in_bucket(bucket: Bucket, oldest_late: datetime.date | None, on: datetime.date) -> bool:
    if bucket.max_days == 0:
        return oldest_late is None
    if oldest_late is None:
        return False
    days = (on - oldest_late).days
    return days >= bucket.min_days and (bucket.max_days is None or days <= bucket.max_days)


def _report(loans: list[LoanOnDate], *, on: datetime.date, fund: Fund | None) -> dict:
    """The portfolio report's figures from loans computed one by one (a past date)."""
    par_limit = on - datetime.timedelta(days=PAR_DAYS)
    at_risk = [loan for loan in loans
               if loan.rescheduled or (loan.oldest_late is not None and loan.oldest_late < par_limit)]
    outstanding = _money(sum((loan.owed for loan in loans), ZERO))
    at_risk_amount = _money(sum((loan.owed for loan in at_risk), ZERO))
    buckets = []
    for bucket in BUCKETS:
        inside = [loan for loan in loans if _in_bucket(bucket, loan.oldest_late, on)]
        buckets.append({
            "bucket": bucket.code,
            "label": str(bucket.label),
            "min_days": bucket.min_days,
            "max_days": bucket.max_days,
            "count": len(inside),
            "amount": str(_money(sum((loan.owed for loan in inside), ZERO))),
            "arrears": str(_money(sum((loan.overdue for loan in inside), ZERO))),
        })
    return {
        "on": on.isoformat(),
        "fund": fund.code if fund else None,
        "currency": fund.currency if fund else "USD",
        "loans": len(loans),
        "outstanding": str(outstanding),
        "arrears": str(_money(sum((loan.overdue for loan in loans), ZERO))),
        "at_risk_30": str(at_risk_amount),
        "loans_at_risk_30": len(at_risk),
        "par30": percent(at_risk_amount, outstanding),
        "buckets": buckets,
    }


def collections(
    *,
    start: datetime.date,
    end: datetime.date,
    fund: Fund | None = None,
    country: str | None = None,
    product: str | None = None,
) -> dict:
    """What came back between ``start`` and ``end`` (inclusive) on repayments standing at ``end`` (a
    repayment reversed later still counts for a period before its reversal): one query."""
    repayments = Repayment.objects.filter(paid_on__gte=start, paid_on__lte=end).filter(
        Q(reversed_at__isnull=True) | Q(reversed_at__date__gt=end)
    )
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


def fund_balances_report(funds, *, on: datetime.date | None = None) -> list[dict]:
    """Each fund's balances: today's, or from the ledger as it stood at the end of a past day ``on``."""
    funds = list(funds)
    balances = balances_by_fund(funds, on=on if on is not None and on < timezone.localdate() else None)
    return [{"fund": fund.code, **balances[fund.pk].as_json()} for fund in funds]
