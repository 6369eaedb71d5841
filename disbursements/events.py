"""Announces a paid tranche to the rest of Fondos, once the payment has committed.

Apps register a handler in their ``AppConfig.ready()`` (project reports create the reports an award owes
from its payment). Handlers run after commit, each in its own transaction, and must be safe to run
twice: a payment is announced for every tranche.
"""

from collections.abc import Callable

from django.db import transaction

PaidHandler = Callable[..., object]
_handlers: list[PaidHandler] = []


def on_paid(handler: PaidHandler) -> PaidHandler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def disbursement_paid(*, disbursement) -> None:
    """Queue every handler with the award's id and the payment date, to run once the payment commits."""
    for handler in _handlers:
        transaction.on_commit(
            lambda handler=handler: handler(application_id=disbursement.application_id,
                                            paid_on=disbursement.paid_on)
        )
