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
from applications.models import Application
from applications.workflow import Status as ApplicationStatus
from core.errors import Invalid, WrongState
from disbursements import events
from disbursements.amortization import HARVEST, MONTHS_PER_PERIOD, build_schedule
from disbursements.models import LIVE_LOAN_STATES, Loan, LoanStatus
from disbursements.notes import HARVESTS_PASSED
from disbursements.selectors import loans_needing_status_change
from funds.lending import harvest_dates_checked, months_spanned
from organizations.models import User

from .common import ZERO, given_reason, require_finance, today
from .schedules import (
    SchedulePlan,
    current_instalments,
    grace_ends_on,
    loan_schedule_terms,
    months_left,
    principal_outstanding,
    schedule_plan,
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
        build_schedule(
            loan_schedule_terms(
                loan,
                principal=loan.principal,
                starts_on=starts_on,
                term_months=loan.term_months,
                grace_months=loan.grace_months,
            )
        ).rows,
        version=1,
    )
    return loan


def loan_disbursed(
    loan: Loan, *, amount: Decimal, paid_on: datetime.date, tranche: int, restructure_overdue: bool = False
) -> None:
    """First tranche: the schedule is built from the day it was paid. Later tranches: what is owed
    plus the new money is spread over the instalments still to come, with the approved method and
    what is left of the approved grace. Overdue instalments are never folded into the new schedule
    silently: finance must choose to restructure them, and the loan then counts as rescheduled."""
    notes: list[dict] = []
    if loan.status == LoanStatus.PENDING:
        terms = loan_schedule_terms(
            loan, principal=amount, starts_on=paid_on, term_months=loan.term_months,
            grace_months=loan.grace_months, notes=notes,
        )
        loan.instalments.all().delete()
        loan.disbursed_on = paid_on
        loan.disbursed_amount = amount
        loan.schedule_starts_on = paid_on
        _record_notes(loan, notes, version=loan.schedule_version)
        loan.activate()
        loan.save()
        schedule_write(loan, build_schedule(terms).rows, version=loan.schedule_version)
        return
    terms = loan_schedule_terms(
        loan,
        principal=principal_outstanding(loan) + amount,
        starts_on=paid_on,
        term_months=months_left(loan, paid_on),
        grace_months=0,
        grace_ends_on=grace_ends_on(loan) or paid_on,
        notes=notes,
    )
    plan = schedule_plan(loan, terms)
    # Harvests before this tranche stay in the schedule it replaces: only a shortened grace is news.
    _record_notes(loan, [note for note in notes if note["code"] != HARVESTS_PASSED], version=plan.version)
    if plan.overdue_instalments:
        if not restructure_overdue:
            raise Invalid({"restructure_overdue": [
                _("%(count)d instalments (%(amount)s %(currency)s) are overdue. Collect them first, or "
                  "restructure them into the new schedule: the loan then counts as rescheduled.")
                % {"count": plan.overdue_instalments, "amount": plan.overdue_amount,
                   "currency": loan.currency}
            ]})
        loan.is_rescheduled = True
        loan.rescheduled_at = timezone.now()
        loan.reschedule_reason = f"Overdue instalments restructured with tranche {tranche}"
    loan.disbursed_amount += amount
    schedule_replace(loan, plan)
    loan.save()


def _record_notes(loan: Loan, notes: list[dict], *, version: int) -> None:
    """Keep what the schedule engine adjusted on the loan (and so in its history), for that version."""
    if notes:
        noted = [{**note, "version": version} for note in notes]
        loan.schedule_notes = [*(loan.schedule_notes or []), *noted]


def locked_loan(loan_id: int) -> Loan:
    return Loan.objects.select_for_update().select_related("fund").get(pk=loan_id)


def refresh_status(
    loan: Loan, *, on: datetime.date | None = None, by: User | None = None, reopen_reason: str = ""
) -> None:
    """Move the loan to the state its schedule says: repaid, in arrears or active. A repaid loan
    owed again (its last repayment reversed) reopens its closed file, for ``reopen_reason``."""
    on = on or today()
    if loan.status == LoanStatus.WRITTEN_OFF:
        return
    instalments = current_instalments(loan)
    owed = sum((row.unpaid for row in instalments), ZERO)
    late = any(row.unpaid > 0 and row.due_date < on for row in instalments)
    if loan.status == LoanStatus.REPAID and owed > 0:
        loan.activate()
        status = Application.objects.values_list("status", flat=True).get(pk=loan.application_id)
        if status == ApplicationStatus.CLOSED:
            application_services.application_reopen(
                application_id=loan.application_id, by=None, reason=reopen_reason or "Loan owed again"
            )
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


