"""Time and peak Python memory of the open-data exports on generated data.

    DATABASE_URL=sqlite:////tmp/fondos-exports.sqlite3 .venv/bin/python benchmarks/exports.py \
        --organizations 200 --applications 4000 --loans 1000

Migrates the database and fills it with ``manage.py generate_load_data`` (unless ``--reuse``), then
produces each export with the cache empty (what the first caller waits for), consuming the stream as a
client would, and reports the bytes, the seconds and tracemalloc's peak. Each file is produced twice:
once timed, once traced (tracing every allocation slows Python several times over, so the traced run's
seconds are not what a caller waits). Flat memory means the peak stays near the same figure when the
number of awards grows tenfold.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")  # with the load generator


def fill(args) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, check=True)  # noqa: S603
    subprocess.run([*manage, "generate_load_data", "--reset",  # noqa: S603
                    "--organizations", str(args.organizations), "--applications", str(args.applications),
                    "--loans", str(args.loans)], cwd=ROOT, check=True)


def consume(produce) -> int:
    size = 0
    for chunk in produce():
        size += len(chunk.encode())
    return size


def measure(name: str, produce) -> dict:
    started = time.perf_counter()
    size = consume(produce)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    consume(produce)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"export": name, "bytes": size, "seconds": seconds, "peak_mib": peak / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organizations", type=int, default=200)
    parser.add_argument("--applications", type=int, default=4000)
    parser.add_argument("--loans", type=int, default=1000)
    parser.add_argument("--reuse", action="store_true", help="use the data already in the database")
    parser.add_argument("--json", help="also write the figures to this file (benchmarks/run.py reads it)")
    args = parser.parse_args()
    if not args.reuse:
        fill(args)

    import django

    django.setup()
    from opendata import exports, selectors

    grants, activities = selectors.awarded_grants().count(), selectors.awarded_activities().count()
    print(f"awarded grants: {grants}, awarded activities (grants and loans): {activities}")
    results = []
    for name, produce in (("360Giving JSON", exports.giving_json), ("360Giving CSV", exports.giving_csv),
                          ("IATI XML", exports.iati_xml)):
        figures = measure(name, produce)
        results.append(figures)
        print(f"{figures['export']:<16} {figures['bytes'] / 2**20:8.1f} MiB  {figures['seconds']:7.2f} s"
              f"  peak {figures['peak_mib']:6.1f} MiB")
    if args.json:
        figures = {"grants": grants, "activities": activities, "exports": results}
        Path(args.json).write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
