"""One place where a paid tranche is announced to the rest of Fondos, two ways.

Apps register handlers in their ``AppConfig.ready()``:

- ``on_payment``: run inside the payment's transaction, with the disbursement (and the loan) locked.
  They write their own rows (notifications in the outbox, a loan's definitive schedule to render) and
  queue any outside effect with ``transaction.on_commit``, so nothing is sent for a payment that rolls
  back, and a handler run twice for one payment writes nothing new.
- ``on_reschedule``: run inside a reschedule's transaction, with the loan locked and its new schedule
  written (a new definitive schedule document, the organisation's notice), on the same terms as
  ``on_payment``.
- ``on_paid``: run after the payment commits, each in its own transaction, and safe to run twice
  (project reports create the reports an award owes from its payment).

And ``on_tranche_check``: the reasons a later tranche cannot be paid yet (project reports register
theirs), so that disbursements never import the apps that build on them.
"""

from collections.abc import Callable

from django.db import transaction

PaymentHandler = Callable[..., None]
PaidHandler = Callable[..., object]
_in_transaction: list[PaymentHandler] = []
_handlers: list[PaidHandler] = []
_on_reschedule: list[PaymentHandler] = []


def on_payment(handler: PaymentHandler) -> PaymentHandler:
    if handler not in _in_transaction:
        _in_transaction.append(handler)
    return handler


def on_reschedule(handler: PaymentHandler) -> PaymentHandler:
    if handler not in _on_reschedule:
        _on_reschedule.append(handler)
    return handler


def loan_rescheduled(*, loan, application, reason: str) -> None:
    """``loan`` was just given a new schedule (its ``schedule_version``) for ``reason``."""
    for handler in _on_reschedule:
        handler(loan=loan, application=application, reason=reason)


def on_paid(handler: PaidHandler) -> PaidHandler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def payment_recorded(*, disbursement, application, loan=None) -> None:
    """``disbursement`` was just paid; ``loan`` is the application's loan (its schedule now definitive)."""
    for handler in _in_transaction:
        handler(disbursement=disbursement, application=application, loan=loan)


def disbursement_paid(*, disbursement) -> None:
    """Queue every handler with the award's id and the payment date, to run once the payment commits."""
    for handler in _handlers:
        transaction.on_commit(
            lambda handler=handler: handler(application_id=disbursement.application_id,
                                            paid_on=disbursement.paid_on)
        )


TrancheCheck = Callable[..., list]
_tranche_checks: list[TrancheCheck] = []


def on_tranche_check(check: TrancheCheck) -> TrancheCheck:
    if check not in _tranche_checks:
        _tranche_checks.append(check)
    return check


def tranche_refusals(*, application, tranche: int, on) -> list:
    """Every registered app's reasons why tranche ``tranche`` of ``application`` cannot be paid ``on``."""
    return [reason for check in _tranche_checks for reason in check(application=application, tranche=tranche,
                                                                     on=on)]
