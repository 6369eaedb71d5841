"""The list pages, searched, at scale: each page against its hand-written floor (``list_floors.py``).

    DATABASE_URL=... .venv/bin/python benchmarks/lists.py [--repeat 30] [--json out.json]

Runs on a database filled by ``manage.py generate_load_data`` (``benchmarks/run.py`` does both; at
``--scale full`` that is ten times CLAC's volume: 10,000 organisations, 200,000 applications). Each page
and its floor are requested in turn through Django's request handler, in-process, signed in as the
load generator's staff; the figure is the ratio of the medians (target: at most 2×).
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from applications.models import Application  # noqa: E402
from listing.text import matching  # noqa: E402
from organizations.models import Organization, User  # noqa: E402

TARGET = 2.0


def signed_in(username: str) -> Client:
    """A session as after signing in, second factor included (asked at sign-in, not on each page)."""
    from security.two_factor import SESSION_ENROL, SESSION_PENDING, SESSION_VERIFIED

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(username=username))
    session = client.session
    session.pop(SESSION_PENDING, None)
    session.pop(SESSION_ENROL, None)
    session[SESSION_VERIFIED] = True
    session.save()
    return client


def timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return elapsed


def compare(name: str, client: Client, url: str, floor_url: str, repeat: int) -> dict:
    for _ in range(3):
        timed(client, url)
        timed(client, floor_url)
    page, floor = [], []
    for _ in range(repeat):
        page.append(timed(client, url))
        floor.append(timed(client, floor_url))
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    page_ms, floor_ms = statistics.median(page) * 1000, statistics.median(floor) * 1000
    return {"name": name, "url": url, "page_ms": round(page_ms, 2), "floor_ms": round(floor_ms, 2),
            "ratio": round(page_ms / floor_ms, 2), "queries": len(queries)}


def common_word() -> str:
    """A search word that many organisations' names share (the generator builds names of syllables)."""
    counts = Counter()
    for name in Organization.objects.values_list("short_name", flat=True)[:2000]:
        for start in range(max(len(name) - 3, 0)):
            counts[name[start:start + 4].lower()] += 1
    return counts.most_common(1)[0][0]


def cases() -> list[tuple]:
    word = common_word()
    application = Application.objects.order_by("-id").first()
    reference = application.reference
    organization = Organization.objects.order_by("id").first()
    matches = Application.objects.filter(matching(word)).count()
    return [
        (f"applications, search “{word}” ({matches:,} match)", "load-secretariat",
         f"/applications/?search={word}", f"/bench/floor/pages/applications/?search={word}"),
        (f"applications, search “{word}”, page 3", "load-secretariat",
         f"/applications/?search={word}&page=3", f"/bench/floor/pages/applications/?search={word}&page=3"),
        ("applications, search “honduras”, closed, by organisation", "load-secretariat",
         "/applications/?search=honduras&status=closed&ordering=organization",
         "/bench/floor/pages/applications/?search=honduras&status=closed&ordering=organization"),
        ("applications, search a reference", "load-secretariat",
         f"/applications/?search={reference}", f"/bench/floor/pages/applications/?search={reference}"),
        ("applications, no search (every row counted)", "load-secretariat", "/applications/",
         "/bench/floor/pages/applications/"),
        (f"screening queue, search “{word}”", "load-secretariat", f"/secretariat/?search={word}",
         f"/bench/floor/pages/applications/?search={word}&states=submitted,screening,information_requested"
         "&ordering=decision_due"),
        (f"loans, search “{word}”", "load-finance", f"/finance/loans/?search={word}",
         f"/bench/floor/pages/loans/?search={word}"),
        (f"disbursements, search “{word}”", "load-finance", f"/finance/disbursements/?search={word}",
         f"/bench/floor/pages/disbursements/?search={word}"),
        (f"ledger (youth fund), search “{word}”", "load-finance",
         f"/finance/funds/youth-revolving/?search={word}",
         f"/bench/floor/pages/ledger/youth-revolving/?search={word}"),
        (f"organisations, search “{word}”", "load-secretariat", f"/organisations/?search={word}",
         f"/bench/floor/pages/organizations/?search={word}"),
        (f"organisations, search “{organization.short_name.lower()}”", "load-secretariat",
         f"/organisations/?search={organization.short_name}",
         f"/bench/floor/pages/organizations/?search={organization.short_name}"),
        ("people, search “opp1”", "load-secretariat", "/people/?search=opp1",
         "/bench/floor/pages/people/?search=opp1"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--only", default="", help="only the cases whose name contains this")
    args = parser.parse_args()
    clients: dict[str, Client] = {}
    results = []
    for name, username, url, floor_url in cases():
        if args.only not in name:
            continue
        client = clients.setdefault(username, signed_in(username))
        result = compare(name, client, url, floor_url, args.repeat)
        results.append(result)
        verdict = "met" if result["ratio"] <= TARGET else "MISSED"
        print(f"{result['name']}: page {result['page_ms']} ms, floor {result['floor_ms']} ms, "
              f"ratio {result['ratio']}× ({verdict}), {result['queries']} queries", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"database": connection.vendor, "lists": results}, indent=2))


if __name__ == "__main__":
    main()
