"""What calls hear from the apps built on them, so that calls never import them.

Calls know funds, not applications: applications name their call, and the apps above (notifications,
disbursements) register here in their ``AppConfig.ready()``:

- ``on_declared``: handlers run inside a declaration's transaction, once the event's fast-track calls
  are open. They write their own rows (notices in the outbox) and queue any outside effect with
  ``transaction.on_commit``, so nothing is sent for a declaration that rolls back.
- ``on_claims``: the claims against declared events are applications and their payments, which calls
  do not know; the app that reads both gives, per event, the rows the event's page and API show.
"""

from collections.abc import Callable

DeclaredHandler = Callable[..., object]
_declared: list[DeclaredHandler] = []


def on_declared(handler: DeclaredHandler) -> DeclaredHandler:
    if handler not in _declared:
        _declared.append(handler)
    return handler


def event_declared(*, event) -> None:
    """``event`` was just declared and its fast-track calls opened."""
    for handler in _declared:
        handler(event=event)


ClaimsReader = Callable[..., dict]
_claims: list[ClaimsReader] = []


def on_claims(reader: ClaimsReader) -> ClaimsReader:
    if reader not in _claims:
        _claims.append(reader)
    return reader


def event_claims(events, *, user) -> dict[int, list[dict]]:
    """For each of ``events``: the rows of its claims that ``user`` may see, from every registered
    reader (none registered: no claims)."""
    claims: dict[int, list[dict]] = {event.pk: [] for event in events}
    if not claims:
        return claims
    for reader in _claims:
        for event_id, rows in reader(events=events, user=user).items():
            claims[event_id].extend(rows)
    return claims
