"""A project report as the API and the pages show it."""

from __future__ import annotations

from django.urls import reverse

from applications.permissions import actors_for

from .outcomes import _plain
from .workflow import TRANSITIONS, Actor


def available_transitions(report, user) -> list[str]:
    actors = actors_for(user, report.application)
    return [name for name, spec in TRANSITIONS.items()
            if report.status in spec.sources and spec.actors & actors and name != "start"]


def attachment_json(attachment) -> dict:
    return {
        "id": attachment.pk, "kind": attachment.kind, "budget_line": attachment.budget_line,
        "name": attachment.original_name, "size": attachment.size, "content_type": attachment.content_type,
        "uploaded_at": attachment.uploaded_at.isoformat() if attachment.uploaded_at else None,
        "url": reverse("project-report-attachment", args=[attachment.report_id, attachment.pk]),
    }


def report_json(report, user) -> dict:
    attachments = [attachment_json(a) for a in report.attachments.all()]
    receipts: dict[str, list] = {}
    for attachment in attachments:
        if attachment["kind"] == "receipt":
            receipts.setdefault(attachment["budget_line"].casefold(), []).append(attachment["id"])
    is_applicant = Actor.APPLICANT in actors_for(user, report.application)
    return {
        "id": report.pk,
        "application": report.application_id,
        "reference": report.application.reference,
        "kind": report.kind,
        "sequence": report.sequence,
        "required": report.required,
        "status": report.status,
        "due_on": report.due_on.isoformat() if report.due_on else None,
        "overdue": report.is_overdue,
        "narrative": report.narrative,
        "indicators": [
            {"indicator": row.indicator, "unit": row.unit, "baseline": _plain(row.baseline),
             "value": _plain(row.value), "from_baseline": row.from_baseline}
            for row in report.indicators.all()
        ],
        "people_reached": report.people_reached,
        "expenditures": [
            {**row, "receipts": receipts.get(row["budget_line"].casefold(), [])}
            for row in report.expenditures
        ],
        "compensation_use": report.compensation_use,
        "producers_compensated": report.producers_compensated,
        "attachments": attachments,
        "comments": report.comments,
        "submitted_at": report.submitted_at.isoformat() if report.submitted_at else None,
        "accepted_at": report.accepted_at.isoformat() if report.accepted_at else None,
        "available_transitions": available_transitions(report, user),
        "history": [
            {"transition": log.transition, "from": log.from_state, "to": log.to_state,
             "by": log.by.get_username() if log.by_id and not is_applicant else None,
             "at": log.at.isoformat(), "comments": log.comments}
            for log in report.transitions.all()
        ],
    }
