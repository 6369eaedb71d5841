"""Every change to a project report happens here, in one function per action.

Each transition locks the report's row, checks who is acting and the state, collects every reason it
cannot proceed, moves the state through django-fsm, records the transition and writes its notices in
the same transaction (delivered after commit by the outbox).
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.permissions import actors_for
from applications.uploads import check_upload
from applications.workflow import Actor
from applications.workflow import Status as ApplicationStatus
from core.errors import Invalid, NotPermitted, WrongState
from organizations.models import User

from . import notices
from .fields import validate_report_fields
from .models import AttachmentKind, ProjectReport, ReportAttachment, ReportIndicator, ReportTransitionLog
from .selectors import award_parameters
from .workflow import EDITABLE, TRANSITIONS, ReportKind, ReportStatus

# Awards that can owe reports: accepted, paid, reporting; a closed file owes nothing new.
REPORTING_STATES = (ApplicationStatus.CONDITIONS_ACCEPTED, ApplicationStatus.IN_EXECUTION,
                    ApplicationStatus.REPORTING)


# --------------------------------------------------------------------------- helpers


def _locked(report_id: int) -> ProjectReport:
    return (
        ProjectReport.objects.select_for_update(of=("self",))
        .select_related("application__fund", "application__organization")
        .get(pk=report_id)
    )


def _check(report: ProjectReport, name: str, by: User) -> None:
    """403 when ``by`` may not run ``name``, 409 when the report's state forbids it."""
    spec = TRANSITIONS[name]
    if by is None or not spec.actors & actors_for(by, report.application):
        raise NotPermitted()
    if report.status not in spec.sources:
        raise WrongState(
            _("A report in state “%(state)s” cannot be moved by “%(action)s”.")
            % {"state": report.get_status_display(), "action": spec.applicant_label}
        )


def _move(report: ProjectReport, name: str, by: User, comments: str = "") -> ReportTransitionLog:
    from_state = report.status
    getattr(report, TRANSITIONS[name].method)()
    report.save()
    log = ReportTransitionLog.objects.create(
        report=report, transition=name, from_state=from_state, to_state=report.status, by=by,
        comments=comments,
    )
    notices.on_report_transition(report=report, log=log)
    return log


def _baseline_rows(application: Application) -> list[dict[str, Any]]:
    """The application's baseline indicators (the climate fund asks for them when applying)."""
    rows = []
    for row in (application.data or {}).get("baseline") or []:
        try:
            baseline = Decimal(str(row.get("value")))
        except (ArithmeticError, ValueError, TypeError):
            baseline = None
        rows.append({"indicator": str(row.get("indicator", ""))[:200], "unit": str(row.get("unit", ""))[:40],
                     "baseline": baseline})
    return [row for row in rows if row["indicator"] and row["unit"]]


def _add_baseline_indicators(report: ProjectReport) -> None:
    ReportIndicator.objects.bulk_create(
        ReportIndicator(report=report, position=n, indicator=row["indicator"], unit=row["unit"],
                        baseline=row["baseline"], from_baseline=True)
        for n, row in enumerate(_baseline_rows(report.application))
    )


# --------------------------------------------------------------------------- requirements


def project_reports_create_for_award(*, application_id: int, paid_on: datetime.date) -> list[ProjectReport]:
    """The reports the award owes under its fund's parameters, due from its first payment.

    Run after the payment commits; does nothing when the award's required reports already exist, so
    running it for every tranche (or twice) creates them once.
    """
    from notifications import deadlines

    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("fund", "organization")
            .get(pk=application_id)
        )
        existing = list(application.project_reports.filter(required=True))
        if existing:
            return existing
        parameters = award_parameters(application)
        owed = application.fund.rules.report_requirements(
            application.data or {}, paid_on=paid_on, parameters=parameters
        )
        reports = []
        for due in owed:
            report = ProjectReport.objects.create(
                application=application, kind=due.kind, sequence=due.sequence, due_on=due.due_on,
                required=True,
            )
            _add_baseline_indicators(report)
            reports.append(report)
            for kind, day in notices.timers_for(report):
                deadlines.deadline_set(application, kind, day)
    return reports


def project_report_create(*, application_id: int, by: User, kind: str,
                          due_on: datetime.date | None = None) -> ProjectReport:
    """A report added by hand: by the secretariat (required, with its due date) or by the organisation
    (of its own accord, started as a draft)."""
    from notifications import deadlines

    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("fund", "organization")
            .get(pk=application_id)
        )
        actors = actors_for(by, application)
        staff = bool(actors & {Actor.SECRETARIAT, Actor.ADMINISTRATOR})
        if not staff and Actor.APPLICANT not in actors:
            raise NotPermitted()
        if application.status not in REPORTING_STATES:
            raise WrongState(_("Reports are written for an award that is being carried out."))
        if kind not in ReportKind.values:
            raise Invalid({"kind": [_("Choose one of: %s.") % ", ".join(ReportKind.values)]})
        if staff and due_on is None:
            raise Invalid({"due_on": [_("Give the date the report is due.")]})
        if due_on is not None and not (timezone.localdate() <= due_on
                                       <= timezone.localdate() + datetime.timedelta(days=3660)):
            raise Invalid({"due_on": [_("The due date must be from today on, within ten years.")]})
        last = (application.project_reports.filter(kind=kind).order_by("-sequence")
                .values_list("sequence", flat=True).first()) or 0
        report = ProjectReport.objects.create(
            application=application, kind=kind, sequence=last + 1,
            due_on=due_on if staff else timezone.localdate(),
            required=staff,
        )
        _add_baseline_indicators(report)
        if staff:
            for timer, day in notices.timers_for(report):
                deadlines.deadline_set(application, timer, day)
        else:
            _move(report, "start", by)
    return report


