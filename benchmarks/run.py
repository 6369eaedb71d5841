"""Every benchmark in one command; prints the figures and writes them into ``docs/performance.md``.

    .venv/bin/python benchmarks/run.py --scale full|small [--databases postgres,sqlite] [--reuse]

For each database: migrate, fill with ``manage.py generate_load_data`` (full: 10,000 organisations,
200,000 applications, 50,000 loans with 1,000,000 instalments; small: a tenth), then
- ``benchmarks/api.py``: list, detail, loan schedule and portfolio report against their floors, queries
  per request, submissions per second through gunicorn (two workers) against a trivial endpoint;
- ``benchmarks/lists.py``: every searched, paginated list page against its hand-written floor;
- ``benchmarks/exports.py --reuse``: the open-data files (360Giving JSON and CSV, IATI XML) produced with
  the cache empty: size and seconds, then peak Python memory (tracemalloc) in a second, traced run;
- ``benchmarks/portfolio_report.py --loans 0``: the report function against one SQL aggregate, on the
  generated portfolio (PostgreSQL);
- ``benchmarks/outcomes_report.py``: the outcomes report against one SQL aggregate, on the generated
  awards and their project reports (PostgreSQL);
- ``benchmarks/deadline_sweep.py``: the sweep at two sizes with the same number due (PostgreSQL; it
  empties the application tables, so it runs last and the next run fills them again);
and once ``benchmarks/letters.py`` (decision letters per minute for one worker, on its own SQLite).
PostgreSQL is ``$FONDOS_PERF_POSTGRES_URL`` (default ``postgres://postgres@127.0.0.1:5432/fondos_perf``);
SQLite is a file under /tmp. With ``REDIS_URL`` tasks are queued to Redis (default db 7 for PostgreSQL).
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python")
SCALES = {
    "full": {"organizations": 10_000, "applications": 200_000, "loans": 50_000, "sweep": (10_000, 200_000),
             "repeat": 100, "submissions": 300},
    "small": {"organizations": 1_000, "applications": 20_000, "loans": 5_000, "sweep": (2_000, 40_000),
              "repeat": 50, "submissions": 100},
}
TARGETS = {"applications list": 2.0, "application detail": 2.0, "loan schedule": 2.0, "portfolio report": 2.0}


def run(args: list[str], env: dict, timeout: int = 3600) -> str:
    print(f"$ {' '.join(args)}", flush=True)
    started = time.perf_counter()
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)  # noqa: S603
    output = result.stdout + (result.stderr if result.returncode else "")
    print(output.rstrip(), flush=True)
    print(f"  ({time.perf_counter() - started:.0f} s, exit {result.returncode})", flush=True)
    return output


def environment(url: str, redis: str | None) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.base",
           "DEBUG": "false"}
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = redis
    return env


def applications_in(env: dict) -> int:
    output = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "shell", "-c",
         "from applications.models import Application; print(Application.objects.count())"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout
    return int(output.strip().splitlines()[-1])


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark database on first use (the server must accept ``CREATE DATABASE``)."""
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def bench_database(name: str, url: str, redis: str | None, scale: dict, reuse: bool) -> dict:
    env = environment(url, redis)
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)
    figures: dict = {"database": name}
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    if not (reuse and applications_in(env) >= scale["applications"]):
        # The load generator is installed by the benchmarks' settings only (never in production).
        output = run([PYTHON, "manage.py", "generate_load_data", "--reset", "--seed", "1", "--check",
                      "--organizations", str(scale["organizations"]),
                      "--applications", str(scale["applications"]), "--loans", str(scale["loans"])],
                     {**env, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}, timeout=7200)
        found = re.search(r"total rows ([\d,]+) in ([\d.]+) s", output)
        figures["generated"] = {"rows": found.group(1), "seconds": float(found.group(2))} if found else None
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run([PYTHON, "benchmarks/api.py", "--repeat", str(scale["repeat"]),
             "--submissions", str(scale["submissions"]), "--json", out.name], env)
        try:
            figures["api"] = json.loads(Path(out.name).read_text())
        except json.JSONDecodeError:
            figures["api"] = None
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        repeat = str(max(scale["repeat"] // 3, 10))
        run([PYTHON, "benchmarks/lists.py", "--repeat", repeat, "--json", out.name], env)
        try:
            figures["lists"] = json.loads(Path(out.name).read_text())["lists"]
        except (json.JSONDecodeError, KeyError):
            figures["lists"] = None
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run([PYTHON, "benchmarks/exports.py", "--reuse", "--json", out.name], env, timeout=7200)
        try:
            figures["exports"] = json.loads(Path(out.name).read_text())
        except json.JSONDecodeError:
            figures["exports"] = None
    if name == "postgresql":
        figures["portfolio_function"] = run([PYTHON, "benchmarks/portfolio_report.py", "--loans", "0",
                                             "--repeat", "5"], env)
        figures["outcomes_report"] = run([PYTHON, "benchmarks/outcomes_report.py", "--repeat", "5"], env)
        figures["deadline_sweep"] = run([PYTHON, "benchmarks/deadline_sweep.py", "--sizes",
                                         *[str(size) for size in scale["sweep"]], "--due", "200",
                                         "--repeat", "3"], env, timeout=7200)
    return figures


def verdict(name: str, ratio: float) -> str:
    for prefix, target in TARGETS.items():
        if name.startswith(prefix):
            return f"≤ {target}×: {'met' if ratio <= target else f'MISSED by {ratio / target:.1f}×'}"
    return ""


def report(results: list[dict], letters: str, scale_name: str, scale: dict) -> str:
    lines = [
        f"Measured by `benchmarks/run.py --scale {scale_name}` on {datetime.date.today():%Y-%m-%d} "
        f"({os.cpu_count()} CPUs). Data: `manage.py generate_load_data --organizations "
        f"{scale['organizations']} --applications {scale['applications']} --loans {scale['loans']}` "
        f"(20 instalments per loan). Each figure is a ratio against a floor measured in the same run on the "
        "same data, so that a noisy machine moves both sides. Floors (`benchmarks/floors.py`) read the "
        "same rows with one hand-written query and serialise them with plain `json`, through the same "
        "Django request handler and middleware; the API side authenticates with a token.",
        "",
    ]
    for result in results:
        lines += [f"### {result['database']}", ""]
        if result.get("generated"):
            generated = result["generated"]
            lines += [f"Load data: {generated['rows']} rows in {generated['seconds']:.0f} s.", ""]
        api = result.get("api")
        if api:
            lines += ["| endpoint | API median | floor median | ratio | target | queries |",
                      "|---|---|---|---|---|---|"]
            for row in api["latency"]:
                lines.append(f"| {row['name']} | {row['api_ms']} ms | {row['floor_ms']} ms | "
                             f"{row['ratio']}× | {verdict(row['name'], row['ratio'])} | {row['queries']} |")
            lines.append("")
            through = api.get("throughput")
            if through:
                lines += [
                    f"Submissions through gunicorn ({through['workers']} workers, {through['threads']} "
                    f"client threads on 127.0.0.1, {through['drafts']} drafts): "
                    f"**{through['submit']['per_second']}/s** "
                    f"(median {through['submit']['median_ms']} ms, statuses {through['submit']['statuses']}, "
                    f"{through['submitted']} submitted); trivial floor endpoint "
                    f"{through['floor']['per_second']}/s; ratio {through['ratio']}×.",
                    "",
                ]
        if result.get("lists"):
            lines += ["List pages, searched (`benchmarks/lists.py`: page against a hand-written floor, "
                      "target ≤ 2×):", "",
                      "| page | median | floor median | ratio | target | queries |",
                      "|---|---|---|---|---|---|"]
            for row in result["lists"]:
                met = "met" if row["ratio"] <= 2.0 else f"MISSED by {row['ratio'] / 2.0:.1f}×"
                lines.append(f"| {row['name']} | {row['page_ms']} ms | {row['floor_ms']} ms | "
                             f"{row['ratio']}× | ≤ 2×: {met} | {row['queries']} |")
            lines.append("")
        exported = result.get("exports")
        if exported:
            counts = f"{exported['grants']:,} grants of {exported['activities']:,} awards"
            lines += [f"Open-data files (`benchmarks/exports.py --reuse`, cache empty, {counts}):", "",
                      "| file | size | seconds | peak memory |", "|---|---|---|---|"]
            for row in exported["exports"]:
                lines.append(f"| {row['export']} | {row['bytes'] / 2**20:.1f} MiB | {row['seconds']:.2f} s | "
                             f"{row['peak_mib']:.1f} MiB |")
            lines.append("")
        for key, title in (("portfolio_function", "Portfolio report function against one SQL aggregate "
                            "(`benchmarks/portfolio_report.py --loans 0`, target ≤ 2×)"),
                           ("outcomes_report", "Outcomes report against one SQL aggregate of the same "
                            "figures (`benchmarks/outcomes_report.py`, target ≤ 2×)"),
                           ("deadline_sweep",
                            "Deadline sweep (`benchmarks/deadline_sweep.py`, target ≤ 1.5×)")):
            if result.get(key):
                lines += [f"{title}:", "", "```", result[key].strip("\n").rstrip(), "```", ""]
    if letters:
        lines += ["### Decision letters", "",
                  "`benchmarks/letters.py` (one worker, its own SQLite database):",
                  "", "```", letters.strip(), "```", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--reuse", action="store_true", help="keep load data already there")
    parser.add_argument("--no-letters", action="store_true")
    parser.add_argument("--output", default=str(ROOT / "docs/performance.md"))
    args = parser.parse_args()
    scale = SCALES[args.scale]
    results = []
    for database in args.databases.split(","):
        if database == "postgres":
            url = os.environ.get("FONDOS_PERF_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/fondos_perf")
            redis = os.environ.get("FONDOS_PERF_REDIS_URL", "redis://127.0.0.1:6379/7")
            results.append(bench_database("postgresql", url, redis, scale, args.reuse))
        elif database == "sqlite":
            url = f"sqlite:///{tempfile.gettempdir()}/fondos-perf-{args.scale}.sqlite3"
            results.append(bench_database("sqlite (the embedded default)", url, None, scale, args.reuse))
    letters = "" if args.no_letters else run([PYTHON, "benchmarks/letters.py"], {**os.environ})
    text = report(results, letters, args.scale, scale)
    write_figures(Path(args.output), text)
    print(text)


BEGIN, END = "<!-- figures: written by benchmarks/run.py -->", "<!-- end of figures -->"


def write_figures(path: Path, figures: str) -> None:
    """Put the figures between the markers in ``path``, keeping the analysis around them."""
    current = path.read_text() if path.exists() else ""
    if BEGIN in current and END in current:
        before, rest = current.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        path.write_text(f"{before}{BEGIN}\n{figures}\n{END}{after}")
    else:
        path.write_text(f"{BEGIN}\n{figures}\n{END}\n{current}")


if __name__ == "__main__":
    sys.exit(main())
