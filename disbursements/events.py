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
