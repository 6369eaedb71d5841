"""One place where a recorded payment is announced to the rest of Fondos.

Apps register a handler in their ``AppConfig.ready()``. Handlers run inside the payment's transaction,
with the disbursement (and the loan) locked: they write their own rows (notifications in the outbox, a
loan's definitive schedule to render) and queue any outside effect with ``transaction.on_commit``, so
nothing is sent for a payment that rolls back, and a handler run twice for one payment writes nothing new.
"""

from collections.abc import Callable

PaymentHandler = Callable[..., None]
_handlers: list[PaymentHandler] = []


def on_payment(handler: PaymentHandler) -> PaymentHandler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def payment_recorded(*, disbursement, application, loan=None) -> None:
    """``disbursement`` was just paid; ``loan`` is the application's loan (its schedule now definitive)."""
    for handler in _handlers:
        handler(disbursement=disbursement, application=application, loan=loan)
