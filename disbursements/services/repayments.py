"""Money paid back on a loan: recorded once per Idempotency-Key, allocated over the schedule,
reversed, and overpayments refunded to the group."""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid, WrongState
from core.parsing import parse_amount
from disbursements.allocation import Due, allocate
from disbursements.models import LIVE_LOAN_STATES, Instalment, Loan, LoanStatus, Refund, Repayment
from funds.ledger import credit, debit, ledger_post, ledger_reverse
from funds.models import Account, TransactionKind
from organizations.models import User

from .common import given_reason, not_before_approval, require_finance, today
from .loans import loan_credit_balance, locked_loan, refresh_status
from .schedules import current_instalments


class IdempotencyConflict(WrongState):
    default_message = _("This Idempotency-Key was already used with a different request.")


def _repayment_lines(repayment: Repayment) -> list:
    return [
        debit(Account.CASH, repayment.amount),
        # No fees are charged yet; were they, they would be income of the fund like interest.
        credit(Account.INTEREST_INCOME, repayment.interest + repayment.fees),
        credit(Account.LOANS_RECEIVABLE, repayment.principal),
        credit(Account.REPAYMENT_CREDITS, repayment.credit),
    ]


def _reallocate(loan: Loan, by: User, *, since: datetime.date) -> None:
    """Spread the loan's standing repayments over its current schedule again, in the order they were
    paid. A repayment whose split changes gets its ledger transaction reversed and posted anew, both
    booked on the day the change takes effect: ``since`` (the day of the event that moved it: a
    reversal's day, a backdated repayment's date) or the repayment's own date if later. Before that
    day the ledger keeps the split that stood, as the portfolio report for a past date does, and
    never counts the repayment twice."""
    instalments = current_instalments(loan)
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
        booked_on = repayment.paid_on
        if repayment.ledger_transaction_id:
            booked_on = max(repayment.paid_on, since)
            ledger_reverse(
                original=repayment.ledger_transaction, by=by, booked_on=booked_on,
                memo=f"Reallocation of repayment {repayment.pk}",
            )
        repayment.fees, repayment.interest, repayment.principal, repayment.credit = split.as_tuple()
        repayment.ledger_transaction = ledger_post(
            fund=loan.fund,
            kind=TransactionKind.REPAYMENT,
            booked_on=booked_on,
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


def _fingerprint(amount: Decimal, paid_on: datetime.date, reference: str) -> str:
    body = json.dumps(
        {"amount": str(amount), "paid_on": paid_on.isoformat(), "reference": reference}, sort_keys=True
    )
    return hashlib.sha256(body.encode()).hexdigest()


def repayment_record(
    *, loan_id: int, by: User, amount, paid_on: datetime.date, reference: str = "", idempotency_key: str,
    currency: str | None = None,
) -> tuple[Repayment, bool]:
    """Record money paid back. The same key with the same request returns the first repayment
    (``created`` is False); the same key with another request is refused. A repayment is in the loan's
    currency: ``currency``, when given, must be the loan's."""
    require_finance(by)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 255:
        raise Invalid({"idempotency_key": [_("Send an Idempotency-Key header (at most 255 characters).")]})
    reference = (reference or "").strip()[:100]
    with transaction.atomic():
        loan = locked_loan(loan_id)
        if currency not in (None, "", loan.currency):
            raise Invalid({"currency": [_("A repayment is recorded in the loan's currency, %(currency)s.")
                                        % {"currency": loan.currency}]})
        amount = parse_amount(amount, loan.currency)
        fingerprint = _fingerprint(amount, paid_on, reference)
        existing = Repayment.objects.filter(loan=loan, idempotency_key=key).first()
        if existing is not None:
            if existing.request_fingerprint != fingerprint:
                raise IdempotencyConflict()
            return existing, False
        if loan.status not in LIVE_LOAN_STATES:
            raise WrongState(_("Repayments are recorded on active loans only."))
        if paid_on > today():
            raise Invalid({"paid_on": [_("A repayment cannot be dated in the future.")]})
        not_before_approval(paid_on, loan.application, "paid_on")
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
        _reallocate(loan, by, since=paid_on)
        refresh_status(loan, by=by)
        repayment.refresh_from_db()
    return repayment, True


def repayment_reverse(*, repayment_id: int, by: User, reason: str) -> Repayment:
    """Undo a repayment (a bounced cheque, a mistake): its ledger transaction is reversed and the
    loan's other repayments are allocated again."""
    require_finance(by)
    reason = given_reason(reason)
    with transaction.atomic():
        loan_id = Repayment.objects.values_list("loan_id", flat=True).get(pk=repayment_id)
        loan = locked_loan(loan_id)
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
        _reallocate(loan, by, since=today())
        if loan_credit_balance(loan) < 0:
            raise WrongState(
                _("Part of this payment was refunded to the group; it can no longer be reversed.")
            )
        refresh_status(
            loan, by=by,
            reopen_reason=f"Repayment {repayment.reference or repayment.pk} reversed: {reason}",
        )
    return repayment


def loan_refund_record(*, loan_id: int, by: User, amount, paid_on: datetime.date,
                       reference: str = "") -> Refund:
    """Pay an overpayment back to the group, never more than the credit the loan holds."""
    require_finance(by)
    with transaction.atomic():
        loan = locked_loan(loan_id)
        amount = parse_amount(amount, loan.currency)
        balance = loan_credit_balance(loan)
        if amount > balance:
            raise Invalid({"amount": [
                _("The loan holds a credit of %(amount)s %(currency)s; no more can be refunded.")
                % {"amount": balance, "currency": loan.currency}
            ]})
        if paid_on > today():
            raise Invalid({"paid_on": [_("A refund cannot be dated in the future.")]})
        not_before_approval(paid_on, loan.application, "paid_on")
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
