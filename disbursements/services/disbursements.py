"""Disbursements: the award's tranches, created when the OPP accepts the conditions, then split,
approved, paid (releasing the commitment and paying out of cash), failed or cancelled."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as application_services
from applications.models import Application
from core.errors import Invalid, NotPermitted, WrongState
from core.money import Money, minor_unit, quantize
from core.parsing import parse_amount
from disbursements.models import (
    LIVE_LOAN_STATES,
    Disbursement,
    DisbursementStatus,
    Loan,
    LoanStatus,
    Remainder,
)
from funds.ledger import credit, debit, fund_release_commitment, ledger_post
from funds.models import Account, TransactionKind
from organizations.models import User

from .. import events
from .common import given_reason, not_before_approval, require_finance, today
from .loans import loan_create_for_application, loan_disbursed


class ApproverMayNotPay(NotPermitted):
    """Separation of duties: the officer who approved a disbursement may not pay it (403)."""


def on_application_transition(*, application: Application, log) -> None:
    """When the OPP accepts the conditions, the award's disbursement (and a loan's schedule) exist."""
    if log.transition != "accept_conditions":
        return
    disbursements_create_for_application(application=application)
    if application.fund.lends:
        loan_create_for_application(application=application)


def disbursements_create_for_application(*, application: Application) -> list[Disbursement]:
    """One pending tranche for the approved amount; does nothing when tranches already exist."""
    existing = list(application.disbursements.all())
    if existing:
        return existing
    payee_kind, payee_name = application.fund.rules.payee(application.data or {}, application.organization)
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


def disbursement_split(*, disbursement_id: int, by: User, amounts: list) -> list[Disbursement]:
    """Split a pending tranche into several; together they are the same amount."""
    require_finance(by)
    with transaction.atomic():
        disbursement = _locked_disbursement(disbursement_id)
        if disbursement.status != DisbursementStatus.PENDING:
            raise _state_error(disbursement)
        parts = [parse_amount(raw, disbursement.currency, field="amounts") for raw in amounts]
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


def disbursement_approve(*, disbursement_id: int, by: User) -> Disbursement:
    require_finance(by)
    with transaction.atomic():
        disbursement = _locked_disbursement(disbursement_id)
        if disbursement.status == DisbursementStatus.APPROVED:
            return disbursement
        if disbursement.status != DisbursementStatus.PENDING:
            raise _state_error(disbursement)
        _refuse_while_reports_wait(disbursement)
        disbursement.approve()
        disbursement.approved_by = by
        disbursement.approved_at = timezone.now()
        disbursement._history_user = by
        disbursement.save()
    return disbursement


def disbursement_pay(
    *,
    disbursement_id: int,
    by: User,
    paid_on: datetime.date,
    reference: str,
    amount=None,
    currency: str | None = None,
    exchange_rate=None,
    remainder: str = "",
    restructure_overdue: bool = False,
) -> Disbursement:
    """Record the payment: release the commitment, pay out of cash, activate a loan, start execution.

    ``amount`` is in the fund's currency (at most the tranche); ``currency`` and ``exchange_rate``
    (units of ``currency`` per unit of the fund's) record a payment made in another currency. A
    tranche paid short says what becomes of the rest (``remainder``): ``released`` to the fund's
    available money, or kept committed as a ``new_tranche``. ``restructure_overdue``: a later tranche
    of a loan with overdue instalments folds them into the new schedule (the loan counts as
    rescheduled); without it the payment is refused. Whoever approved the tranche may not pay it,
    unless the fund's parameters relax that.
    """
    require_finance(by)
    reference = (reference or "").strip()
    if not reference:
        raise Invalid({"reference": [_("Give the payment's reference.")]})
    if paid_on > today():
        raise Invalid({"paid_on": [_("A payment cannot be dated in the future.")]})
    with transaction.atomic():
        disbursement = _locked_disbursement(disbursement_id)
        if disbursement.status == DisbursementStatus.PAID and disbursement.payment_reference == reference:
            return disbursement
        if disbursement.status != DisbursementStatus.APPROVED:
            raise _state_error(disbursement)
        fund = disbursement.fund
        relaxed = fund.parameters_on(today()).same_person_may_approve_and_pay
        if disbursement.approved_by_id == by.pk and not relaxed:
            raise ApproverMayNotPay(_("You approved this disbursement: another finance officer must pay it."))
        paid = disbursement.amount if amount in (None, "") else parse_amount(amount, fund.currency)
        if paid > disbursement.amount:
            raise Invalid(
                {
                    "amount": [
                        _("At most %(amount)s can be paid on this tranche.") % {"amount": disbursement.money}
                    ]
                }
            )
        short = disbursement.amount - paid
        if short and remainder not in Remainder.values:
            raise Invalid({"remainder": [
                _("%(amount)s of the tranche is not paid: release it to the fund or keep it for a new "
                  "tranche.") % {"amount": Money(short, fund.currency)}
            ]})
        currency = (currency or fund.currency).upper()
        rate = _exchange_rate(exchange_rate, currency, fund.currency)
        payment_amount = quantize(paid * rate, minor_unit(currency))
        if payment_amount.adjusted() >= PAYMENT_AMOUNT_WHOLE_DIGITS:
            raise Invalid({"exchange_rate": [_("At this rate the amount paid is too large; check it.")]})
        application = Application.objects.select_related("fund", "organization").get(
            pk=disbursement.application_id
        )
        not_before_approval(paid_on, application, "paid_on")
        _refuse_while_reports_wait(disbursement, application)
        loan = None
        if fund.lends:
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
        disbursement.payment_amount = payment_amount
        disbursement.paid_by = by
        disbursement.remainder = remainder if short else ""
        disbursement._history_user = by
        disbursement.save()
        if short:
            _remainder_settle(disbursement, application=application, short=short, by=by)
        if loan is not None:
            loan_disbursed(
                loan, amount=paid, paid_on=paid_on, tranche=disbursement.tranche,
                restructure_overdue=restructure_overdue,
            )
        application_services.application_start_execution(application_id=application.pk)
        events.payment_recorded(disbursement=disbursement, application=application, loan=loan)
        events.disbursement_paid(disbursement=disbursement)
    return disbursement


def _refuse_while_reports_wait(disbursement: Disbursement, application: Application | None = None) -> None:
    """A later tranche waits for the award's reports that are due (the fund's parameter says so)."""
    if application is None:
        application = Application.objects.select_related("fund").get(pk=disbursement.application_id)
    refusals = events.tranche_refusals(application=application, tranche=disbursement.tranche, on=today())
    if refusals:
        raise Invalid({"non_field_errors": refusals})


def _remainder_settle(disbursement: Disbursement, *, application: Application, short: Decimal,
                     by: User) -> None:
    """A tranche paid short: its remainder goes back to the fund's available money, or stays
    committed as a new pending tranche."""
    if disbursement.remainder == Remainder.RELEASED:
        fund_release_commitment(
            fund=disbursement.fund,
            amount=short,
            application=application,
            by=by,
            memo=f"Remainder released on short payment {application.reference}/{disbursement.tranche}",
        )
        return
    last = (
        Disbursement.objects.filter(application_id=disbursement.application_id)
        .order_by("-tranche")
        .values_list("tranche", flat=True)
        .first()
    )
    Disbursement.objects.create(
        application_id=disbursement.application_id,
        fund=disbursement.fund,
        tranche=last + 1,
        payee_kind=disbursement.payee_kind,
        payee_name=disbursement.payee_name,
        amount=short,
        currency=disbursement.currency,
    )


# Whole-number digits of the amount in the currency paid in (a column of 18 digits, 4 of them decimals;
# one digit less, so that SQLite's floating-point storage reads it back within the column).
PAYMENT_AMOUNT_WHOLE_DIGITS = 13


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


def disbursement_fail(*, disbursement_id: int, by: User, reason: str) -> Disbursement:
    """The bank returned the payment or it could not be made; the commitment stays for a new try."""
    require_finance(by)
    reason = given_reason(reason)
    with transaction.atomic():
        disbursement = _locked_disbursement(disbursement_id)
        if disbursement.status == DisbursementStatus.FAILED:
            return disbursement
        if disbursement.status not in (DisbursementStatus.PENDING, DisbursementStatus.APPROVED):
            raise _state_error(disbursement)
        disbursement.fail()
        disbursement.reason = reason
        disbursement._history_user = by
        disbursement.save()
    return disbursement


def disbursement_cancel(*, disbursement_id: int, by: User, reason: str) -> Disbursement:
    """The tranche will not be paid: its commitment goes back to the fund."""
    require_finance(by)
    reason = given_reason(reason)
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
        disbursement._history_user = by
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
