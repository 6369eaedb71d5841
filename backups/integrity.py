"""What must hold in a Fondos database and its media files, checked after every restore: the ledger's
running totals equal the sums of its entries, and every issued letter and every document is on disk with
the SHA-256 recorded when it was written."""

import hashlib
from dataclasses import dataclass, field

from applications.models import Document
from funds.ledger import ledger_totals_verify
from funds.models import LedgerEntry
from letters.models import Letter, LetterStatus


@dataclass
class Integrity:
    ledger_entries: int = 0
    letters: int = 0
    documents: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (f"{self.ledger_entries} ledger entries, {self.letters} issued letters, "
                f"{self.documents} documents checked: "
                + ("all consistent" if self.ok else f"{len(self.problems)} problem(s)"))


def file_sha256(field_file) -> str | None:
    """The SHA-256 of a stored file, or None when it is missing."""
    try:
        with field_file.storage.open(field_file.name, "rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except FileNotFoundError:
        return None


def verify_integrity() -> Integrity:
    result = Integrity(ledger_entries=LedgerEntry.objects.count())
    result.problems += [f"ledger: {problem}" for problem in ledger_totals_verify()]
    for letter in Letter.objects.filter(status=LetterStatus.RENDERED).only("id", "file", "sha256").iterator():
        result.letters += 1
        actual = file_sha256(letter.file)
        if actual != letter.sha256:
            result.problems.append(f"letter {letter.pk} ({letter.file.name}): "
                                   + ("file missing" if actual is None else "SHA-256 differs"))
    for document in Document.objects.only("id", "file", "sha256").iterator():
        result.documents += 1
        actual = file_sha256(document.file)
        if actual != document.sha256:
            result.problems.append(f"document {document.pk} ({document.file.name}): "
                                   + ("file missing" if actual is None else "SHA-256 differs"))
    return result
