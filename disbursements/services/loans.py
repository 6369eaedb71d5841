"""A loan's life: created on acceptance, given its schedule when the money is paid, rescheduled, and
moved between active, in arrears and repaid as its schedule says."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as application_services
from applications.errors import Invalid, WrongState
from applications.models import Application
from applications.workflow import Status as ApplicationStatus
from disbursements.amortization import HARVEST, MONTHS_PER_PERIOD
from disbursements.models import LIVE_LOAN_STATES, Loan, LoanStatus
from disbursements.selectors import loans_needing_status_change

from .common import ZERO, given_reason, require_finance, today
from .schedules import (
    current_instalments,
    loan_schedule_terms,
    months_left,
    principal_outstanding,
    schedule_replace,
    schedule_write,
)


def loan_create_for_application(*, application: Application) -> Loan:
    """The loan of an accepted youth-fund award, with a provisional schedule from today's date; the
    schedule is built again from the day the money is paid."""
    existing = Loan.objects.filter(application=application).first()
    if existing is not None:
        return existing
    terms = application.decision_terms or {}
    loan = Loan.objects.create(
        application=application,
        fund=application.fund,
        principal=application.approved_amount,
        currency=application.fund.currency,
        annual_interest_rate=Decimal(str(terms.get("annual_interest_rate", "0"))),
        term_months=int(terms.get("term_months") or application.data.get("term_months") or 12),
        grace_months=int(terms.get("grace_months") or 0),
        repayment_frequency=terms.get("repayment_frequency", "monthly"),
        schedule_method=terms.get("schedule_method", "declining_balance"),
        harvest_dates=list(terms.get("harvest_dates") or []),
    )
    starts_on = today()
    loan.schedule_starts_on = starts_on
    loan.save(update_fields=["schedule_starts_on"])
    schedule_write(
        loan,
        loan_schedule_terms(
            loan,
            principal=loan.principal,
            starts_on=starts_on,
            term_months=loan.term_months,
            grace_months=loan.grace_months,
        ),
        version=1,
    )
    return loan


def loan_disbursed(loan: Loan, *, amount: Decimal, paid_on: datetime.date) -> None:
    """First tranche: the schedule is built from the day it was paid. Later tranches: what is owed
    plus the new money is spread over the instalments still to come."""
    if loan.status == LoanStatus.PENDING:
        loan.instalments.all().delete()
        loan.disbursed_on = paid_on
        loan.disbursed_amount = amount
        loan.schedule_starts_on = paid_on
        loan.activate()
        loan.save()
        schedule_write(
            loan,
            loan_schedule_terms(
                loan,
                principal=amount,
                starts_on=paid_on,
                term_months=loan.term_months,
                grace_months=loan.grace_months,
            ),
            version=loan.schedule_version,
        )
        return
    remaining_months = months_left(loan, paid_on)
    loan.disbursed_amount += amount
    schedule_replace(
        loan,
        principal=principal_outstanding(loan) + amount,
        starts_on=paid_on,
        term_months=remaining_months,
        grace_months=0,
    )
    loan.save()


def locked_loan(loan_id: int) -> Loan:
    return Loan.objects.select_for_update().select_related("fund").get(pk=loan_id)


def refresh_status(loan: Loan, *, on: datetime.date | None = None, by=None) -> None:
    """Move the loan to the state its schedule says: repaid, in arrears or active."""
    on = on or today()
    if loan.status == LoanStatus.WRITTEN_OFF:
        return
    instalments = current_instalments(loan)
    owed = sum((row.unpaid for row in instalments), ZERO)
    late = any(row.unpaid > 0 and row.due_date < on for row in instalments)
    if loan.status == LoanStatus.REPAID and owed > 0:
        loan.activate()
    if owed == 0 and loan.status in LIVE_LOAN_STATES:
        loan.repay()
        loan.save()
        application = Application.objects.get(pk=loan.application_id)
        if application.status in (ApplicationStatus.IN_EXECUTION, ApplicationStatus.REPORTING):
            application_services.application_close(
                application_id=application.pk, by=None, reason="Loan repaid in full"
            )
        return
    if late and loan.status == LoanStatus.ACTIVE:
        loan.fall_into_arrears()
    elif not late and loan.status == LoanStatus.IN_ARREARS:
        loan.catch_up()
    loan.save()


def loan_reschedule(
    *, loan_id: int, by, starts_on: datetime.date, term_months: int, reason: str, grace_months: int = 0
) -> Loan:
    """A new schedule for the principal still owed, from ``starts_on``. The loan counts as
    rescheduled (at risk) in PAR30 from then on."""
    require_finance(by)
    reason = given_reason(reason)
    with transaction.atomic():
        loan = locked_loan(loan_id)
        if loan.status not in LIVE_LOAN_STATES:
            raise WrongState(_("Only an active loan can be rescheduled."))
        if loan.repayment_frequency != HARVEST:
            months = MONTHS_PER_PERIOD[loan.repayment_frequency]
            if (
                term_months < months
                or term_months % months
                or grace_months % months
                or grace_months >= term_months
            ):
                raise Invalid(
                    {
                        "term_months": [
                            _("The term must be a whole number of repayment periods, longer than the grace.")
                        ]
                    }
                )
        if loan.schedule_starts_on and starts_on < loan.schedule_starts_on:
            raise Invalid({"starts_on": [_("The new schedule cannot start before the current one.")]})
        last_paid = (
            loan.repayments.filter(reversed_at__isnull=True)
            .order_by("-paid_on")
            .values_list("paid_on", flat=True)
            .first()
        )
        if last_paid and starts_on < last_paid:
            raise Invalid({"starts_on": [_("The new schedule cannot start before the last repayment.")]})
        outstanding = principal_outstanding(loan)
        if outstanding <= 0:
            raise WrongState(_("Nothing is owed on this loan's principal."))
        schedule_replace(
            loan,
            principal=outstanding,
            starts_on=starts_on,
            term_months=term_months,
            grace_months=grace_months,
        )
        loan.is_rescheduled = True
        loan.rescheduled_at = timezone.now()
        loan.reschedule_reason = reason
        loan.save()
        refresh_status(loan, by=by)
    return loan


def loan_credit_balance(loan: Loan) -> Decimal:
    """What overpayments left on the loan and has not been paid back yet."""
    credited = loan.repayments.filter(reversed_at__isnull=True).aggregate(total=Sum("credit"))["total"]
    refunded = loan.refunds.aggregate(total=Sum("amount"))["total"]
    return (credited or ZERO) - (refunded or ZERO)


def loans_refresh_arrears(*, on: datetime.date | None = None) -> int:
    """Daily: move loans into or out of arrears. Only the loans whose state is wrong are touched."""
    moved = 0
    for loan_id in loans_needing_status_change(on=on or today()):
        with transaction.atomic():
            loan = locked_loan(loan_id)
            before = loan.status
            refresh_status(loan, on=on)
            moved += loan.status != before
    return moved
