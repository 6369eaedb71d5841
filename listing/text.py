"""Search text: one normalised column per searchable row, and queries normalised the same way.

Why a column rather than ``unaccent`` in the query: the same Python function folds the stored text and
the query, so PostgreSQL and SQLite find exactly the same rows ("cocafelol" finds "COCAFELOL", "cafe"
finds "Café", "sao paulo" finds "São Paulo"), with no extension or per-connection function needed for
correctness; and on PostgreSQL a plain ``LIKE '%word%'`` on that column is served by a pg_trgm GIN
index (``unaccent()`` is not immutable, so it could not be indexed without a wrapper function).
The column is filled when the row is written (``search_text_for``) and backfilled by a migration.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Q

_SPACES = re.compile(r"\s+")
_MAX_WORDS = 8


def normalise(text: str) -> str:
    """``text`` without accents, case-folded, with single spaces: "Café  Ñandú" -> "cafe nandu"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_text_for(parts: Iterable) -> str:
    """The stored search text: every non-empty part, normalised, separated by " | "."""
    return " | ".join(normalise(part) for part in parts if part not in (None, ""))


def words(query: str) -> list[str]:
    """The words of a search, normalised; a row must contain every one of them."""
    return normalise(query).split(" ")[:_MAX_WORDS] if query and query.strip() else []


def matching(query: str, field: str = "search_text") -> Q:
    """A condition: ``field`` contains every word of ``query`` (an empty query matches everything)."""
    condition = Q()
    for word in words(query):
        condition &= Q(**{f"{field}__contains": word})
    return condition
