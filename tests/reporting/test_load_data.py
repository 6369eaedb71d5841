"""The load generator's reports: consistent with the reporting rules, and the outcomes report agrees
with the benchmark's hand-written SQL on them (PostgreSQL)."""

import pytest
from django.conf import settings
from django.db import connection

from applications.workflow import Status
from benchmarks.outcomes_report import FILTERS, hand_figures, report_figures
from reporting.models import ProjectReport, ReportIndicator
from reporting.outcomes import OutcomeFilters, outcomes

pytestmark = pytest.mark.django_db


def test_generated_reports_follow_the_rules(load_data):
    assert ProjectReport.objects.filter(status="accepted").exists()
    closed = ProjectReport.objects.filter(application__status=Status.CLOSED)
    assert closed.exists() and not closed.exclude(status="accepted").exists()
    # One latest report counting people per award, and its indicators marked latest with it.
    marked = ProjectReport.objects.filter(counts_people=True)
    assert marked.count() == marked.values("application").distinct().count()
    assert not marked.exclude(status="accepted").exists()
    assert not ReportIndicator.objects.filter(is_latest=True).exclude(report__status="accepted").exists()
    assert outcomes(OutcomeFilters())["indicators"]


@pytest.mark.postgres
def test_outcomes_agree_with_the_hand_written_aggregate(load_data):
    year = ProjectReport.objects.filter(status="accepted").values_list(
        "application__decided_at__year", flat=True).first()
    with connection.cursor() as cursor:
        for raw in FILTERS.values():
            filters = {key: (year if value == "latest" else value) for key, value in raw.items()}
            data = outcomes(OutcomeFilters(**filters))
            assert report_figures(data) == hand_figures(cursor, filters, settings.TIME_ZONE), filters