# --------------------------------------------------------------------------- writing the report


def project_report_update(*, report_id: int, by: User, fields: dict[str, Any]) -> ProjectReport:
    """Save what the organisation wrote (any part, at any step); the first save starts the draft."""
    cleaned = validate_report_fields(fields)
    with transaction.atomic():
        report = _locked(report_id)
        if Actor.APPLICANT not in actors_for(by, report.application):
            raise NotPermitted(_("Only the organisation's staff write its reports."))
        if report.status not in EDITABLE:
            raise WrongState(_("A report can be changed only before it is submitted, or once returned."))
        _write(report, cleaned)
        if report.status == ReportStatus.DUE:
            _move(report, "start", by)
        else:
            report.save()
    return report


def _write(report: ProjectReport, cleaned: dict[str, Any]) -> None:
    if "narrative" in cleaned:
        report.narrative = cleaned["narrative"].strip()
    if "compensation_use" in cleaned:
        report.compensation_use = cleaned["compensation_use"].strip()
    if "producers_compensated" in cleaned:
        report.producers_compensated = cleaned["producers_compensated"]
    if "people_reached" in cleaned:
        for group, count in cleaned["people_reached"].items():
            setattr(report, f"people_{group}", count)
    if "expenditures" in cleaned:
        report.expenditures = [
            {"budget_line": row["budget_line"].strip(), "amount": str(row["amount"]),
             "currency": row["currency"]}
            for row in cleaned["expenditures"]
        ]
    if "indicators" in cleaned:
        _write_indicators(report, cleaned["indicators"])


def _write_indicators(report: ProjectReport, rows: list[dict[str, Any]]) -> None:
    """The baseline's indicators keep their name, unit and baseline (only the value now is the
    organisation's); any other row is a new indicator, with the baseline it gives, if any."""
    fixed = {row.indicator.strip().casefold(): row for row in report.indicators.filter(from_baseline=True)}
    errors, new = [], []
    for row in rows:
        name = row["indicator"].strip()
        known = fixed.get(name.casefold())
        if known is not None:
            if row["unit"].strip().casefold() != known.unit.strip().casefold():
                errors.append(_("“%(indicator)s” is measured in %(unit)s, as in the baseline.")
                              % {"indicator": known.indicator, "unit": known.unit})
                continue
            known.value = row.get("value")
            continue
        new.append(row)
    if errors:
        raise Invalid({"indicators": errors})
    ReportIndicator.objects.bulk_update(list(fixed.values()), ["value"])
    report.indicators.filter(from_baseline=False).delete()
    start = len(fixed)
    ReportIndicator.objects.bulk_create(
        ReportIndicator(report=report, position=start + n, indicator=row["indicator"].strip(),
                        unit=row["unit"].strip(), baseline=row.get("baseline"), value=row.get("value"))
        for n, row in enumerate(new)
    )


def report_attachment_upload(*, report_id: int, by: User, kind: str, upload,
                             budget_line: str = "") -> ReportAttachment:
    """Attach a receipt (for a budget line), the certificate or an endline study, after the same
    checks of content, size and name as an application's documents."""
    with transaction.atomic():
        report = _locked(report_id)
        if Actor.APPLICANT not in actors_for(by, report.application):
            raise NotPermitted(_("Only the organisation's staff write its reports."))
        if report.status not in EDITABLE:
            raise WrongState(_("A report can be changed only before it is submitted, or once returned."))
        if kind not in AttachmentKind.values:
            raise Invalid({"kind": [_("Choose one of: %s.") % ", ".join(AttachmentKind.values)]})
        budget_line = (budget_line or "").strip()[:200]
        if kind == AttachmentKind.RECEIPT and not budget_line:
            raise Invalid({"budget_line": [_("Say which budget line the receipt is for.")]})
        name, file_type = check_upload(upload)
        upload.seek(0)
        from applications.models import Document

        digest = Document.digest(upload.chunks())
        upload.seek(0)
        attachment = ReportAttachment(
            report=report, kind=kind, budget_line=budget_line, token=secrets.token_hex(24),
            original_name=name, content_type=file_type.content_type, size=upload.size, sha256=digest,
            uploaded_by=by,
        )
        attachment.file.save(attachment.token, upload, save=False)
        try:
            attachment.save()
            if report.status == ReportStatus.DUE:
                _move(report, "start", by)
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def report_attachment_delete(*, attachment_id: int, by: User) -> None:
    with transaction.atomic():
        attachment = ReportAttachment.objects.select_related("report").get(pk=attachment_id)
        report = _locked(attachment.report_id)
        if Actor.APPLICANT not in actors_for(by, report.application):
            raise NotPermitted(_("Only the organisation's staff write its reports."))
        if report.status not in EDITABLE:
            raise WrongState(_("A report can be changed only before it is submitted, or once returned."))
        stored = attachment.file.name
        attachment.delete()
        storage = attachment.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


