"""Backups encrypted at rest: GnuPG's symmetric encryption (AES-256, with its integrity check), with the
passphrase in ``BACKUP_PASSPHRASE``.

Each file of a backup is streamed through ``gpg`` as it is written, so the database dump and the media
archive never touch the disk unencrypted (an SQLite copy is made in a private temporary directory first,
since SQLite's online backup writes a file). Any ``gpg`` can decrypt a file by hand:
``gpg --decrypt database.dump.gpg > database.dump``. GnuPG runs with a throwaway home directory, whose
agent is stopped when the work is done, so nothing of the passphrase stays behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

SUFFIX = ".gpg"
SCHEME = "gpg-symmetric-aes256"


class EncryptionError(Exception):
    pass


@contextlib.contextmanager
def _gnupg(passphrase: str) -> Iterator[tuple[list[str], int]]:
    """The start of a ``gpg`` command line and the descriptor it reads the passphrase from."""
    if shutil.which("gpg") is None:
        raise EncryptionError("gpg is not installed: install GnuPG (Debian: gnupg) to encrypt backups")
    with tempfile.TemporaryDirectory(prefix="fondos-gnupg-") as home:
        read, write = os.pipe()
        try:
            os.write(write, passphrase.encode())  # a few bytes: the pipe's buffer holds them
            os.close(write)
            yield ["gpg", "--homedir", home, "--batch", "--yes", "--quiet", "--no-tty",
                   "--pinentry-mode", "loopback", f"--passphrase-fd={read}"], read
        finally:
            os.close(read)
            subprocess.run(["gpgconf", "--homedir", home, "--kill", "gpg-agent"],  # noqa: S603, S607
                           capture_output=True, check=False)


@contextlib.contextmanager
def encrypting(target: Path, passphrase: str) -> Iterator[BinaryIO]:
    """A stream whose bytes land in ``target`` encrypted."""
    with _gnupg(passphrase) as (gpg, fd):
        process = subprocess.Popen(  # noqa: S603
            [*gpg, "--symmetric", "--cipher-algo", "AES256", "--compress-algo", "none",
             "--output", str(target)],
            stdin=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(fd,),
        )
        try:
            yield process.stdin
        finally:
            process.stdin.close()
            error = process.stderr.read().decode(errors="replace").strip()
            process.stderr.close()
            if process.wait() != 0:
                raise EncryptionError(f"gpg could not encrypt {target.name}: {error}")
    target.chmod(0o600)


def encrypt_file(source: Path, target: Path, passphrase: str) -> None:
    with source.open("rb") as plain, encrypting(target, passphrase) as out:
        shutil.copyfileobj(plain, out, 1024 * 1024)


def decrypt_file(source: Path, target: Path, passphrase: str) -> None:
    """Decrypt ``source`` into ``target``; a wrong passphrase or a tampered file is an error."""
    with _gnupg(passphrase) as (gpg, fd):
        result = subprocess.run(  # noqa: S603
            [*gpg, "--decrypt", "--output", str(target), str(source)],
            capture_output=True, pass_fds=(fd,), check=False,
        )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise EncryptionError(f"cannot decrypt {source.name} (is BACKUP_PASSPHRASE the one it was "
                              f"written with?): {result.stderr.decode(errors='replace').strip()}")
    target.chmod(0o600)
