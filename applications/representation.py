"""Applications as the API shows them, built without DRF's per-field machinery.

The list and the detail are the API's busiest reads, and DRF's serializers cost more than the query
that feeds them: building the fields on every request and walking them on every row (about 3 ms for a
page of 50, 1 ms for one application, measured in ``docs/performance.md``). These functions give the
same JSON from plain ``.values()`` rows (lists) or one instance (detail), formatting amounts and dates
with the serializers' own fields, built once, and times in the request's time zone looked up once.

``serializers.ApplicationListSerializer`` and ``ApplicationDetailSerializer`` still declare the shapes
for the OpenAPI schema and remain the reference: ``tests/applications/test_representation.py`` checks
that both give the same JSON for every fund, state and role.
"""

from functools import cache
from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from organizations.access import access_for
from organizations.models import Organization

from .models import Review, reference_for
from .workflow import Status, days_left

# What a list row needs, read with ``list_rows()``.
LIST_VALUES = (
    "id", "fund_id", "fund__code", "call_id", "organization_id", "organization__short_name", "status",
    "currency", "requested_amount", "approved_amount", "submitted_at", "decision_due", "created_at",
    "updated_at",
)


@cache
def _fields():
    """The reference serializer's fields, built once (they format values and keep no state)."""
    from .serializers import (
        ApplicationChangeSerializer,
        ApplicationDetailSerializer,
        InformationRequestSerializer,
    )

    fields = dict(ApplicationDetailSerializer().fields)
    fields.update({f"information_request.{name}": field
                   for name, field in InformationRequestSerializer().fields.items()})
    fields["change.at"] = ApplicationChangeSerializer().fields["at"]
    return fields


def _formatted(name, value):
    return None if value is None else _fields()[name].to_representation(value)


def list_rows(applications):
    """``applications`` as plain rows with only what lists show (no fund fields, no assessment).

    The organisation's name comes from a subquery, not a join, so that the page's count stays a
    count of applications alone (Django drops unused annotations from counts, not joins).
    """
    names = Organization.objects.filter(pk=OuterRef("organization_id")).order_by().values("short_name")
    conflicts = Review.objects.filter(application=OuterRef("pk"), conflict_of_interest=True)
    return applications.annotate(
        organization__short_name=Subquery(names), has_conflicts=Exists(conflicts)
    ).values(*LIST_VALUES, "has_conflicts")


class _Page:
    """What every row of one response shares: the caller's transitions per (status, fund, own
    organisation), the status labels in the request's language, the time zone and today's date.

    In committee review, who may decide depends on each application's conflicts of interest: for
    those rows the caller may decide on, the conflicts are read for the whole page in one query."""

    def __init__(self, user, rows: list[dict] = ()):
        from .serializers import available_transitions

        self.user = user
        self.access = access_for(user)
        self.organization_id = self.access.organization_id
        self.available_transitions = available_transitions
        self.known: dict[tuple, list[str]] = {}
        self.labels: dict[str, str] = {}
        self.zone = timezone.get_current_timezone()
        self.today = timezone.localdate()
        deciding = [row for row in rows if self._per_application(row)]
        # Rows read with ``list_rows()`` say whether anyone declared a conflict; only those are read.
        self.conflicts: dict[int, set[int]] = {row["id"]: set() for row in deciding}
        conflicted = [row["id"] for row in deciding if row.get("has_conflicts")]
        if conflicted:
            for application_id, reviewer_id in Review.objects.filter(
                application_id__in=conflicted, conflict_of_interest=True
            ).values_list("application_id", "reviewer_id"):
                self.conflicts[application_id].add(reviewer_id)

    def _per_application(self, row: dict) -> bool:
        fund_id = row["fund_id"]
        return row["status"] == Status.COMMITTEE_REVIEW and (
            self.access.chairs(fund_id) or self.access.deputises(fund_id) or self.access.is_secretariat
        )

    def transitions(self, row: dict) -> list[str]:
        status, fund_id, organization_id = row["status"], row["fund_id"], row["organization_id"]
        per_application = self._per_application(row)
        key = (row["id"],) if per_application else (status, fund_id, organization_id == self.organization_id)
        if key not in self.known:
            application = SimpleNamespace(pk=row["id"], status=status, fund_id=fund_id,
                                          organization_id=organization_id, submitted_at=row["submitted_at"])
            if row["id"] in self.conflicts:
                application._conflicted_reviewer_ids = frozenset(self.conflicts[row["id"]])
            self.known[key] = self.available_transitions(application, self.user)
        return list(self.known[key])

    def label(self, status: str) -> str:
        if status not in self.labels:
            self.labels[status] = str(Status(status).label)
        return self.labels[status]

    def instant(self, value) -> str | None:
        """As DRF's ``DateTimeField`` gives it (ISO 8601 in the current time zone, ``Z`` for UTC),
        without looking the time zone up again for every value."""
        if value is None:
            return None
        text = value.astimezone(self.zone).isoformat()
        return f"{text[:-6]}Z" if text.endswith("+00:00") else text