# --------------------------------------------------------------------------- transitions


def submission_errors(report: ProjectReport) -> dict[str, list[str]]:
    """Every reason the report cannot be submitted yet, by field."""
    errors: dict[str, list[str]] = {}
    attachments = list(report.attachments.all())
    if report.kind == ReportKind.CERTIFICATE:
        if not any(a.kind == AttachmentKind.CERTIFICATE for a in attachments):
            errors["attachments"] = [_("Attach the certificate.")]
        return errors
    if not report.narrative:
        errors["narrative"] = [_("Tell what the project did and achieved.")]
    people = report.people_reached
    if any(count is None for count in people.values()):
        errors["people_reached"] = [_("Give the people reached by gender and by age group (zero when none).")]
    elif people["women"] + people["men"] + people["other"] != people["youth"] + people["adults"]:
        errors["people_reached"] = [_("The people counted by gender and by age group must add up to the "
                                      "same total.")]
    if report.kind == ReportKind.FINAL:
        missing = [row.indicator for row in report.indicators.all()
                   if row.from_baseline and row.value is None]
        if missing:
            errors["indicators"] = [
                _("The final report carries the endline: give the value now of “%s”.") % name
                for name in missing
            ]
    if report.kind == ReportKind.USE_OF_FUNDS:
        if not report.compensation_use:
            errors["compensation_use"] = [_("Say what the compensation paid for.")]
        if report.producers_compensated is None:
            errors["producers_compensated"] = [_("Say how many producers received the compensation.")]
        if not report.expenditures:
            errors["expenditures"] = [_("List the money spent per budget line.")]
    with_receipts = {a.budget_line.casefold() for a in attachments if a.kind == AttachmentKind.RECEIPT}
    without = [row["budget_line"] for row in report.expenditures
               if row["budget_line"].casefold() not in with_receipts]
    if without:
        errors.setdefault("expenditures", []).extend(
            _("Attach a receipt for “%s”.") % line for line in without
        )
    return errors


def project_report_submit(*, report_id: int, by: User) -> ProjectReport:
    with transaction.atomic():
        report = _locked(report_id)
        _check(report, "submit", by)
        errors = submission_errors(report)
        if errors:
            raise Invalid(errors)
        report.submitted_at = timezone.now()
        _move(report, "submit", by)
    return report


def project_report_accept(*, report_id: int, by: User, comments: str = "") -> ProjectReport:
    with transaction.atomic():
        report = _locked(report_id)
        _check(report, "accept", by)
        report.accepted_at = timezone.now()
        report.accepted_by = by
        report.comments = (comments or "").strip()
        _move(report, "accept", by, report.comments)
        _mark_latest(report.application_id)
    return report


def project_report_return(*, report_id: int, by: User, comments: str) -> ProjectReport:
    with transaction.atomic():
        report = _locked(report_id)
        _check(report, "return", by)
        comments = (comments or "").strip()
        if not comments:
            raise Invalid({"comments": [_("Say what the organisation must correct.")]})
        report.comments = comments
        _move(report, "return", by, comments)
    return report


def _mark_latest(application_id: int) -> None:
    """Mark, for the award, the latest accepted report that counts people, and per indicator (name and
    unit) the latest accepted value: the outcomes add these up instead of searching for them."""
    accepted = list(
        ProjectReport.objects.filter(application_id=application_id, status=ReportStatus.ACCEPTED)
        .order_by("-due_on", "-accepted_at", "-id")
    )
    people = next((r.pk for r in accepted if r.people_women is not None), None)
    ProjectReport.objects.filter(application_id=application_id).exclude(pk=people).update(counts_people=False)
    if people is not None:
        ProjectReport.objects.filter(pk=people).update(counts_people=True)
    order = {report.pk: position for position, report in enumerate(accepted)}
    rows = sorted(
        ReportIndicator.objects.filter(report_id__in=order, value__isnull=False),
        key=lambda row: (order[row.report_id], row.pk),
    )
    latest, seen = set(), set()
    for row in rows:
        key = (row.indicator, row.unit)
        if key not in seen:
            seen.add(key)
            latest.add(row.pk)
    ReportIndicator.objects.filter(report__application_id=application_id, is_latest=True).exclude(
        pk__in=latest).update(is_latest=False)
    ReportIndicator.objects.filter(pk__in=latest, is_latest=False).update(is_latest=True)
