"""How fast one worker issues decision letters, and what Fondos adds to WeasyPrint.

    .venv/bin/python benchmarks/letters.py [--letters 30] [--repeat 15]

Runs on a throwaway SQLite database and media directory. It prints:
- letters per minute for one worker, sequential and in-process: each letter is read from the
  database, its HTML rendered in the organisation's language, turned into a PDF, stored with its
  SHA-256 (``letters.services.letter_render``, e-mail left out);
- the ratio of Fondos' render time (context + template + PDF through the asset fetcher) to
  WeasyPrint rendering the same finished HTML directly (target: at most 1.2).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="fondos-bench-letters-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from weasyprint import HTML  # noqa: E402

from letters import rendering, services  # noqa: E402
from letters.assets import base_url  # noqa: E402
from letters.models import Letter, LetterStatus  # noqa: E402
from tests.factories import OppUserFactory  # noqa: E402
from tests.workflow import drive  # noqa: E402


def a_decided_loan():
    applicant = OppUserFactory(organization__preferred_language="es")
    return drive(fund_code="youth-revolving", to="approved", applicant=applicant,
                 terms={"annual_interest_rate": "4", "term_months": 24})


def pending_letters(first: Letter, count: int) -> list[int]:
    """``count`` corrections of ``first``, pending, as if staff had asked for them."""
    ids, previous = [], first
    with transaction.atomic():
        for sequence in range(first.sequence + 1, first.sequence + 1 + count):
            previous = Letter.objects.create(
                application=first.application, decision_log=first.decision_log, sequence=sequence,
                decision=first.decision, language=first.language, supersedes=previous,
                reissue_reason="Benchmark",
            )
            ids.append(previous.pk)
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=30, help="letters to issue for the throughput")
    parser.add_argument("--repeat", type=int, default=15, help="renderings for each side of the ratio")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    application = a_decided_loan()
    first = application.letters.get()
    assert first.status == LetterStatus.RENDERED, first.error
    ids = pending_letters(first, args.letters)

    # Throughput: render + store, one after the other, as one worker does.
    services._queue_email = lambda letter_id: None
    started = time.perf_counter()
    for letter_id in ids:
        services.letter_render(letter_id=letter_id)
    elapsed = time.perf_counter() - started
    assert Letter.objects.filter(pk__in=ids, status=LetterStatus.RENDERED).count() == len(ids)

    # Ratio: the same letter, Fondos' whole rendering against WeasyPrint on the finished HTML.
    letter = services._letter_for_rendering(first.pk)
    html = rendering.letter_html(letter)
    rendering.letter_pdf(letter)  # warm fonts and caches for both sides
    HTML(string=html, base_url=base_url()).write_pdf()
    fondos, direct = [], []
    for _ in range(args.repeat):
        letter = services._letter_for_rendering(first.pk)
        t0 = time.perf_counter()
        rendering.letter_pdf(letter)
        fondos.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        HTML(string=html, base_url=base_url()).write_pdf()
        direct.append(time.perf_counter() - t0)

    fondos_median, direct_median = statistics.median(fondos), statistics.median(direct)
    print(f"letter: {first.reference}, a 24-instalment loan, {len(html):,} characters of HTML")
    print(f"letters issued (render + store, one worker, sequential): {len(ids)} in {elapsed:.2f} s")
    print(f"letters per minute, one worker: {len(ids) / elapsed * 60:.0f}")
    print(f"Fondos render (context + template + PDF), median of {args.repeat}: {fondos_median * 1000:.1f} ms")
    print(f"WeasyPrint on the finished HTML, median of {args.repeat}: {direct_median * 1000:.1f} ms")
    ratio = fondos_median / direct_median
    verdict = "met" if ratio <= 1.2 else "NOT met"
    print(f"ratio Fondos / WeasyPrint direct: {ratio:.3f} (target <= 1.2: {verdict})")


if __name__ == "__main__":
    main()
