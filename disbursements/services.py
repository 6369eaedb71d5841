"""Every change to disbursements, loans and repayments happens here, one function per action.

Each locks the row it changes, checks who acts and the state, moves the state through django-fsm and
posts the money to the fund's ledger, all in one transaction. Ledger entries are never edited: a
correction (a reversed repayment, a reallocation) is a new reversing transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as application_services
from applications.errors import Invalid, NotPermitted, WrongState
from applications.models import Application
from applications.workflow import Status as ApplicationStatus
from funds.ledger import credit, debit, fund_release_commitment, ledger_post, ledger_reverse
from funds.models import Account, FundKind, TransactionKind
from funds.money import minor_unit, quantize
from organizations.access import access_for

from . import events
from .allocation import Due, allocate
from .amortization import HARVEST, MONTHS_PER_PERIOD, ScheduleTerms, build_schedule
from .models import (
    LIVE_LOAN_STATES,
    Disbursement,
    DisbursementStatus,
    Instalment,
    Loan,
    LoanStatus,
    Payee,
    Recovery,
    Refund,
    Repayment,
)

ZERO = Decimal("0.00")


class IdempotencyConflict(WrongState):
    default_message = _("This Idempotency-Key was already used with a different request.")


# --------------------------------------------------------------------------- helpers


def _require_finance(by) -> None:
    if not access_for(by).is_finance:
        raise NotPermitted(_("Only finance staff may do this."))


def _today() -> datetime.date:
    return timezone.localdate()


def parse_amount(raw, currency: str, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise Invalid({field: [_("Give an amount such as 1500.00.")]}) from None
    if not amount.is_finite() or amount <= 0:
        raise Invalid({field: [_("The amount must be more than zero.")]})
    unit = minor_unit(currency)
    if amount != quantize(amount, unit):
        raise Invalid({field: [_("The amount has more decimals than the currency allows.")]})
    return quantize(amount, unit)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": [_("Give a reason.")]})
    return reason


# --------------------------------------------------------------------------- after acceptance


def on_application_transition(*, application: Application, log) -> None:
    """When the OPP accepts the conditions, the award's disbursement (and a loan's schedule) exist."""
    if log.transition != "accept_conditions":
        return
    disbursements_create_for_application(application=application)
    if application.fund.kind == FundKind.LOAN:
        loan_create_for_application(application=application)


def disbursements_create_for_application(*, application: Application) -> list[Disbursement]:
    """One pending tranche for the approved amount; does nothing when tranches already exist."""
    existing = list(application.disbursements.all())
    if existing:
        return existing
    certifier = (application.data or {}).get("certifier")
    if application.fund.code == "certification-subsidy" and certifier:
        payee_kind, payee_name = Payee.CERTIFIER, str(certifier)
    else:
        payee_kind, payee_name = Payee.ORGANIZATION, application.organization.legal_name
    return [
        Disbursement.objects.create(
            application=application,
            fund=application.fund,
            tranche=1,
            payee_kind=payee_kind,
            payee_name=payee_name[:255],
            amount=application.approved_amount,
            currency=application.fund.currency,
        )
    ]


def _locked_disbursement(disbursement_id: int) -> Disbursement:
    return Disbursement.objects.select_for_update().select_related("fund").get(pk=disbursement_id)


def _state_error(disbursement: Disbursement) -> WrongState:
    return WrongState(
        _("A disbursement that is “%(state)s” cannot do this.") % {"state": disbursement.get_status_display()}
    )


def disbursement_split(*, disbursement_id: int, by, amounts: list) -> list[Disbursement]:
    """Split a pending tranche into several; together they are the same amount."""
    _require_finance(by)
    with transaction.atomic():
        disbursement = _locked_disbursement(disbursement_id)
        if disbursement.status != DisbursementStatus.PENDING:
            raise _state_error(disbursement)
        parts = [parse_amount(raw, disbursement.currency, "amounts") for raw in amounts]
        if len(parts) < 2 or sum(parts) != disbursement.amount:
            raise Invalid(
                {
                    "amounts": [
                        _("Give two or more amounts that add up to %(amount)s.")
                        % {"amount": disbursement.money}
                    ]
                }
            )
        last = (
            Disbursement.objects.filter(application_id=disbursement.application_id)
            .order_by("-tranche")
            .values_list("tranche", flat=True)
            .first()
        )
        disbursement.amount = parts[0]
        disbursement.save(update_fields=["amount"])
        created = [
            Disbursement.objects.create(
                application_id=disbursement.application_id,
                fund=disbursement.fund,
                tranche=last + i,
                payee_kind=disbursement.payee_kind,
                payee_name=disbursement.payee_name,
                amount=amount,
                currency=disbursement.currency,
            )
            for i, amount in enumerate(parts[1:], start=1)
        ]
    return [disbursement, *created]


def disbursement_approve(*, disbursement_id: int, by) -> Disbursement:
    _require_finance(by)
    with transaction.atomic():
        disbursement = _locked_disbursement(disbursement_id)
        if disbursement.status == DisbursementStatus.APPROVED:
            return disbursement
        if disbursement.status != DisbursementStatus.PENDING:
            raise _state_error(disbursement)
        disbursement.approve()
        disbursement.approved_by = by
        disbursement.approved_at = timezone.now()
        disbursement.save()
    return disbursement


def disbursement_pay(
    *,
    disbursement_id: int,
    by,
    paid_on: datetime.date,
    reference: str,
    amount=None,
    currency: str | None = None,
    exchange_rate=None,
) -> Disbursement:
    """Record the payment: release the commitment, pay out of cash, activate a loan, start execution.

    ``amount`` is in the fund's currency (at most the tranche); ``currency`` and ``exchange_rate``
    (units of ``currency`` per unit of the fund's) record a payment made in another currency.
    """
    _require_finance(by)
    reference = (reference or "").strip()
    if not reference:
        raise Invalid({"reference": [_("Give the payment's reference.")]})
    if paid_on > _today():
        raise Invalid({"paid_on": [_("A payment cannot be dated in the future.")]})
    with transaction.atomic():
        disbursement = _locked_disbursement(disbursement_id)
        if disbursement.status == DisbursementStatus.PAID and disbursement.payment_reference == reference:
            return disbursement
        if disbursement.status != DisbursementStatus.APPROVED:
            raise _state_error(disbursement)
        fund = disbursement.fund
        paid = disbursement.amount if amount in (None, "") else parse_amount(amount, fund.currency)
        if paid > disbursement.amount:
            raise Invalid(
                {
                    "amount": [
                        _("At most %(amount)s can be paid on this tranche.") % {"amount": disbursement.money}
                    ]
                }
            )
        currency = (currency or fund.currency).upper()
        rate = _exchange_rate(exchange_rate, currency, fund.currency)
        application = Application.objects.select_related("fund", "organization").get(
            pk=disbursement.application_id
        )
        loan = None
        if fund.kind == FundKind.LOAN:
            loan = Loan.objects.select_for_update().get(application=application)
            if loan.status not in (LoanStatus.PENDING, *LIVE_LOAN_STATES):
                raise WrongState(_("This loan can no longer receive money."))
        fund_release_commitment(
            fund=fund,
            amount=paid,
            application=application,
            by=by,
            memo=f"Commitment released on payment {application.reference}/{disbursement.tranche}",
        )
        paid_out_to = Account.LOANS_RECEIVABLE if loan is not None else Account.GRANTS_PAID
        disbursement.ledger_transaction = ledger_post(
            fund=fund,
            kind=TransactionKind.DISBURSEMENT,
            booked_on=paid_on,
            by=by,
            application=application,
            source=disbursement,
            memo=f"Disbursement {application.reference}/{disbursement.tranche} {reference}",
            lines=[debit(paid_out_to, paid), credit(Account.CASH, paid)],
        )
        disbursement.pay()
        disbursement.paid_on = paid_on
        disbursement.paid_amount = paid
        disbursement.payment_reference = reference[:100]
        disbursement.payment_currency = currency
        disbursement.exchange_rate = rate
        disbursement.payment_amount = quantize(paid * rate, minor_unit(currency))
        disbursement.paid_by = by
        disbursement.save()
        if loan is not None:
            _loan_disbursed(loan, amount=paid, paid_on=paid_on)
        application_services.application_start_execution(application_id=application.pk)
        events.payment_recorded(disbursement=disbursement, application=application, loan=loan)
    return disbursement


def _exchange_rate(raw, currency: str, fund_currency: str) -> Decimal:
    if len(currency) != 3 or not currency.isalpha():
        raise Invalid({"currency": [_("Give an ISO 4217 currency code such as USD.")]})
    if raw in (None, ""):
        if currency != fund_currency:
            raise Invalid({"exchange_rate": [_("A payment in another currency needs its exchange rate.")]})
        return Decimal(1)
    try:
        rate = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        rate = Decimal(0)
    if not rate.is_finite() or rate <= 0:
        raise Invalid({"exchange_rate": [_("The exchange rate must be a positive number.")]})
    if currency == fund_currency and rate != 1:
        raise Invalid({"exchange_rate": [_("A payment in the fund's currency has a rate of 1.")]})
    return rate


def disbursement_fail(*, disbursement_id: int, by, reason: str) -> Disbursement:
    """The bank returned the payment or it could not be made; the commitment stays for a new try."""
    _require_finance(by)
    reason = _reason(reason)
    with transaction.atomic():
        disbursement = _locked_disbursement(disbursement_id)
        if disbursement.status == DisbursementStatus.FAILED:
            return disbursement
        if disbursement.status not in (DisbursementStatus.PENDING, DisbursementStatus.APPROVED):
            raise _state_error(disbursement)
        disbursement.fail()
        disbursement.reason = reason
        disbursement.save()
    return disbursement


def disbursement_cancel(*, disbursement_id: int, by, reason: str) -> Disbursement:
    """The tranche will not be paid: its commitment goes back to the fund."""
    _require_finance(by)
    reason = _reason(reason)
    with transaction.atomic():
        disbursement = _locked_disbursement(disbursement_id)
        if disbursement.status == DisbursementStatus.CANCELLED:
            return disbursement
        if disbursement.status not in (
            DisbursementStatus.PENDING,
            DisbursementStatus.APPROVED,
            DisbursementStatus.FAILED,
        ):
            raise _state_error(disbursement)
        disbursement.cancel()
        disbursement.reason = reason
        disbursement.save()
        application = Application.objects.get(pk=disbursement.application_id)
        fund_release_commitment(
            fund=disbursement.fund,
            amount=disbursement.amount,
            application=application,
            by=by,
            memo=f"Tranche cancelled {application.reference}/{disbursement.tranche}",
        )
    return disbursement


# --------------------------------------------------------------------------- loans and schedules


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


def _schedule_terms(
    loan: Loan, *, principal: Decimal, starts_on: datetime.date, term_months: int, grace_months: int
) -> ScheduleTerms:
    return schedule_terms(
        principal=principal, currency=loan.currency, annual_interest_rate=loan.annual_interest_rate,
        repayment_frequency=loan.repayment_frequency, schedule_method=loan.schedule_method,
        harvest_dates=loan.harvest_dates, term_months=term_months, grace_months=grace_months,
        starts_on=starts_on,
    )


def _write_schedule(
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
    starts_on = _today()
    loan.schedule_starts_on = starts_on
    loan.save(update_fields=["schedule_starts_on"])
    _write_schedule(
        loan,
        _schedule_terms(
            loan,
            principal=loan.principal,
            starts_on=starts_on,
            term_months=loan.term_months,
            grace_months=loan.grace_months,
        ),
        version=1,
    )
    return loan


def _current_instalments(loan: Loan) -> list[Instalment]:
    return list(loan.instalments.filter(is_current=True).order_by("n"))


def principal_outstanding(loan: Loan) -> Decimal:
    totals = loan.instalments.filter(is_current=True).aggregate(
        principal=Sum("principal"), paid=Sum("principal_paid")
    )
    return (totals["principal"] or ZERO) - (totals["paid"] or ZERO)


def _loan_disbursed(loan: Loan, *, amount: Decimal, paid_on: datetime.date) -> None:
    """First tranche: the schedule is built from the day it was paid. Later tranches: what is owed
    plus the new money is spread over the instalments still to come."""
    if loan.status == LoanStatus.PENDING:
        loan.instalments.all().delete()
        loan.disbursed_on = paid_on
        loan.disbursed_amount = amount
        loan.schedule_starts_on = paid_on
        loan.activate()
        loan.save()
        _write_schedule(
            loan,
            _schedule_terms(
                loan,
                principal=amount,
                starts_on=paid_on,
                term_months=loan.term_months,
                grace_months=loan.grace_months,
            ),
            version=loan.schedule_version,
        )
        return
    remaining_months = _months_left(loan, paid_on)
    loan.disbursed_amount += amount
    _new_schedule(
        loan,
        principal=principal_outstanding(loan) + amount,
        starts_on=paid_on,
        term_months=remaining_months,
        grace_months=0,
    )
    loan.save()


def _months_left(loan: Loan, on: datetime.date) -> int:
    still_to_come = loan.instalments.filter(is_current=True, due_date__gt=on).count()
    if loan.repayment_frequency == HARVEST:
        return 0
    return max(still_to_come, 1) * MONTHS_PER_PERIOD[loan.repayment_frequency]


def _new_schedule(
    loan: Loan, *, principal: Decimal, starts_on: datetime.date, term_months: int, grace_months: int
) -> None:
    """Replace the current schedule: interest already due and unpaid moves into the first new
    instalment; the old rows stay, no longer current, with what was paid against them."""
    old = _current_instalments(loan)
    carried = sum(
        (
            row.interest + row.fees - row.interest_paid - row.fees_paid
            for row in old
            if row.due_date <= starts_on
        ),
        ZERO,
    )
    terms = _schedule_terms(
        loan, principal=principal, starts_on=starts_on, term_months=term_months, grace_months=grace_months
    )
    loan.instalments.filter(is_current=True).update(is_current=False)
    loan.schedule_version += 1
    loan.schedule_starts_on = starts_on
    _write_schedule(loan, terms, version=loan.schedule_version, carried_interest=carried)


def _locked_loan(loan_id: int) -> Loan:
    return Loan.objects.select_for_update().select_related("fund").get(pk=loan_id)


def _repayment_lines(repayment: Repayment) -> list:
    return [
        debit(Account.CASH, repayment.amount),
        # No fees are charged yet; were they, they would be income of the fund like interest.
        credit(Account.INTEREST_INCOME, repayment.interest + repayment.fees),
        credit(Account.LOANS_RECEIVABLE, repayment.principal),
        credit(Account.REPAYMENT_CREDITS, repayment.credit),
    ]


def _reallocate(loan: Loan, by) -> None:
    """Spread the loan's standing repayments over its current schedule again, in the order they were
    paid. A repayment whose split changes gets its ledger transaction reversed and posted anew."""
    instalments = _current_instalments(loan)
    dues = [
        Due(key=row.pk, fees=row.fees, interest=row.interest, principal=row.principal) for row in instalments
    ]
    repayments = loan.repayments.filter(reversed_at__isnull=True, schedule_version=loan.schedule_version)
    for repayment in repayments.select_related("ledger_transaction").order_by("paid_on", "id"):
        split = allocate(dues, repayment.amount, repayment.paid_on)
        if repayment.ledger_transaction_id and split.as_tuple() == (
            repayment.fees,
            repayment.interest,
            repayment.principal,
            repayment.credit,
        ):
            continue
        if repayment.ledger_transaction_id:
            ledger_reverse(
                original=repayment.ledger_transaction, by=by, memo=f"Reallocation of repayment {repayment.pk}"
            )
        repayment.fees, repayment.interest, repayment.principal, repayment.credit = split.as_tuple()
        repayment.ledger_transaction = ledger_post(
            fund=loan.fund,
            kind=TransactionKind.REPAYMENT,
            booked_on=repayment.paid_on,
            by=by,
            application=loan.application,
            source=repayment,
            memo=f"Repayment {loan.application.reference} {repayment.reference}",
            lines=_repayment_lines(repayment),
        )
        repayment.save(update_fields=["fees", "interest", "principal", "credit", "ledger_transaction"])
    changed = []
    for row, due in zip(instalments, dues, strict=True):
        settled_on = due.paid_on or (row.due_date if due.unpaid == 0 else None)
        new = (due.fees_paid, due.interest_paid, due.principal_paid, settled_on)
        if new != (row.fees_paid, row.interest_paid, row.principal_paid, row.paid_on):
            row.fees_paid, row.interest_paid, row.principal_paid, row.paid_on = new
            changed.append(row)
    Instalment.objects.bulk_update(changed, ["fees_paid", "interest_paid", "principal_paid", "paid_on"])


def _refresh_status(loan: Loan, *, on: datetime.date | None = None, by=None) -> None:
    """Move the loan to the state its schedule says: repaid, in arrears or active."""
    on = on or _today()
    if loan.status == LoanStatus.WRITTEN_OFF:
        return
    instalments = _current_instalments(loan)
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


def _fingerprint(amount: Decimal, paid_on: datetime.date, reference: str) -> str:
    body = json.dumps(
        {"amount": str(amount), "paid_on": paid_on.isoformat(), "reference": reference}, sort_keys=True
    )
    return hashlib.sha256(body.encode()).hexdigest()


def repayment_record(
    *, loan_id: int, by, amount, paid_on: datetime.date, reference: str = "", idempotency_key: str
) -> tuple[Repayment, bool]:
    """Record money paid back. The same key with the same request returns the first repayment
    (``created`` is False); the same key with another request is refused."""
    _require_finance(by)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 255:
        raise Invalid({"idempotency_key": [_("Send an Idempotency-Key header (at most 255 characters).")]})
    reference = (reference or "").strip()[:100]
    with transaction.atomic():
        loan = _locked_loan(loan_id)
        amount = parse_amount(amount, loan.currency)
        fingerprint = _fingerprint(amount, paid_on, reference)
        existing = Repayment.objects.filter(loan=loan, idempotency_key=key).first()
        if existing is not None:
            if existing.request_fingerprint != fingerprint:
                raise IdempotencyConflict()
            return existing, False
        if loan.status not in LIVE_LOAN_STATES:
            raise WrongState(_("Repayments are recorded on active loans only."))
        if paid_on > _today():
            raise Invalid({"paid_on": [_("A repayment cannot be dated in the future.")]})
        if loan.schedule_starts_on and paid_on < loan.schedule_starts_on:
            raise Invalid(
                {
                    "paid_on": [
                        _("The repayment is dated before the current schedule starts (%(day)s).")
                        % {"day": loan.schedule_starts_on}
                    ]
                }
            )
        repayment = Repayment.objects.create(
            loan=loan,
            amount=amount,
            currency=loan.currency,
            paid_on=paid_on,
            reference=reference,
            idempotency_key=key,
            request_fingerprint=fingerprint,
            schedule_version=loan.schedule_version,
            recorded_by=by,
        )
        _reallocate(loan, by)
        _refresh_status(loan, by=by)
        repayment.refresh_from_db()
    return repayment, True


def repayment_reverse(*, repayment_id: int, by, reason: str) -> Repayment:
    """Undo a repayment (a bounced cheque, a mistake): its ledger transaction is reversed and the
    loan's other repayments are allocated again."""
    _require_finance(by)
    reason = _reason(reason)
    with transaction.atomic():
        loan_id = Repayment.objects.values_list("loan_id", flat=True).get(pk=repayment_id)
        loan = _locked_loan(loan_id)
        repayment = Repayment.objects.select_related("ledger_transaction").get(pk=repayment_id)
        if repayment.is_reversed:
            return repayment
        if repayment.schedule_version != loan.schedule_version or loan.status == LoanStatus.WRITTEN_OFF:
            raise WrongState(
                _("A repayment made before the loan was rescheduled or written off cannot be reversed.")
            )
        ledger_reverse(
            original=repayment.ledger_transaction, by=by, memo=f"Repayment {repayment.pk} reversed"
        )
        repayment.reversed_at = timezone.now()
        repayment.reversed_by = by
        repayment.reversal_reason = reason
        repayment.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
        _reallocate(loan, by)
        if loan_credit_balance(loan) < 0:
            raise WrongState(
                _("Part of this payment was refunded to the group; it can no longer be reversed.")
            )
        _refresh_status(loan, by=by)
    return repayment


def loan_reschedule(
    *, loan_id: int, by, starts_on: datetime.date, term_months: int, reason: str, grace_months: int = 0
) -> Loan:
    """A new schedule for the principal still owed, from ``starts_on``. The loan counts as
    rescheduled (at risk) in PAR30 from then on."""
    _require_finance(by)
    reason = _reason(reason)
    with transaction.atomic():
        loan = _locked_loan(loan_id)
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
        _new_schedule(
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
        _refresh_status(loan, by=by)
    return loan


def loan_write_off_propose(*, loan_id: int, by, reason: str) -> Loan:
    _require_finance(by)
    reason = _reason(reason)
    with transaction.atomic():
        loan = _locked_loan(loan_id)
        if loan.status not in LIVE_LOAN_STATES:
            raise WrongState(_("Only an active loan can be written off."))
        loan.write_off_proposed_by = by
        loan.write_off_proposed_at = timezone.now()
        loan.write_off_reason = reason
        loan.save(update_fields=["write_off_proposed_by", "write_off_proposed_at", "write_off_reason"])
    return loan


def loan_write_off_approve(*, loan_id: int, by, on: datetime.date | None = None) -> Loan:
    """A second person (finance or an administrator, not the proposer) approves the write-off: the
    principal still owed leaves the loans outstanding for the write-offs account."""
    access = access_for(by)
    if not (access.is_finance or access.is_administrator):
        raise NotPermitted(_("Only finance staff or an administrator may approve a write-off."))
    on = on or _today()
    with transaction.atomic():
        loan = _locked_loan(loan_id)
        if loan.status == LoanStatus.WRITTEN_OFF:
            return loan
        if loan.status not in LIVE_LOAN_STATES or loan.write_off_proposed_by_id is None:
            raise WrongState(_("Propose the write-off first."))
        if loan.write_off_proposed_by_id == by.pk:
            raise NotPermitted(_("The write-off must be approved by someone other than its proposer."))
        amount = principal_outstanding(loan)
        if amount > 0:
            ledger_post(
                fund=loan.fund,
                kind=TransactionKind.WRITE_OFF,
                booked_on=on,
                by=by,
                application=loan.application,
                source=loan,
                memo=f"Write-off {loan.application.reference}",
                lines=[debit(Account.WRITE_OFFS, amount), credit(Account.LOANS_RECEIVABLE, amount)],
            )
        loan.write_off()
        loan.written_off_by = by
        loan.written_off_on = on
        loan.written_off_amount = amount
        loan.save()
        application = Application.objects.get(pk=loan.application_id)
        if application.status in (ApplicationStatus.IN_EXECUTION, ApplicationStatus.REPORTING):
            application_services.application_close(
                application_id=application.pk, by=None, reason="Loan written off"
            )
    return loan


def loan_recovery_record(
    *, loan_id: int, by, amount, received_on: datetime.date, reference: str = ""
) -> Recovery:
    """Money received on a written-off loan: income of the fund, up to what was written off."""
    _require_finance(by)
    with transaction.atomic():
        loan = _locked_loan(loan_id)
        if loan.status != LoanStatus.WRITTEN_OFF:
            raise WrongState(_("Recoveries are recorded on written-off loans; record a repayment instead."))
        amount = parse_amount(amount, loan.currency)
        recovered = loan.recoveries.aggregate(total=Sum("amount"))["total"] or ZERO
        if recovered + amount > loan.written_off_amount:
            raise Invalid(
                {
                    "amount": [
                        _("At most %(amount)s %(currency)s is still to recover.")
                        % {"amount": loan.written_off_amount - recovered, "currency": loan.currency}
                    ]
                }
            )
        if received_on > _today():
            raise Invalid({"received_on": [_("A recovery cannot be dated in the future.")]})
        tx = ledger_post(
            fund=loan.fund,
            kind=TransactionKind.RECOVERY,
            booked_on=received_on,
            by=by,
            application=loan.application,
            source=loan,
            memo=f"Recovery {loan.application.reference} {reference}",
            lines=[debit(Account.CASH, amount), credit(Account.RECOVERIES, amount)],
        )
        return Recovery.objects.create(
            loan=loan,
            amount=amount,
            currency=loan.currency,
            received_on=received_on,
            reference=(reference or "")[:100],
            recorded_by=by,
            ledger_transaction=tx,
        )


def loan_credit_balance(loan: Loan) -> Decimal:
    """What overpayments left on the loan and has not been paid back yet."""
    credited = loan.repayments.filter(reversed_at__isnull=True).aggregate(total=Sum("credit"))["total"]
    refunded = loan.refunds.aggregate(total=Sum("amount"))["total"]
    return (credited or ZERO) - (refunded or ZERO)


def loan_refund_record(*, loan_id: int, by, amount, paid_on: datetime.date, reference: str = "") -> Refund:
    """Pay an overpayment back to the group, never more than the credit the loan holds."""
    _require_finance(by)
    with transaction.atomic():
        loan = _locked_loan(loan_id)
        amount = parse_amount(amount, loan.currency)
        balance = loan_credit_balance(loan)
        if amount > balance:
            raise Invalid({"amount": [
                _("The loan holds a credit of %(amount)s %(currency)s; no more can be refunded.")
                % {"amount": balance, "currency": loan.currency}
            ]})
        if paid_on > _today():
            raise Invalid({"paid_on": [_("A refund cannot be dated in the future.")]})
        tx = ledger_post(
            fund=loan.fund,
            kind=TransactionKind.REFUND,
            booked_on=paid_on,
            by=by,
            application=loan.application,
            source=loan,
            memo=f"Refund {loan.application.reference} {reference}",
            lines=[debit(Account.REPAYMENT_CREDITS, amount), credit(Account.CASH, amount)],
        )
        return Refund.objects.create(
            loan=loan, amount=amount, currency=loan.currency, paid_on=paid_on,
            reference=(reference or "")[:100], recorded_by=by, ledger_transaction=tx,
        )


def loans_refresh_arrears(*, on: datetime.date | None = None) -> int:
    """Daily: move loans into or out of arrears. Only the loans whose state is wrong are touched."""
    from .selectors import loans_needing_status_change

    moved = 0
    for loan_id in loans_needing_status_change(on=on or _today()):
        with transaction.atomic():
            loan = _locked_loan(loan_id)
            before = loan.status
            _refresh_status(loan, on=on)
            moved += loan.status != before
    return moved