def _reschedule_plan(
    loan: Loan, *, starts_on: datetime.date, term_months: int | None, grace_months: int, harvest_dates=None
) -> tuple[SchedulePlan, list | None]:
    """Check a reschedule's terms against the loan and the fund's limits; the plan it would give."""
    if loan.status not in LIVE_LOAN_STATES:
        raise WrongState(_("Only an active loan can be rescheduled."))
    if starts_on > today():
        raise Invalid({"starts_on": [_("A reschedule cannot be dated in the future.")]})
    application = loan.application
    params = loan.fund.parameters_on((application.submitted_at or application.created_at).date())
    errors: dict[str, list] = {}
    if not 0 <= grace_months <= params.max_grace_months:
        errors["grace_months"] = [_("Grace is from 0 to %d months.") % params.max_grace_months]
    dates = None
    if loan.repayment_frequency == HARVEST:
        if harvest_dates is None:
            harvest_dates = [day for day in loan.harvest_dates if str(day) > starts_on.isoformat()]
        dates = harvest_dates_checked(
            harvest_dates, after=starts_on, max_term_months=params.max_term_months,
            grace_months=grace_months if not errors else None, errors=errors,
        )
        term_months = months_spanned(starts_on, dates[-1]) if dates else 0
    else:
        months = MONTHS_PER_PERIOD[loan.repayment_frequency]
        if term_months is None or not 1 <= term_months <= params.max_term_months:
            errors["term_months"] = [_("The term is from 1 to %d months.") % params.max_term_months]
        elif term_months % months or grace_months % months or grace_months >= term_months:
            errors["term_months"] = [
                _("The term must be a whole number of repayment periods, longer than the grace.")
            ]
    if errors:
        raise Invalid(errors)
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
    terms = loan_schedule_terms(
        loan, principal=outstanding, starts_on=starts_on, term_months=term_months,
        grace_months=grace_months, harvest_dates=dates,
    )
    return schedule_plan(loan, terms), dates


def loan_reschedule_preview(
    *, loan_id: int, by: User, starts_on: datetime.date, term_months: int | None = None,
    grace_months: int = 0, harvest_dates: list | None = None,
) -> SchedulePlan:
    """The schedule ``loan_reschedule`` would give with the same terms, without changing anything:
    its rows and the interest carried over (due, accrued to ``starts_on``, prepaid). Raises the same
    errors as ``loan_reschedule``, and is for the same people: finance."""
    require_finance(by)
    loan = Loan.objects.select_related("fund", "application").get(pk=loan_id)
    plan, _dates = _reschedule_plan(
        loan, starts_on=starts_on, term_months=term_months, grace_months=grace_months,
        harvest_dates=harvest_dates,
    )
    return plan


def loan_reschedule(
    *, loan_id: int, by: User, starts_on: datetime.date, term_months: int | None = None, reason: str,
    grace_months: int = 0, harvest_dates: list | None = None,
) -> Loan:
    """A new schedule for the principal still owed, from ``starts_on`` (today at the latest), within
    the fund's limits on term and grace. Interest is carried over as ``loan_reschedule_preview``
    shows. The loan counts as rescheduled (at risk) in PAR30 from then on."""
    require_finance(by)
    reason = given_reason(reason)
    with transaction.atomic():
        loan = locked_loan(loan_id)
        plan, dates = _reschedule_plan(
            loan, starts_on=starts_on, term_months=term_months, grace_months=grace_months,
            harvest_dates=harvest_dates,
        )
        schedule_replace(loan, plan, harvest_dates=dates)
        loan.is_rescheduled = True
        loan.rescheduled_at = timezone.now()
        loan.reschedule_reason = reason
        loan.save()
        refresh_status(loan, by=by)
        events.loan_rescheduled(loan=loan, application=loan.application, reason=reason)
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
