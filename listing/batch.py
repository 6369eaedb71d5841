"""Act on many: run one service per selected row, each in its own transaction, and report each result.

A refusal (bad input, a state that forbids it, a missing permission) stops nothing but that row: the
others still go through their service, and the page lists every row with "done" or the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.errors import Invalid, Refused

MAX_BATCH = 200


@dataclass
class Outcome:
    label: str
    url: str
    done: bool
    message: str = ""


def _flat(reasons) -> list[str]:
    if isinstance(reasons, dict):
        return [text for value in reasons.values() for text in _flat(value)]
    if isinstance(reasons, list | tuple):
        return [text for value in reasons for text in _flat(value)]
    return [str(reasons)]


def _reason(exc: Refused) -> str:
    return " ".join(_flat(exc.errors)) if isinstance(exc, Invalid) else str(exc)


def run_each(rows: Iterable, action: Callable, *, label: Callable, url: Callable) -> list[Outcome]:
    """``action(row)`` for every row; what each one gave, in order."""
    outcomes = []
    for row in rows:
        try:
            action(row)
        except Refused as exc:
            outcomes.append(Outcome(label(row), url(row), False, _reason(exc)))
        else:
            outcomes.append(Outcome(label(row), url(row), True))
    return outcomes


def selected_ids(post, name: str = "selected") -> list[int]:
    """The ids ticked in a batch form (at most ``MAX_BATCH``), ignoring anything that is not an id."""
    ids = []
    for raw in post.getlist(name):
        if raw.isdigit() and int(raw) < 2**63 and int(raw) not in ids:
            ids.append(int(raw))
    return ids[:MAX_BATCH]
