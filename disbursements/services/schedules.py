"""A loan's repayment schedule: the engine's terms for a loan, writing a schedule, replacing it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from applications.errors import Invalid
from disbursements.amortization import HARVEST, MONTHS_PER_PERIOD, ScheduleTerms, build_schedule
from disbursements.models import Instalment, Loan
from funds.money import minor_unit

from .common import ZERO


def _periods(frequency: str, months: int) -> int:
    return months // MONTHS_PER_PERIOD[frequency]


def schedule_terms(
    *, principal: Decimal, currency: str, annual_interest_rate, repayment_frequency: str,
    schedule_method: str, harvest_dates, term_months: int, grace_months: int, starts_on: datetime.date,
) -> ScheduleTerms:
    """The engine's terms for a youth-fund loan: the one rule used for the loan itself and for the
    schedule its decision letter shows. Harvest repayments fall on the named dates after ``starts_on``,
    without grace; regular ones take the term and grace in whole periods."""
    if repayment_frequency == HARVEST:
        dates = tuple(datetime.date.fromisoformat(str(day)) for day in harvest_dates)
        dates = tuple(day for day in dates if day > starts_on)
        if not dates:
            raise Invalid({"harvest_dates": [_("No harvest date falls after %(day)s.") % {"day": starts_on}]})
        instalments, grace = len(dates), 0
    else:
        instalments = max(_periods(repayment_frequency, term_months), 1)
        grace = min(_periods(repayment_frequency, grace_months), instalments - 1)
        dates = ()
    return ScheduleTerms(
        principal=principal,
        annual_rate_percent=Decimal(str(annual_interest_rate)),
        instalments=instalments,
        frequency=repayment_frequency,
        method=schedule_method,
        grace_on_principal=grace,
        disbursed_on=starts_on,
        minor_unit=minor_unit(currency),
        harvest_dates=dates,
    )


def loan_schedule_terms(
    loan: Loan, *, principal: Decimal, starts_on: datetime.date, term_months: int, grace_months: int
) -> ScheduleTerms:
    return schedule_terms(
        principal=principal, currency=loan.currency, annual_interest_rate=loan.annual_interest_rate,
        repayment_frequency=loan.repayment_frequency, schedule_method=loan.schedule_method,
        harvest_dates=loan.harvest_dates, term_months=term_months, grace_months=grace_months,
        starts_on=starts_on,
    )


def schedule_write(
    loan: Loan, terms: ScheduleTerms, *, version: int, carried_interest: Decimal = ZERO
) -> None:
    rows = build_schedule(terms).rows
    Instalment.objects.bulk_create(
        Instalment(
            loan=loan,
            version=version,
            is_current=True,
            n=row.n,
            due_date=row.due_date,
            principal=row.principal,
            interest=row.interest + (carried_interest if row.n == 1 else ZERO),
            # Nothing is owed on an empty instalment (a loan amortised early by rounding).
            paid_on=row.due_date if row.total == 0 and not (carried_interest and row.n == 1) else None,
        )
        for row in rows
    )


def current_instalments(loan: Loan) -> list[Instalment]:
    return list(loan.instalments.filter(is_current=True).order_by("n"))


def principal_outstanding(loan: Loan) -> Decimal:
    totals = loan.instalments.filter(is_current=True).aggregate(
        principal=Sum("principal"), paid=Sum("principal_paid")
    )
    return (totals["principal"] or ZERO) - (totals["paid"] or ZERO)


def months_left(loan: Loan, on: datetime.date) -> int:
    still_to_come = loan.instalments.filter(is_current=True, due_date__gt=on).count()
    if loan.repayment_frequency == HARVEST:
        return 0
    return max(still_to_come, 1) * MONTHS_PER_PERIOD[loan.repayment_frequency]


def schedule_replace(
    loan: Loan, *, principal: Decimal, starts_on: datetime.date, term_months: int, grace_months: int
) -> None:
    """Replace the current schedule: interest already due and unpaid moves into the first new
    instalment; the old rows stay, no longer current, with what was paid against them."""
    old = current_instalments(loan)
    carried = sum(
        (
            row.interest + row.fees - row.interest_paid - row.fees_paid
            for row in old
            if row.due_date <= starts_on
        ),
        ZERO,
    )
    terms = loan_schedule_terms(
        loan, principal=principal, starts_on=starts_on, term_months=term_months, grace_months=grace_months
    )
    loan.instalments.filter(is_current=True).update(is_current=False)
    loan.schedule_version += 1
    loan.schedule_starts_on = starts_on
    schedule_write(loan, terms, version=loan.schedule_version, carried_interest=carried)
