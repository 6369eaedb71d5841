"""Time the portfolio report on a generated portfolio, against one hand-written SQL aggregate.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/portfolio_report.py --loans 50000 --instalments 20

Everything is generated with bulk inserts inside one transaction that is rolled back at the end, so the
database is left as it was. Prints the sizes, the timings (best of ``--repeat``) and their ratio.
"""

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from applications.models import Application  # noqa: E402
from disbursements import reports  # noqa: E402
from disbursements.models import Instalment, Loan  # noqa: E402
from funds.models import Fund  # noqa: E402
from organizations.models import Organization, User  # noqa: E402

HAND_SQL = """
WITH per_loan AS (
    SELECT l.id, l.is_rescheduled,
           COALESCE(SUM(i.principal - i.principal_paid), 0) AS owed,
           MIN(i.due_date) FILTER (WHERE i.due_date < %(on)s AND i.paid_on IS NULL) AS oldest_late
    FROM disbursements_loan l JOIN disbursements_instalment i ON i.loan_id = l.id AND i.is_current
    WHERE l.status IN ('active', 'in_arrears') AND l.fund_id = %(fund)s
    GROUP BY l.id
)
SELECT COUNT(*), SUM(owed),
       SUM(owed) FILTER (WHERE oldest_late < %(on)s::date - 30 OR is_rescheduled),
       COUNT(*) FILTER (WHERE oldest_late IS NULL), SUM(owed) FILTER (WHERE oldest_late IS NULL),
       COUNT(*) FILTER (WHERE oldest_late BETWEEN %(on)s::date - 30 AND %(on)s::date - 1),
       COUNT(*) FILTER (WHERE oldest_late BETWEEN %(on)s::date - 60 AND %(on)s::date - 31),
       COUNT(*) FILTER (WHERE oldest_late BETWEEN %(on)s::date - 90 AND %(on)s::date - 61),
       COUNT(*) FILTER (WHERE oldest_late BETWEEN %(on)s::date - 180 AND %(on)s::date - 91),
       COUNT(*) FILTER (WHERE oldest_late BETWEEN %(on)s::date - 360 AND %(on)s::date - 181),
       COUNT(*) FILTER (WHERE oldest_late < %(on)s::date - 360)
FROM per_loan
"""


def generate(loans: int, per_loan: int, on: datetime.date) -> Fund:
    rng = random.Random(42)
    fund = Fund.objects.get(code="youth-revolving")
    user = User.objects.create(username=f"bench-{time.time_ns()}")
    orgs = Organization.objects.bulk_create(
        Organization(
            legal_name=f"Bench {n}",
            short_name=f"B{n}",
            country="HN",
            fairtrade_id=f"BENCH-{n}",
            grade=1,
            preferred_language="es",
            contact_emails=[],
        )
        for n in range(500)
    )
    apps = Application.objects.bulk_create(
        (
            Application(
                fund=fund,
                organization=orgs[n % len(orgs)],
                status="in_execution",
                currency="USD",
                created_by=user,
                approved_amount=Decimal("3000.00"),
            )
            for n in range(loans)
        ),
        batch_size=5000,
    )
    loan_rows = Loan.objects.bulk_create(
        (
            Loan(
                application=app,
                fund=fund,
                status="active",
                principal=Decimal("3000.00"),
                currency="USD",
                annual_interest_rate=Decimal(6),
                term_months=per_loan,
                repayment_frequency="monthly",
                is_rescheduled=rng.random() < 0.03,
            )
            for app in apps
        ),
        batch_size=5000,
    )
    share = (Decimal("3000.00") / per_loan).quantize(Decimal("0.01"))
    batch = []
    for loan in loan_rows:
        start = on - datetime.timedelta(days=rng.randint(0, 30 * per_loan))
        paid_up_to = rng.randint(0, per_loan)
        for n in range(1, per_loan + 1):
            due = start + datetime.timedelta(days=30 * n)
            paid = n <= paid_up_to or (due >= on and rng.random() < 0.2)
            batch.append(
                Instalment(
                    loan=loan,
                    n=n,
                    due_date=due,
                    principal=share,
                    interest=Decimal("10.00"),
                    principal_paid=share if paid else 0,
                    interest_paid=10 if paid else 0,
                    paid_on=due if paid else None,
                )
            )
        if len(batch) >= 50_000:
            Instalment.objects.bulk_create(batch, batch_size=10_000)
            batch = []
    Instalment.objects.bulk_create(batch, batch_size=10_000)
    return fund


def best(repeat, func):
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loans", type=int, default=50_000)
    parser.add_argument("--instalments", type=int, default=20, help="instalments per loan")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    on = datetime.date.today()
    with transaction.atomic():
        started = time.perf_counter()
        fund = generate(args.loans, args.instalments, on)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE disbursements_loan; ANALYZE disbursements_instalment")
        print(
            f"{connection.vendor}: generated {args.loans} loans, {args.loans * args.instalments} instalments "
            f"in {time.perf_counter() - started:.1f}s"
        )

        def hand():
            with connection.cursor() as cursor:
                cursor.execute(HAND_SQL, {"on": on, "fund": fund.pk})
                return cursor.fetchone()

        report_time, report = best(args.repeat, lambda: reports.portfolio(on=on, fund=fund))
        sql_time, row = best(args.repeat, hand)
        assert report["loans"] == row[0] and Decimal(report["outstanding"]) == row[1], (report, row)
        assert Decimal(report["at_risk_30"]) == (row[2] or 0)
        assert [b["count"] for b in report["buckets"]] == list(row[3:4] + row[5:]), (report, row)
        print(
            f"portfolio report: {report_time * 1000:.0f} ms (best of {args.repeat}); "
            f"hand-written SQL: {sql_time * 1000:.0f} ms; ratio {report_time / sql_time:.2f}"
        )
        print(f"outstanding {report['outstanding']}, PAR30 {report['par30']}%")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
