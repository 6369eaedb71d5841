"""API latency against its floors, queries per request, and submissions per second through gunicorn.

    DATABASE_URL=... .venv/bin/python benchmarks/api.py [--repeat 200] [--submissions 300] [--json out.json]

Runs on a database already filled by ``manage.py generate_load_data`` (``benchmarks/run.py`` does both).
Latency: each endpoint and its floor (``benchmarks/floors.py``) are called in turn through Django's
request handler, in-process; the figure is the ratio of the medians. Throughput: gunicorn with two
workers on 127.0.0.1, a threaded load generator posting ``submit`` on fresh drafts, against the same
generator on the trivial floor endpoint.
"""

import argparse
import http.client
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from applications import services  # noqa: E402
from applications.models import Application  # noqa: E402
from disbursements.models import Loan  # noqa: E402
from funds.models import Fund  # noqa: E402
from organizations.models import User  # noqa: E402
from organizations.services import api_token_create  # noqa: E402

LIST_QUERIES = [("certification-subsidy", "closed"), ("youth-revolving", "committee_review")]


def client_for(username: str) -> Client:
    user = User.objects.get(username=username)
    return Client(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user).key}")


def timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return elapsed


def compare(name: str, client: Client, url: str, floor_url: str, repeat: int) -> dict:
    for _ in range(5):  # warm caches and connections on both sides
        timed(client, url)
        timed(client, floor_url)
    api, floor = [], []
    for _ in range(repeat):
        api.append(timed(client, url))
        floor.append(timed(client, floor_url))
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    api_ms, floor_ms = statistics.median(api) * 1000, statistics.median(floor) * 1000
    return {"name": name, "url": url, "api_ms": round(api_ms, 2), "floor_ms": round(floor_ms, 2),
            "ratio": round(api_ms / floor_ms, 2), "queries": len(queries)}


def latency(repeat: int) -> list[dict]:
    staff = client_for("load-secretariat")
    finance = client_for("load-finance")
    results = []
    for fund, status in LIST_QUERIES:
        count = Application.objects.filter(fund__code=fund, status=status).count()
        result = compare(f"applications list ({fund}, {status}: {count:,} rows match)", staff,
                         f"/api/v1/applications/?fund={fund}&status={status}",
                         f"/bench/floor/applications/?fund={fund}&status={status}", repeat)
        results.append(result)
    application = Application.objects.filter(status="in_execution", fund__code="youth-revolving").order_by(
        "-id").first()
    results.append(compare("application detail", staff, f"/api/v1/applications/{application.pk}/",
                           f"/bench/floor/applications/{application.pk}/", repeat))
    loan = Loan.objects.filter(status="active").order_by("-id").first()
    results.append(compare("loan schedule (20 instalments)", finance, f"/api/v1/loans/{loan.pk}/schedule/",
                           f"/bench/floor/loans/{loan.pk}/schedule/", repeat))
    results.append(compare("yardstick: an authenticated API call that reads nothing, against the trivial "
                           "floor", staff, "/bench/authenticated-nothing/", "/bench/floor/", repeat))
    if connection.vendor == "postgresql":
        results.append(compare("portfolio report (youth-revolving)", finance,
                               "/api/v1/reports/portfolio/?fund=youth-revolving",
                               "/bench/floor/portfolio/?fund=youth-revolving", max(repeat // 10, 5)))
    return results


# ---------------------------------------------------------------------------- throughput


def drafts(count: int) -> list[tuple[int, str]]:
    """``count`` complete climate-fund drafts, each from a different organisation, with its token."""
    from tests.workflow import valid_fields

    fund = Fund.objects.get(code="climate-eventuality")
    people = list(User.objects.filter(organization__isnull=False, is_active=True).order_by("-id")[:count])
    made = []
    for person in people:
        application = services.application_create(fund=fund, organization=person.organization, by=person,
                                                  fields=valid_fields(fund.code))
        made.append((application.pk, api_token_create(user=person).key))
    return made


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(port: int, jobs: list[tuple[str, str, str]], threads: int, time_limit: float) -> dict:
    """Send each (method, path, token) once from ``threads`` threads; stop at ``time_limit`` seconds."""
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + time_limit

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            try:
                method, path, token = work.get_nowait()
            except queue.Empty:
                break
            headers = {"Authorization": f"Token {token}"} if token else {}
            started = time.perf_counter()
            try:
                conn.request(method, path, headers=headers)
                response = conn.getresponse()
                response.read()
                code = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                code = 0
            with lock:
                statuses[code] = statuses.get(code, 0) + 1
                latencies.append(time.perf_counter() - started)
        conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    done = sum(statuses.values())
    return {"requests": done, "seconds": round(elapsed, 2), "per_second": round(done / elapsed, 1),
            "statuses": statuses,
            "median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None}


def throughput(count: int, threads: int, time_limit: float) -> dict:
    made = drafts(count)
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        load(port, [("GET", "/bench/floor/", "")] * 50, threads, 30)  # both workers warm
        floor = load(port, [("GET", "/bench/floor/", "")] * count, threads, time_limit)
        submit = load(port, [("POST", f"/api/v1/applications/{pk}/submit/", key) for pk, key in made],
                      threads, time_limit)
    finally:
        server.terminate()
        server.wait(timeout=30)
    submitted = Application.objects.filter(pk__in=[pk for pk, _ in made], status="submitted").count()
    return {"workers": 2, "threads": threads, "drafts": count, "submitted": submitted, "floor": floor,
            "submit": submit, "ratio": round(floor["per_second"] / submit["per_second"], 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=120)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    figures = {"database": connection.vendor, "latency": latency(args.repeat)}
    for row in figures["latency"]:
        print(f"{row['name']}: API {row['api_ms']} ms, floor {row['floor_ms']} ms, ratio {row['ratio']}, "
              f"{row['queries']} queries")
    if not args.skip_throughput:
        figures["throughput"] = throughput(args.submissions, args.threads, args.time_limit)
        result = figures["throughput"]
        print(f"submissions: {result['submit']['per_second']}/s ({result['submit']['statuses']}), floor "
              f"{result['floor']['per_second']}/s, ratio {result['ratio']}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
