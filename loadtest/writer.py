"""Fast inserts of generated rows: COPY on PostgreSQL, ``executemany`` on SQLite.

Rows are tuples in the order of the field names given to ``Table``; ids are assigned by the caller
(``IdAllocator``), and the sequences are set past them at the end (``reset_sequences``).
"""

from __future__ import annotations

import datetime
import json

from django.core.management.color import no_style
from django.db import connection, models


class Table:
    """One model's table and the columns the generator fills, with a buffer of rows to write."""

    def __init__(self, model: type[models.Model], fields: list[str]):
        self.model = model
        self.fields = [model._meta.get_field(name) for name in fields]
        self.columns = [field.column for field in self.fields]
        self.rows: list[tuple] = []
        self.written = 0
        kinds = []
        for field in self.fields:
            if isinstance(field, models.JSONField):
                kinds.append("json")
            elif isinstance(field, models.DateTimeField):
                kinds.append("datetime")
            else:
                kinds.append("")
        self.kinds = kinds
        self._json: list[int] | None = None
        self._datetimes: list[int] = []

    def add(self, *row) -> None:
        self.rows.append(row)

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        rows = [self._prepared(row) for row in rows]
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(column) for column in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
        self.written += len(rows)
        return len(rows)

    def _prepared(self, row: tuple) -> tuple:
        # Decimals and dates go as they are (psycopg adapts them; Django registers sqlite3's adapters);
        # JSON is dumped, and SQLite stores datetimes as naive UTC text, as Django does.
        if self._json is None:
            self._json = [i for i, kind in enumerate(self.kinds) if kind == "json"]
            self._datetimes = (
                [i for i, kind in enumerate(self.kinds) if kind == "datetime"]
                if connection.vendor == "sqlite" else []
            )
        if not self._json and not self._datetimes:
            return row
        values = list(row)
        for index in self._json:
            if values[index] is not None:
                values[index] = json.dumps(values[index], ensure_ascii=False)
        for index in self._datetimes:
            if values[index] is not None:
                values[index] = values[index].astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
        return tuple(values)


class IdAllocator:
    """Hands out primary keys after the largest one already in each table."""

    def __init__(self):
        self._next: dict[type, int] = {}

    def __call__(self, model: type[models.Model]) -> int:
        if model not in self._next:
            largest = model.objects.aggregate(largest=models.Max("pk"))["largest"] or 0
            self._next[model] = largest + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value


def fast_load() -> None:
    """On PostgreSQL, skip the foreign-key triggers for this transaction when allowed (a superuser).

    The generator writes parents before children with ids it assigned itself, so every reference holds;
    checking millions of deferred references at commit would triple the load time. Without the
    privilege the checks simply run.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def reset_sequences(model_list: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def analyze() -> None:
    """Statistics for the planner and, on PostgreSQL, the visibility map that autovacuum would build
    on a live database in its first minutes (counts then read indexes only, as they would there)."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
