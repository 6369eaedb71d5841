"""A streamed export kept in the cache in parts, so that serving it again stays memory-flat too.

The key carries the exports' generation, bumped once the transaction commits by every ledger posting (an
award's commitment, a payment, a repayment: ``funds.ledger.posted``) and every transition of an awarded
application (closing one changes its IATI status without moving money: ``applications.events``); the
latest ledger transaction's id, so that rows loaded without the services (a bulk load, a restore) make a
new file too; and the day (a loan's arrears change with the date)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from . import selectors

PART_CHARS = 256 * 1024
KEEP_SECONDS = 24 * 60 * 60
GENERATION_KEY = "opendata:generation"


def generation() -> int:
    """The exports' current generation (a new, never-used number when the cache lost it)."""
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        current = cache.get(GENERATION_KEY)
    return current


def bump() -> None:
    """Make the next request produce new files."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache: start a new, never-used generation
        cache.add(GENERATION_KEY, time.time_ns(), None)


def bump_on_commit() -> None:
    transaction.on_commit(bump)


def on_ledger_posted(sender, **kwargs) -> None:
    bump_on_commit()


def on_transition(*, application, log) -> None:
    from applications.workflow import AWARDED

    if log.from_state in AWARDED or log.to_state in AWARDED:
        bump_on_commit()


def export_key(name: str) -> str:
    return ":".join((
        "opendata", name, str(generation()), str(selectors.export_version()),
        timezone.localdate().isoformat(), settings.FONDOS_OPEN_DATA_PREFIX,
        settings.FONDOS_IATI_ORGANISATION_ID,
    ))


def cached_parts(key: str) -> Iterator[str] | None:
    """The file kept under ``key``, part by part, or None when it is not (wholly) in the cache."""
    parts = cache.get(f"{key}:parts")
    if parts is not None and all(cache.has_key(f"{key}:{n}") for n in range(parts)):
        return (cache.get(f"{key}:{n}") for n in range(parts))
    return None


def cached_stream(key: str, produce: Callable[[], Iterator[str]]) -> Iterator[str]:
    cached = cached_parts(key)
    return cached if cached is not None else _recorded(key, produce())


def _recorded(key: str, chunks: Iterator[str]) -> Iterator[str]:
    count, pending, size = 0, [], 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= PART_CHARS:
            part = "".join(pending)
            cache.set(f"{key}:{count}", part, KEEP_SECONDS)
            count, pending, size = count + 1, [], 0
            yield part
    part = "".join(pending)
    cache.set(f"{key}:{count}", part, KEEP_SECONDS)
    yield part
    cache.set(f"{key}:parts", count + 1, KEEP_SECONDS)
