"""Does a deadline sweep cost what is due, or what exists?

Bulk-inserts N applications of which the same number are due today (the rest: closed history with
their timers done, and open applications whose timers fall in the coming weeks), runs the sweep, and
prints its time for each N. Run on PostgreSQL, on a database of your own (it empties the application
and notification tables first):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fondos_notify \\
        .venv/bin/python benchmarks/deadline_sweep.py --sizes 10000 200000 --due 200
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

import notifications.outbox  # noqa: E402
from applications.models import Application  # noqa: E402
from funds.models import Fund  # noqa: E402
from notifications.deadlines import run_deadlines  # noqa: E402
from notifications.models import Deadline, DeadlineKind  # noqa: E402
from organizations.choices import Role  # noqa: E402
from organizations.models import Organization, StaffRole, User  # noqa: E402

BATCH = 5000


def reset():
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE applications_application, notifications_notification, notifications_deadline, "
            "notifications_notificationpreference RESTART IDENTITY CASCADE"
        )


def people(fund):
    user, _ = User.objects.get_or_create(username="bench-secretariat", defaults={"email": "s@bench.example"})
    chair, _ = User.objects.get_or_create(username="bench-chair", defaults={"email": "c@bench.example"})
    now = timezone.now()
    StaffRole.objects.get_or_create(user=user, role=Role.SECRETARIAT, fund=None, revoked_at=None,
                                    defaults={"granted_at": now})
    # A fund has one chair: keep the one the load data may have appointed.
    if not StaffRole.objects.active().filter(role=Role.COMMITTEE_CHAIR, fund=fund).exists():
        StaffRole.objects.create(user=chair, role=Role.COMMITTEE_CHAIR, fund=fund, granted_at=now)
    org, _ = Organization.objects.get_or_create(
        fairtrade_id="BENCH-1", defaults={"legal_name": "Cooperativa de prueba", "short_name": "BENCH",
                                          "country": "HN", "contact_emails": ["bench@coop.example"]},
    )
    return user, org


def fill(total: int, due: int, today: datetime.date):
    fund = Fund.objects.get(code="youth-revolving")
    user, org = people(fund)
    upcoming = total // 20  # open applications whose clocks run out in the coming weeks
    history = total - due - upcoming
    now = timezone.now()

    def application(index, status, submitted_on):
        return Application(
            fund=fund, organization=org, created_by=user, status=status, currency="USD", data={},
            submitted_at=now, decision_warning_on=submitted_on + datetime.timedelta(days=15),
            decision_due=submitted_on + datetime.timedelta(days=28),
        )

    groups = [
        # (how many, status, submitted how many days before today, are the timers done)
        (history, "closed", lambda i: 60 + i % 2000, True),
        (upcoming, "screening", lambda i: i % 14, False),
        (due, "submitted", lambda i: 15, False),
    ]
    for count, status, age, done in groups:
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            apps = Application.objects.bulk_create([
                application(start + i, status, today - datetime.timedelta(days=age(start + i)))
                for i in range(size)
            ])
            timers = []
            for app in apps:
                for kind, due_on in ((DeadlineKind.DECISION_WARNING, app.decision_warning_on),
                                     (DeadlineKind.DECISION_OVERDUE,
                                      app.decision_due + datetime.timedelta(days=1))):
                    timers.append(Deadline(application=app, kind=kind, due_on=due_on,
                                           done_at=now if done else None, outcome="decided" if done else ""))
            Deadline.objects.bulk_create(timers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE applications_application")
        cursor.execute("ANALYZE notifications_deadline")
        cursor.execute("ANALYZE notifications_notification")


def measure(today: datetime.date, repeat: int):
    times = []
    outcome = None
    for _ in range(repeat):
        with transaction.atomic():
            started = time.perf_counter()
            outcome = run_deadlines(today=today)
            times.append(time.perf_counter() - started)
            transaction.set_rollback(True)  # the next round finds the same work to do
    return statistics.median(times), outcome


def explain(today):
    query = Deadline.objects.filter(done_at__isnull=True, due_on__lte=today).values_list("pk", flat=True)
    return query.explain()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--due", type=int, default=200, help="applications due today, the same at each size")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Run this on PostgreSQL (DATABASE_URL=postgres://...): SQLite figures say little.")
    call_command("migrate", verbosity=0)
    # The sweep writes the notifications; queueing their delivery is the outbox's job, timed elsewhere.
    notifications.outbox.queue_delivery = lambda ids: len(ids)
    today = timezone.localdate()
    results = []
    for size in options.sizes:
        reset()
        started = time.perf_counter()
        fill(size, options.due, today)
        filled = time.perf_counter() - started
        seconds, outcome = measure(today, options.repeat)
        results.append((size, seconds))
        print(f"{size:>9,} applications ({Deadline.objects.count():,} timers, filled in {filled:.1f} s): "
              f"sweep of {options.due} due took {seconds * 1000:.0f} ms (median of {options.repeat}); "
              f"{dict(outcome)}")
    print("due-timer query plan at the largest size:")
    print("   ", explain(today).replace("\n", "\n    "))
    if len(results) > 1:
        (small, t_small), (large, t_large) = results[0], results[-1]
        print(f"ratio {large:,} / {small:,} applications: {t_large / t_small:.2f}x (target: at most 1.5x)")


if __name__ == "__main__":
    main()