def _summary(row: dict, page: _Page) -> dict:
    status = row["status"]
    return {
        "id": row["id"],
        "reference": reference_for(row["fund__code"], row["created_at"], row["id"]),
        "fund": row["fund__code"],
        "call": row["call_id"],
        "organization": row["organization_id"],
        "organization_name": row["organization__short_name"],
        "status": status,
        "status_display": page.label(status),
        "currency": row["currency"],
        "requested_amount": _formatted("requested_amount", row["requested_amount"]),
        "approved_amount": _formatted("approved_amount", row["approved_amount"]),
        "submitted_at": page.instant(row["submitted_at"]),
        "decision_due": _formatted("decision_due", row["decision_due"]),
        "days_left": days_left(status, row["decision_due"], page.today),
        "created_at": page.instant(row["created_at"]),
        "updated_at": page.instant(row["updated_at"]),
        "available_transitions": page.transitions(row),
    }


def application_list_json(rows, user) -> list[dict]:
    """``ApplicationListSerializer(many=True)`` for ``rows`` read with ``list_rows()``."""
    rows = list(rows)
    page = _Page(user, rows)
    return [_summary(row, page) for row in rows]


def application_changes_json(application) -> list[dict]:
    """What the organisation changed after submitting: when, who, each field's old and new value, and
    the assessment before and after."""
    return [
        {
            "at": _formatted("change.at", change.at),
            "by": change.by.username,
            "fields": change.fields,
            "assessment_before": change.assessment_before,
            "assessment_after": change.assessment_after,
        }
        for change in application.changes.select_related("by").order_by("at", "id")
    ]


def application_detail_json(application, user) -> dict:
    """``ApplicationDetailSerializer`` for one application read with ``fund`` and ``organization`` and
    annotated with ``has_information_requests`` (and ``has_changes``, else changes are read anyway)."""
    from .services import application_assessment_json

    row = {name: getattr(application, name) for name in (
        "id", "fund_id", "call_id", "organization_id", "status", "currency", "requested_amount",
        "approved_amount", "submitted_at", "decision_due", "created_at", "updated_at")}
    row["fund__code"] = application.fund.code
    row["organization__short_name"] = application.organization.short_name
    row["has_conflicts"] = getattr(application, "has_conflicts", True)
    page = _Page(user, [row])
    data = _summary(row, page)
    data.update({
        "assessment": application_assessment_json(application),
        "decision_warning_on": _formatted("decision_warning_on", application.decision_warning_on),
        "decided_at": page.instant(application.decided_at),
        "decision_reason": application.decision_reason,
        "conditions": application.conditions,
        "decision_terms": application.decision_terms,
        "information_requests": [
            {name: _formatted(f"information_request.{name}", getattr(request, name))
             for name in ("message", "respond_by", "requested_at", "answer", "answered_at", "expired_at")}
            for request in (application.information_requests.all()
                            if application.has_information_requests else ())
        ],
        "changes": application_changes_json(application)
        if getattr(application, "has_changes", True) else [],
    })
    for name, value in application.data.items():
        data.setdefault(name, value)
    return data
