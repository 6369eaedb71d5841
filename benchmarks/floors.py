"""The floors: the same rows read with one hand-written query and serialised with plain ``json``.

They run through the same Django request handler and middleware as the API, so a ratio measures what
Fondos' own code (permissions, ORM, DRF serializers, pagination) adds to the unavoidable work.
"""

import datetime
import importlib.util
import json
from decimal import Decimal
from pathlib import Path

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

LIST_SQL = """
SELECT a.id, f.code, a.organization_id,
       (SELECT o.short_name FROM organizations_organization o WHERE o.id = a.organization_id),
       a.status, a.currency, a.requested_amount, a.approved_amount, a.submitted_at, a.decision_due,
       a.created_at, a.updated_at
FROM applications_application a
JOIN funds_fund f ON f.id = a.fund_id
WHERE f.code = %s AND a.status = %s
ORDER BY a.created_at DESC, a.id DESC
LIMIT 50
"""
DETAIL_SQL = """
SELECT a.id, f.code, a.organization_id, o.short_name, a.status, a.currency, a.requested_amount,
       a.approved_amount, a.submitted_at, a.decision_due, a.created_at, a.updated_at, a.assessment,
       a.decision_warning_on, a.decided_at, a.decision_reason, a.conditions, a.decision_terms, a.data
FROM applications_application a
JOIN funds_fund f ON f.id = a.fund_id
JOIN organizations_organization o ON o.id = a.organization_id
WHERE a.id = %s
"""
SCHEDULE_SQL = """
SELECT n, due_date, principal, interest, fees, principal_paid, interest_paid, fees_paid, paid_on, version
FROM disbursements_instalment WHERE loan_id = %s AND is_current ORDER BY n
"""
LIST_COLUMNS = ["id", "fund", "organization", "organization_name", "status", "currency", "requested_amount",
                "approved_amount", "submitted_at", "decision_due", "created_at", "updated_at"]
DETAIL_COLUMNS = [*LIST_COLUMNS, "assessment", "decision_warning_on", "decided_at", "decision_reason",
                  "conditions", "decision_terms", "data"]
SCHEDULE_COLUMNS = ["n", "due_date", "principal", "interest", "fees", "principal_paid", "interest_paid",
                    "fees_paid", "paid_on", "version"]


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in "{[":
        return json.loads(value)  # JSON columns come back as text on SQLite
    return value


def _rows(sql, params, columns):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [{name: _plain(value) for name, value in zip(columns, row, strict=True)}
                for row in cursor.fetchall()]


def trivial(request):
    return HttpResponse(b'{"ok":true}', content_type="application/json")


class AuthenticatedNothing(APIView):
    """Not a floor but a yardstick: what any API call costs before it reads a row (DRF's dispatch and
    token authentication with the caller's roles), to read the single-row ratios against."""

    def get(self, request):
        return Response({"ok": True})


def application_list(request):
    rows = _rows(LIST_SQL, [request.GET["fund"], request.GET["status"]], LIST_COLUMNS)
    return HttpResponse(json.dumps({"results": rows}), content_type="application/json")


def application_detail(request, pk):
    rows = _rows(DETAIL_SQL, [pk], DETAIL_COLUMNS)
    return HttpResponse(json.dumps(rows[0]), content_type="application/json")


def loan_schedule(request, pk):
    rows = _rows(SCHEDULE_SQL, [pk], SCHEDULE_COLUMNS)
    return HttpResponse(json.dumps(rows), content_type="application/json")


def portfolio_sql() -> str:
    """The money engineer's hand-written aggregate, from ``benchmarks/portfolio_report.py``."""
    path = Path(__file__).with_name("portfolio_report.py")
    spec = importlib.util.spec_from_file_location("benchmarks_portfolio_report", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HAND_SQL


_PORTFOLIO_SQL = None


def portfolio(request):
    global _PORTFOLIO_SQL
    if _PORTFOLIO_SQL is None:
        _PORTFOLIO_SQL = portfolio_sql()
    from funds.models import Fund

    fund_id = Fund.objects.values_list("pk", flat=True).get(code=request.GET["fund"])
    with connection.cursor() as cursor:
        cursor.execute(_PORTFOLIO_SQL, {"on": timezone.localdate(), "fund": fund_id})
        row = cursor.fetchone()
    return JsonResponse({"loans": row[0], "outstanding": str(row[1]), "at_risk": str(row[2]),
                         "buckets": [_plain(value) for value in row[3:]]})
