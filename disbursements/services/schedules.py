"""A loan's repayment schedule: the engine's terms for a loan, writing a schedule, replacing it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from core.errors import Invalid
from core.money import minor_unit
from disbursements.amortization import HARVEST, MONTHS_PER_PERIOD, ScheduleTerms, build_schedule, days_30e_360
from disbursements.models import Instalment, Loan
from disbursements.notes import GRACE_SHORTENED, HARVESTS_PASSED
from funds.lending import add_months, harvest_grace_instalments

from .common import ZERO


def _periods(frequency: str, months: int) -> int:
    return months // MONTHS_PER_PERIOD[frequency]


def schedule_terms(
    *, principal: Decimal, currency: str, annual_interest_rate, repayment_frequency: str,
    schedule_method: str, harvest_dates, term_months: int, grace_months: int, starts_on: datetime.date,
    grace_ends_on: datetime.date | None = None, notes: list | None = None,
) -> ScheduleTerms:
    """The engine's terms for a youth-fund loan: the one rule used for the loan itself, for the
    schedule its decision letter shows and for a reschedule's preview. Regular repayments take the
    term and grace in whole periods. Harvest repayments fall on the named dates after ``starts_on``;
    those within the grace (``grace_months`` from ``starts_on``) pay interest only, the last harvest
    always repays principal. Dates out of order or unreadable are refused, never reordered.

    ``grace_ends_on`` (a later tranche) keeps the grace approved at the first payment: the new
    instalments due by that day pay interest only, whatever ``grace_months`` says.

    Nothing is adjusted silently: harvests already past on ``starts_on`` and a grace shortened so that
    the last instalment repays principal are appended to ``notes`` (see ``disbursements.notes``), which
    the loan records; with no harvest left the terms are refused."""
    if repayment_frequency == HARVEST:
        try:
            dates = [datetime.date.fromisoformat(str(day)) for day in harvest_dates]
        except ValueError:
            message = _("Give each harvest date as a date such as 2026-05-31.")
            raise Invalid({"harvest_dates": [message]}) from None
        if dates != sorted(set(dates)):
            raise Invalid({"harvest_dates": [_("Harvest dates must be distinct and in order.")]})
        passed = [day for day in dates if day <= starts_on]
        dates = tuple(day for day in dates if day > starts_on)
        if not dates:
            raise Invalid({"harvest_dates": [_("No harvest date falls after %(day)s.") % {"day": starts_on}]})
        if passed and notes is not None:
            notes.append({"code": HARVESTS_PASSED, "on": starts_on.isoformat(),
                          "dates": [day.isoformat() for day in passed], "remaining": len(dates)})
        instalments = len(dates)
        if grace_ends_on is not None:
            grace = sum(1 for day in dates if day <= grace_ends_on)
        else:
            grace = harvest_grace_instalments(dates, starts_on=starts_on, grace_months=grace_months)
    else:
        instalments = max(_periods(repayment_frequency, term_months), 1)
        if grace_ends_on is not None:
            months = MONTHS_PER_PERIOD[repayment_frequency]
            grace = sum(
                1 for k in range(1, instalments + 1) if add_months(starts_on, k * months) <= grace_ends_on
            )
        else:
            grace = _periods(repayment_frequency, grace_months)
        dates = ()
    if grace > instalments - 1:
        if notes is not None:
            notes.append({"code": GRACE_SHORTENED, "on": starts_on.isoformat(), "covered": grace,
                          "applied": instalments - 1, "instalments": instalments})
        grace = instalments - 1
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
    loan: Loan, *, principal: Decimal, starts_on: datetime.date, term_months: int, grace_months: int,
    grace_ends_on: datetime.date | None = None, harvest_dates=None, notes: list | None = None,
) -> ScheduleTerms:
    return schedule_terms(
        principal=principal, currency=loan.currency, annual_interest_rate=loan.annual_interest_rate,
        repayment_frequency=loan.repayment_frequency, schedule_method=loan.schedule_method,
        harvest_dates=loan.harvest_dates if harvest_dates is None else harvest_dates,
        term_months=term_months, grace_months=grace_months, starts_on=starts_on, grace_ends_on=grace_ends_on,
        notes=notes,
    )


@dataclass(frozen=True)
class PlannedInstalment:
    n: int
    due_date: datetime.date
    principal: Decimal
    interest: Decimal  # the period's own interest plus ``carried_interest``
    carried_interest: Decimal = ZERO  # from the schedule it replaces; negative: interest prepaid

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


@dataclass(frozen=True)
class SchedulePlan:
    """A new schedule for a loan, before anything is written: what a reschedule or a later tranche
    would give, and how the interest of the schedule it replaces is carried over."""

    starts_on: datetime.date
    principal: Decimal
    interest_due: Decimal  # due on instalments up to ``starts_on`` and not paid
    interest_accrued: Decimal  # of the period in progress, from its start to ``starts_on``
    interest_prepaid: Decimal  # paid on instalments not yet due, kept as paid
    overdue_instalments: int  # instalments due before ``starts_on`` with something unpaid
    overdue_amount: Decimal
    rows: tuple[PlannedInstalment, ...]
    version: int

    @property
    def carried_interest(self) -> Decimal:
        return self.interest_due + self.interest_accrued - self.interest_prepaid

    @property
    def total_interest(self) -> Decimal:
        return sum((row.interest for row in self.rows), ZERO)


def schedule_plan(loan: Loan, terms: ScheduleTerms) -> SchedulePlan:
    """The schedule ``terms`` give, replacing the loan's current one from ``terms.disbursed_on``.

    Interest is neither lost nor charged twice: what was due and unpaid, plus the interest of the
    period in progress accrued to the new start (the period's own interest in proportion to its
    30E/360 days elapsed, rounded half-even), is added to the first new instalment; interest
    already paid on instalments not yet due is deducted from the new interest, first instalments
    first. Reads only; writes nothing."""
    starts_on = terms.disbursed_on
    minor = terms.minor_unit
    old = current_instalments(loan)
    due = [row for row in old if row.due_date <= starts_on]
    later = [row for row in old if row.due_date > starts_on]
    interest_due = sum((row.interest + row.fees - row.interest_paid - row.fees_paid for row in due), ZERO)
    overdue = [row for row in due if row.due_date < starts_on and row.unpaid > 0]
    accrued = ZERO
    if later:
        current = later[0]
        period_start = due[-1].due_date if due else (loan.schedule_starts_on or starts_on)
        own = current.interest - current.carried_interest
        period_days = days_30e_360(period_start, current.due_date)
        elapsed = max(days_30e_360(period_start, starts_on), 0)
        if period_days > 0 and elapsed:
            accrued = min((own * elapsed / period_days).quantize(minor, ROUND_HALF_EVEN), own)
        accrued += sum((row.carried_interest for row in later), ZERO)
    prepaid = sum((row.interest_paid + row.fees_paid for row in later), ZERO)
    carried = interest_due + accrued - prepaid
    rows = []
    credit = -carried if carried < 0 else ZERO
    for row in build_schedule(terms).rows:
        extra = carried if (row.n == 1 and carried > 0) else ZERO
        taken = min(credit, row.interest)
        credit -= taken
        rows.append(
            PlannedInstalment(
                n=row.n, due_date=row.due_date, principal=row.principal,
                interest=row.interest + extra - taken, carried_interest=extra - taken,
            )
        )
    if credit > 0:
        raise Invalid({"non_field_errors": [
            _("The group prepaid more interest than the new schedule charges; refund %(amount)s first.")
            % {"amount": credit}
        ]})
    return SchedulePlan(
        starts_on=starts_on, principal=terms.principal, interest_due=interest_due, interest_accrued=accrued,
        interest_prepaid=prepaid, overdue_instalments=len(overdue),
        overdue_amount=sum((row.unpaid for row in overdue), ZERO), rows=tuple(rows),
        version=loan.schedule_version + 1,
    )


def schedule_write(loan: Loan, rows, *, version: int) -> None:
    """Write ``rows`` (the engine's instalments or a plan's) as the loan's current schedule."""
    Instalment.objects.bulk_create(
        Instalment(
            loan=loan,
            version=version,
            is_current=True,
            n=row.n,
            due_date=row.due_date,
            principal=row.principal,
            interest=row.interest,
            carried_interest=getattr(row, "carried_interest", ZERO),
            # Nothing is owed on an empty instalment (a loan amortised early by rounding).
            paid_on=row.due_date if row.total == 0 else None,
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


def grace_ends_on(loan: Loan) -> datetime.date | None:
    """The day the grace on principal approved for the loan ends (from its first payment)."""
    if not loan.grace_months or loan.disbursed_on is None:
        return None
    return add_months(loan.disbursed_on, loan.grace_months)


def months_left(loan: Loan, on: datetime.date) -> int:
    still_to_come = loan.instalments.filter(is_current=True, due_date__gt=on).count()
    if loan.repayment_frequency == HARVEST:
        return 0
    return max(still_to_come, 1) * MONTHS_PER_PERIOD[loan.repayment_frequency]


def schedule_replace(loan: Loan, plan: SchedulePlan, *, harvest_dates=None) -> None:
    """Make ``plan`` the loan's current schedule; the old rows stay, no longer current, with what
    was paid against them."""
    loan.instalments.filter(is_current=True).update(is_current=False)
    loan.schedule_version = plan.version
    loan.schedule_starts_on = plan.starts_on
    if harvest_dates is not None:
        loan.harvest_dates = [str(day) for day in harvest_dates]
    schedule_write(loan, plan.rows, version=plan.version)
