"""A backup restores into a fresh database (PostgreSQL on the PostgreSQL pass, an SQLite file on the
SQLite pass) and a fresh MEDIA_ROOT with the same ledger and the same letters, and the check run after a
restore finds any damage."""

import datetime
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from backups.archive import MANIFEST, BackupError, backup_create, backup_restore, read_manifest
from disbursements.models import Disbursement
from letters.models import Letter
from tests.workflow import drive

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
LEDGER = ("SELECT f.code, e.account, SUM(e.debit), SUM(e.credit) FROM funds_ledgerentry e "
          "JOIN funds_fund f ON f.id = e.fund_id GROUP BY f.code, e.account ORDER BY f.code, e.account")
LETTERS = "SELECT id, sha256, file FROM letters_letter WHERE status = 'rendered' ORDER BY id"


def books_with_a_paid_grant(api_as):
    """Capital, a commitment, a paid disbursement, a rendered decision letter and an uploaded document."""
    application = drive(fund_code="catastrophic-events", to="conditions_accepted")
    disbursement = Disbursement.objects.get(application=application)
    treasurer, finance = api_as(application.cast.treasurer), api_as(application.cast.finance)
    assert treasurer.post(f"/api/v1/disbursements/{disbursement.pk}/approve/").status_code == 200
    paid = finance.post(f"/api/v1/disbursements/{disbursement.pk}/pay/",
                        {"paid_on": datetime.date.today().isoformat(), "reference": "TRF-77"}, format="json")
    assert paid.status_code == 200, paid.json()
    assert Letter.objects.filter(status="rendered").count() == 1


def query(database, statement):
    if connection.vendor == "postgresql":
        with psycopg.connect(database) as db:
            return [tuple(row) for row in db.execute(statement).fetchall()]
    with sqlite3.connect(database) as db:
        rows = db.execute(statement).fetchall()
    db.close()
    return [tuple(row) for row in rows]


def original(statement):
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return [tuple(row) for row in cursor.fetchall()]


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the kind the tests run on: (URL for Django, what ``query`` connects to)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", str(path)
        return
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restored"
    server = (f"postgresql://{settings_dict['USER']}:{settings_dict['PASSWORD'] or ''}@"
              f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{server}/{name}", f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def manage(*args, database_url, media_root, passphrase=""):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", DATABASE_URL=database_url,
               MEDIA_ROOT=str(media_root), BACKUP_PASSPHRASE=passphrase)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_a_backup_restores_into_a_fresh_database_with_the_same_ledger_and_letters(
    api_as, settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    books_with_a_paid_grant(api_as)
    backup = backup_create(directory=tmp_path / "backups")
    dump = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert sorted(path.name for path in backup.iterdir()) == sorted([MANIFEST, "media.tar.gz", dump])
    with pytest.raises(BackupError, match="not empty"):  # never over a database in use, unless told
        backup_restore(source=backup)

    database_url, database = fresh_database
    media_root = tmp_path / "restored-media"
    restored = manage("restore", str(backup), database_url=database_url, media_root=media_root)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "1 issued letters, 1 documents checked: all consistent" in restored.stdout

    ledger = original(LEDGER)
    assert len(ledger) >= 4  # capital, commitment and payment touch at least four accounts
    assert query(database, LEDGER) == ledger
    letters = original(LETTERS)
    assert query(database, LETTERS) == letters
    [(_, _, letter_file)] = letters
    assert (media_root / letter_file).read_bytes() == (Path(settings.MEDIA_ROOT) / letter_file).read_bytes()

    # The check after a restore sees a damaged letter and running totals that disagree with the entries.
    (media_root / letter_file).write_bytes(b"%PDF-1.7 not the letter that was sent")
    if connection.vendor == "postgresql":
        with psycopg.connect(database) as db:
            db.execute("UPDATE funds_accounttotal SET debits = debits + 1 WHERE id = "
                       "(SELECT MIN(id) FROM funds_accounttotal)")
    else:
        with sqlite3.connect(database) as db:
            db.execute("UPDATE funds_accounttotal SET debits = debits + 1 WHERE id = "
                       "(SELECT MIN(id) FROM funds_accounttotal)")
        db.close()
    checked = manage("verify_integrity", database_url=database_url, media_root=media_root)
    assert checked.returncode != 0
    assert "SHA-256 differs" in checked.stderr
    assert "ledger: " in checked.stderr


def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path):
    backup = backup_create(directory=tmp_path)
    damaged = tmp_path / "damaged"
    shutil.copytree(backup, damaged)
    dump = next(path for path in damaged.iterdir() if path.name.startswith("database."))
    content = bytearray(dump.read_bytes())
    content[len(content) // 2] ^= 0xFF
    dump.write_bytes(bytes(content))
    with pytest.raises(BackupError, match="damaged"):
        read_manifest(damaged)
    with pytest.raises(BackupError, match="not a Fondos backup"):
        read_manifest(tmp_path / "nowhere")


@pytest.mark.skipif(shutil.which("gpg") is None, reason="GnuPG is not installed (Debian: gnupg)")
def test_an_encrypted_backup_restores_only_with_its_passphrase(api_as, settings, tmp_path, fresh_database):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.BACKUP_PASSPHRASE = "correct horse battery staple"
    books_with_a_paid_grant(api_as)
    backup = backup_create(directory=tmp_path / "backups")
    dump = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert sorted(path.name for path in backup.iterdir()) == sorted(
        [MANIFEST, "media.tar.gz.gpg", f"{dump}.gpg"])
    assert read_manifest(backup)["encryption"] == "gpg-symmetric-aes256"
    [(_, _, letter_file)] = original(LETTERS)
    letter = (Path(settings.MEDIA_ROOT) / letter_file).read_bytes()
    organization = Disbursement.objects.get().application.organization.legal_name.encode()
    for path in backup.iterdir():
        content = path.read_bytes()
        if path.name != MANIFEST:  # owner only; neither the letter nor the names in the database in clear
            assert path.stat().st_mode & 0o077 == 0
            assert letter[:4096] not in content and organization not in content
            assert not content.startswith((b"PGDMP", b"SQLite format", b"\x1f\x8b"))

    database_url, database = fresh_database
    media_root = tmp_path / "restored-media"
    for passphrase, refusal in (("", "the backup is encrypted"), ("wrong", "cannot decrypt")):
        refused = manage("restore", str(backup), database_url=database_url, media_root=media_root,
                         passphrase=passphrase)
        assert refused.returncode != 0 and refusal in refused.stderr, refused.stderr
        assert not media_root.exists()  # refused before anything was written
    restored = manage("restore", str(backup), database_url=database_url, media_root=media_root,
                      passphrase="correct horse battery staple")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "1 issued letters, 1 documents checked: all consistent" in restored.stdout
    assert query(database, LEDGER) == original(LEDGER)
    assert (media_root / letter_file).read_bytes() == letter
