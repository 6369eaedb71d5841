"""A backup is one directory: the database (``pg_dump`` custom format, or an SQLite copy made with
SQLite's online backup), a gzipped tar of MEDIA_ROOT, and ``manifest.json`` with each file's SHA-256.
With ``BACKUP_PASSPHRASE`` set, the database and media files are encrypted as they are written
(``backups.encryption``: ``database.dump.gpg``, ``media.tar.gz.gpg``) and the manifest's digests are
those of the encrypted files, so a damaged backup is found without the passphrase.

The database is dumped before the media files are archived: every letter and document that the dump
names was written to disk before its row was committed, so the archive holds it.
"""

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections

from .encryption import SCHEME, SUFFIX, EncryptionError, decrypt_file, encrypt_file, encrypting

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


def _pg_dump(out, env: dict) -> None:
    """``pg_dump`` in custom format, written to ``out`` (a file, or the encryption's stream)."""
    process = subprocess.Popen(  # noqa: S603
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"],  # noqa: S607
        stdout=out, stderr=subprocess.PIPE, env=env,
    )
    _, error = process.communicate()
    if process.returncode != 0:
        raise BackupError(f"pg_dump failed: {error.decode(errors='replace').strip()}")


@contextlib.contextmanager
def _written(path: Path, passphrase: str):
    """A stream into ``path``, encrypted when there is a passphrase."""
    if passphrase:
        try:
            with encrypting(path, passphrase) as out:
                yield out
        except EncryptionError as error:
            raise BackupError(str(error)) from error
    else:
        with path.open("wb") as out:
            yield out


def backup_create(*, directory: Path, using: str = "default", passphrase: str | None = None) -> Path:
    """Write a backup into a new directory under ``directory``; returns it.

    ``passphrase`` (default: the ``BACKUP_PASSPHRASE`` setting) encrypts it; empty leaves it plain."""
    passphrase = settings.BACKUP_PASSPHRASE if passphrase is None else passphrase
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(f"cannot back up a {vendor} database")
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = Path(directory) / f"fondos-{stamp}"
    target.mkdir(parents=True, mode=0o700)
    suffix = SUFFIX if passphrase else ""
    dump = target / (DUMPS[vendor] + suffix)
    media = target / (MEDIA_ARCHIVE + suffix)
    if vendor == "postgresql":
        with _written(dump, passphrase) as out:
            _pg_dump(out, postgres_environment(connection.settings_dict))
    else:
        connection.ensure_connection()
        with tempfile.TemporaryDirectory(prefix="fondos-backup-") as private:
            copy_path = Path(private) / DUMPS[vendor] if passphrase else dump
            with sqlite3.connect(copy_path) as copy:
                connection.connection.backup(copy)
            copy.close()
            if passphrase:
                try:
                    encrypt_file(copy_path, dump, passphrase)
                except EncryptionError as error:
                    raise BackupError(str(error)) from error
    media_root = Path(settings.MEDIA_ROOT)
    with _written(media, passphrase) as out, tarfile.open(fileobj=out, mode="w|gz") as archive:
        if media_root.is_dir():
            for child in sorted(media_root.iterdir()):
                archive.add(child, arcname=child.name)
    for path in (dump, media):
        path.chmod(0o600)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "engine": vendor,
        "database": dump.name,
        "media": media.name,
        "sha256": {path.name: sha256_of(path) for path in (dump, media)},
    }
    if passphrase:
        manifest["encryption"] = SCHEME
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


def backup_restore(*, source: Path, replace: bool = False, using: str = "default",
                   passphrase: str | None = None) -> dict:
    """Restore the backup in ``source`` into the configured database and MEDIA_ROOT.

    Both must be empty (a fresh database) unless ``replace``: then what the backup holds replaces them.
    An encrypted backup needs its passphrase (default: the ``BACKUP_PASSPHRASE`` setting)."""
    passphrase = settings.BACKUP_PASSPHRASE if passphrase is None else passphrase
    source = Path(source)
    manifest = read_manifest(source)
    connection = connections[using]
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"the backup holds a {manifest['engine']} database, not {connection.vendor}")
    encryption = manifest.get("encryption")
    if encryption not in (None, SCHEME):
        raise BackupError(f"unknown backup encryption {encryption!r}")
    if encryption and not passphrase:
        raise BackupError("the backup is encrypted: set BACKUP_PASSPHRASE to the passphrase it was "
                          "written with")
    media_root = Path(settings.MEDIA_ROOT)
    if not replace:
        if not _database_is_empty(connection):
            raise BackupError("the database is not empty: restore into a fresh one, or give --replace")
        if not _media_is_empty(media_root):
            raise BackupError(f"{media_root} is not empty: restore into an empty one, or give --replace")
    with tempfile.TemporaryDirectory(prefix="fondos-restore-") as private:
        dump, media = source / manifest["database"], source / manifest["media"]
        if encryption:
            # Decrypted into a directory only this user reads, removed when the restore ends; both files
            # first, so that a wrong passphrase is found before anything is written.
            plain_dump, plain_media = Path(private) / "database", Path(private) / "media.tar.gz"
            try:
                decrypt_file(dump, plain_dump, passphrase)
                decrypt_file(media, plain_media, passphrase)
            except EncryptionError as error:
                raise BackupError(str(error)) from error
            dump, media = plain_dump, plain_media
        _restore_database(connection, dump, replace)
        if replace and media_root.exists():
            shutil.rmtree(media_root)
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(media, "r:gz") as archive:
            archive.extractall(media_root, filter="data")
    return manifest


def _restore_database(connection, dump: Path, replace: bool) -> None:
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
