"""One place where every recorded transition is announced to the rest of Fondos.

Apps register a handler in their ``AppConfig.ready()``. Handlers run inside the transition's
transaction: they write their own rows (notifications in the outbox, letters to render) and queue any
outside effect with ``transaction.on_commit``, so nothing is sent for a change that rolls back.
"""

from collections.abc import Callable

TransitionHandler = Callable[..., None]
_handlers: list[TransitionHandler] = []


def on_transition(handler: TransitionHandler) -> TransitionHandler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def transition_recorded(*, application, log) -> None:
    for handler in _handlers:
        handler(application=application, log=log)
