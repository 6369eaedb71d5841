"""Act on many: run one service per selected row, each in its own transaction, and report each result.

A refusal (bad input, a state that forbids it, a missing permission) stops nothing but that row: the
others still go through their service, and the page lists every row with "done" or the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.errors import Refused
from core.http import refusal_text

MAX_BATCH = 200


@dataclass
class Outcome:
    label: str
    url: str
    done: bool
    message: str = ""


def run_each(rows: Iterable, action: Callable, *, label: Callable, url: Callable) -> list[Outcome]:
    """``action(row)`` for every row; what each one gave, in order."""
    outcomes = []
    for row in rows:
        try:
            action(row)
        except Refused as exc:
            outcomes.append(Outcome(label(row), url(row), False, refusal_text(exc)))
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
