"""A backup is one directory: the database (``pg_dump`` custom format, or an SQLite copy made with
SQLite's online backup), a gzipped tar of MEDIA_ROOT, and ``manifest.json`` with each file's SHA-256.

The database is dumped before the media files are archived: every letter and document that the dump
names was written to disk before its row was committed, so the archive holds it.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def postgres_environment(settings_dict: dict) -> dict:
    """libpq's environment for the database in ``settings_dict`` (the password never on a command line)."""
    env = {**os.environ, "PGDATABASE": settings_dict["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = settings_dict["OPTIONS"]["sslmode"]
    return env


def run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup_create(*, directory: Path, using: str = "default") -> Path:
    """Write a backup into a new directory under ``directory``; returns it."""
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(f"cannot back up a {vendor} database")
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = Path(directory) / f"fondos-{stamp}"
    target.mkdir(parents=True, mode=0o700)
    dump = target / DUMPS[vendor]
    if vendor == "postgresql":
        run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
            postgres_environment(connection.settings_dict))
    else:
        connection.ensure_connection()
        with sqlite3.connect(dump) as copy:
            connection.connection.backup(copy)
        copy.close()
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as archive:
        if media_root.is_dir():
            for child in sorted(media_root.iterdir()):
                archive.add(child, arcname=child.name)
    for path in (dump, target / MEDIA_ARCHIVE):
        path.chmod(0o600)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "engine": vendor,
        "database": dump.name,
        "media": MEDIA_ARCHIVE,
        "sha256": {path.name: sha256_of(path) for path in (dump, target / MEDIA_ARCHIVE)},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return target


def read_manifest(source: Path) -> dict:
    """The backup's manifest, after checking that its files are those it was written with."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} is not a Fondos backup: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, expected in manifest["sha256"].items():
        path = source / name
        if not path.is_file() or sha256_of(path) != expected:
            raise BackupError(f"{path} is missing or damaged (its SHA-256 differs from the manifest)")
    return manifest


def _database_is_empty(connection) -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _media_is_empty(media_root: Path) -> bool:
    return not media_root.exists() or not any(media_root.iterdir())


def backup_restore(*, source: Path, replace: bool = False, using: str = "default") -> dict:
    """Restore the backup in ``source`` into the configured database and MEDIA_ROOT.

    Both must be empty (a fresh database) unless ``replace``: then what the backup holds replaces them."""
    source = Path(source)
    manifest = read_manifest(source)
    connection = connections[using]
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"the backup holds a {manifest['engine']} database, not {connection.vendor}")
    media_root = Path(settings.MEDIA_ROOT)
    if not replace:
        if not _database_is_empty(connection):
            raise BackupError("the database is not empty: restore into a fresh one, or give --replace")
        if not _media_is_empty(media_root):
            raise BackupError(f"{media_root} is not empty: restore into an empty one, or give --replace")
    dump = source / manifest["database"]
    if connection.vendor == "postgresql":
        connection.close()
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                   "--dbname", connection.settings_dict["NAME"]]
        if replace:
            command += ["--clean", "--if-exists"]
        run([*command, str(dump)], postgres_environment(connection.settings_dict))
    else:
        name = str(connection.settings_dict["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise BackupError("cannot restore into an in-memory SQLite database")
        connection.close()
        with sqlite3.connect(dump) as backup, sqlite3.connect(name) as database:
            backup.backup(database)
        backup.close()
        database.close()
    if replace and media_root.exists():
        shutil.rmtree(media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / manifest["media"], "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    return manifest
