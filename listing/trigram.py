"""Migration operations for the trigram indexes that serve searches on PostgreSQL (no-ops elsewhere).

``LIKE '%word%'`` on a ``search_text`` column is answered from a pg_trgm GIN index on PostgreSQL; SQLite
has no such index and scans the (narrow) column, which stays correct and fast enough at its scale.
"""

from django.db import migrations


def _on_postgres(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def trigram_index(table: str, column: str, name: str) -> migrations.RunPython:
    def create(apps, schema_editor):
        if _on_postgres(schema_editor):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)'
            )

    def drop(apps, schema_editor):
        if _on_postgres(schema_editor):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop, elidable=False)
