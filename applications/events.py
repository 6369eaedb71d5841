"""One place where every recorded transition is announced to the rest of Fondos, and where apps built
on applications say what stops one.

Apps register a handler in their ``AppConfig.ready()``. Handlers run inside the transition's
transaction: they write their own rows (notifications in the outbox, letters to render) and queue any
outside effect with ``transaction.on_commit``, so nothing is sent for a change that rolls back.

Close checks (``on_close_check``) give the reasons an award's file cannot close yet (project reports
register theirs), so that applications never import the apps that build on them.
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


CloseCheck = Callable[..., list]
_close_checks: list[CloseCheck] = []


def on_close_check(check: CloseCheck) -> CloseCheck:
    if check not in _close_checks:
        _close_checks.append(check)
    return check


def close_refusals(*, application) -> list:
    """Every registered app's reasons why ``application``'s file cannot close yet (none: it can)."""
    return [reason for check in _close_checks for reason in check(application=application)]
