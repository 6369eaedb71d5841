"""Time the outcomes report on the generated data, against one hand-written SQL aggregate.

    DATABASE_URL=postgres://... .venv/bin/python manage.py generate_load_data --reset --organizations 10000 \
        --applications 200000 --loans 50000
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/outcomes_report.py [--repeat 5]

The SQL below computes the same figures as ``reporting.outcomes.outcomes`` from the raw rows: it finds the
latest accepted report of each award (and the latest accepted value of each indicator) with DISTINCT ON,
where the report function reads the marks that accepting a report sets. Both answers are compared before
anything is timed. Prints the sizes, the timings (best of ``--repeat``) per filter and their ratio.
"""

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

HAND_SQL = """
WITH awards AS (
    SELECT a.id, a.approved_amount
    FROM applications_application a
    JOIN funds_fund f ON f.id = a.fund_id
    JOIN organizations_organization o ON o.id = a.organization_id
    WHERE a.status IN ('approved', 'conditions_accepted', 'in_execution', 'reporting', 'closed')
      AND (%(fund)s::text IS NULL OR f.code = %(fund)s::text)
      AND (%(year)s::int IS NULL OR EXTRACT(YEAR FROM a.decided_at AT TIME ZONE %(tz)s) = %(year)s::int)
      AND (%(country)s::text IS NULL OR o.country = %(country)s::text)
      AND (%(product)s::text IS NULL OR EXISTS (
            SELECT 1 FROM organizations_organization_products p
            WHERE p.organization_id = o.id AND p.productcode_id = %(product)s::text))
),
accepted AS (
    SELECT r.* FROM reporting_projectreport r JOIN awards ON awards.id = r.application_id
    WHERE r.status = 'accepted'
),
latest_values AS (
    SELECT DISTINCT ON (r.application_id, i.indicator, i.unit) i.indicator, i.unit, i.baseline, i.value
    FROM accepted r JOIN reporting_reportindicator i ON i.report_id = r.id
    WHERE i.value IS NOT NULL
    ORDER BY r.application_id, i.indicator, i.unit, r.due_on DESC, r.accepted_at DESC, r.id DESC
),
latest_people AS (
    SELECT DISTINCT ON (application_id) people_women, people_men, people_other, people_youth, people_adults
    FROM accepted WHERE people_women IS NOT NULL
    ORDER BY application_id, due_on DESC, accepted_at DESC, id DESC
)
SELECT
    (SELECT COUNT(*) FROM awards),
    (SELECT COALESCE(SUM(approved_amount), 0) FROM awards),
    (SELECT COALESCE(SUM(d.paid_amount), 0) FROM disbursements_disbursement d
        JOIN awards ON awards.id = d.application_id WHERE d.status = 'paid'),
    (SELECT COALESCE(json_agg(json_build_array(indicator, unit, projects, baseline, latest)), '[]')
        FROM (SELECT indicator, unit, COUNT(*) AS projects, SUM(baseline) AS baseline, SUM(value) AS latest
              FROM latest_values WHERE baseline IS NOT NULL GROUP BY indicator, unit) grouped),
    (SELECT json_build_array(COALESCE(SUM(people_women), 0), COALESCE(SUM(people_men), 0),
                             COALESCE(SUM(people_other), 0), COALESCE(SUM(people_youth), 0),
                             COALESCE(SUM(people_adults), 0)) FROM latest_people)
"""

FILTERS = {
    "all funds": {},
    "climate fund": {"fund": "climate-eventuality"},
    "one year": {"year": "latest"},
    "one country": {"country": "PE"},
    "one product": {"product": "coffee"},
}


def hand_figures(cursor, filters, tz: str) -> dict:
    """The hand-written aggregate's answer, shaped like the report function's."""
    params = {"fund": None, "year": None, "country": None, "product": None, "tz": tz, **filters}
    cursor.execute(HAND_SQL, params)
    awards, awarded, paid, indicators, people = cursor.fetchone()
    return {
        "awards": awards,
        "awarded": Decimal(awarded).quantize(Decimal("0.01")),
        "paid": Decimal(paid).quantize(Decimal("0.01")),
        "indicators": {(name, unit): (count, Decimal(str(base)), Decimal(str(latest)))
                       for name, unit, count, base, latest in indicators},
        "people": list(people),
    }


def report_figures(data: dict) -> dict:
    return {
        "awards": data["awards"],
        "awarded": Decimal(data["awarded"]),
        "paid": Decimal(data["paid"]),
        "indicators": {(row["indicator"], row["unit"]): (row["projects"], Decimal(row["baseline"]),
                                                         Decimal(row["latest"]))
                       for row in data["indicators"]},
        "people": list(data["people_reached"].values()),
    }


def best(repeat, func):
    timings = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from django.conf import settings
    from django.db import connection

    from applications.models import Application
    from reporting.models import ProjectReport, ReportIndicator
    from reporting.outcomes import OutcomeFilters, outcomes

    if connection.vendor != "postgresql":
        sys.exit("The hand-written aggregate is PostgreSQL's SQL: set DATABASE_URL to PostgreSQL.")
    latest_year = (Application.objects.filter(decided_at__isnull=False).order_by("-decided_at")
                   .values_list("decided_at__year", flat=True).first())
    print(f"postgresql: {Application.objects.count():,} applications, {ProjectReport.objects.count():,} "
          f"project reports ({ProjectReport.objects.filter(status='accepted').count():,} accepted), "
          f"{ReportIndicator.objects.count():,} indicator rows")
    worst = 0.0
    with connection.cursor() as cursor:
        for name, raw in FILTERS.items():
            filters = {key: (latest_year if value == "latest" else value) for key, value in raw.items()}
            report_time, data = best(args.repeat, lambda filters=filters: outcomes(OutcomeFilters(**filters)))
            sql_time, hand = best(args.repeat, lambda filters=filters: hand_figures(cursor, filters,
                                                                                    settings.TIME_ZONE))
            assert report_figures(data) == hand, (name, report_figures(data), hand)
            ratio = report_time / sql_time
            worst = max(worst, ratio)
            print(f"outcomes report, {name}: {report_time * 1000:.0f} ms (best of {args.repeat}); "
                  f"hand-written SQL: {sql_time * 1000:.0f} ms; ratio {ratio:.2f} "
                  f"({data['awards']:,} awards, {len(data['indicators'])} indicators)")
    print(f"worst ratio {worst:.2f} (target ≤ 2.0: {'met' if worst <= 2 else 'MISSED'})")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    main()
