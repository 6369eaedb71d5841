"""A streamed export kept in the cache in parts, so that serving it again stays memory-flat too.

The key carries the export's version (the latest ledger transaction, so the next award or payment
makes a new file) and the day (a loan's arrears change with the date)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import selectors

PART_CHARS = 256 * 1024
KEEP_SECONDS = 24 * 60 * 60


def export_key(name: str) -> str:
    return ":".join((
        "opendata", name, str(selectors.export_version()), timezone.localdate().isoformat(),
        settings.FONDOS_OPEN_DATA_PREFIX, settings.FONDOS_IATI_ORGANISATION_ID,
    ))


def cached_stream(key: str, produce: Callable[[], Iterator[str]]) -> Iterator[str]:
    parts = cache.get(f"{key}:parts")
    if parts is not None and all(cache.has_key(f"{key}:{n}") for n in range(parts)):
        return (cache.get(f"{key}:{n}") for n in range(parts))
    return _recorded(key, produce())


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
