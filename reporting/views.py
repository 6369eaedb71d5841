"""The report pages: the organisation fills its report step by step (saved as a draft at every step,
for slow connections), the secretariat accepts or returns it, and staff read the outcomes.

Pages change things only through ``reporting.services`` and read through its selectors, so a page never
offers what the API would refuse, and another organisation's report is "not found".
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications.permissions import actors_for
from applications.workflow import Actor
from core.errors import Invalid, Refused, WrongState
from core.http import name_download, page_refusal, uploaded_file_response
from core.parsing import is_unreadable, number_hint, plain_number
from funds.rules import fund_choices, fund_codes
from organizations.access import access_for
from organizations.choices import Country, Product
from portal.api_input import read_posted

from . import charts, services
from .fields import CommentsInput
from .models import AttachmentKind, ProjectReport, ReportAttachment
from .outcomes import DIMENSIONS, OutcomeFilters, breakdown, outcomes
from .renderers import PEOPLE_LABELS, OutcomesCSVRenderer, OutcomesXLSXRenderer
from .representation import available_transitions
from .selectors import reports_overdue, reports_to_review, reports_visible_to
from .serializers import AttachmentUploadSerializer
from .workflow import EDITABLE, TRANSITIONS, ReportKind

BLANK_ROWS = 3

STEP_TITLES = {
    "narrative": gettext_lazy("What the project did"),
    "indicators": gettext_lazy("Indicators"),
    "people": gettext_lazy("People reached"),
    "money": gettext_lazy("Money spent and receipts"),
    "compensation": gettext_lazy("The compensation"),
    "certificate": gettext_lazy("The certificate"),
}


def steps_for(report: ProjectReport) -> list[str]:
    if report.kind == ReportKind.CERTIFICATE:
        return ["certificate"]
    if report.kind == ReportKind.USE_OF_FUNDS:
        return ["narrative", "compensation", "indicators", "people", "money"]
    return ["narrative", "indicators", "people", "money"]


def _visible(request, pk) -> ProjectReport:
    return get_object_or_404(
        reports_visible_to(request.user).select_related("application__fund", "application__organization"),
        pk=pk,
    )


def _is_applicant(request, report) -> bool:
    return Actor.APPLICANT in actors_for(request.user, report.application)


# --------------------------------------------------------------------------- one report


def _context(request, report, **extra) -> dict:
    is_applicant = _is_applicant(request, report)
    logs = list(report.transitions.select_related("by"))
    for log in logs:
        spec = TRANSITIONS.get(log.transition)
        log.label = (spec.applicant_label if is_applicant else spec.label) if spec else log.transition
    attachments = list(report.attachments.all())
    with_receipts = {a.budget_line.casefold() for a in attachments if a.kind == AttachmentKind.RECEIPT}
    expenditures = [{**row, "has_receipt": row["budget_line"].casefold() in with_receipts}
                    for row in report.expenditures]
    steps = steps_for(report)
    return {
        "report": report,
        "application": report.application,
        "is_applicant": is_applicant,
        "editable": is_applicant and report.status in EDITABLE,
        "transitions": available_transitions(report, request.user),
        "indicators": list(report.indicators.all()),
        "people": [(group, PEOPLE_LABELS[group](), count) for group, count in report.people_reached.items()],
        "expenditures": expenditures,
        "attachments": attachments,
        "logs": logs,
        "steps": [(slug, STEP_TITLES[slug]) for slug in steps],
        "first_step": steps[0],
        "missing": services.submission_errors(report) if is_applicant and report.status in EDITABLE else {},
        **extra,
    }


@login_required
def report_detail(request, pk):
    report = _visible(request, pk)
    return render(request, "reporting/report.html", _context(request, report))


def _number(raw: str) -> str | None:
    """A number as the page's language writes it (1.234,5 in Spanish, 1,234.5 in English) or plain."""
    return plain_number(raw) or None


NUMBER_INPUTS = re.compile(r"^(producers_compensated|people-\w+|ind-\d+-(baseline|value)|exp-\d+-amount)$")


def _unreadable_numbers(post) -> dict:
    """How to write numbers, when one of the step's numbers cannot be read."""
    if any(NUMBER_INPUTS.match(name) and is_unreadable(value) for name, value in post.items()):
        return {"numbers": [number_hint()]}
    return {}


def _rows(post, name: str) -> int:
    """How many rows the form sent (at most the API's limits)."""
    raw = post.get(name, "")
    return min(int(raw), 100) if raw.isascii() and raw.isdigit() else 0


def _step_fields(report, step, post) -> dict:
    if step == "narrative":
        return {"narrative": post.get("narrative", "")}
    if step == "compensation":
        return {"compensation_use": post.get("compensation_use", ""),
                "producers_compensated": _number(post.get("producers_compensated", ""))}
    if step == "people":
        return {"people_reached": {group: _number(post.get(f"people-{group}", ""))
                                   for group in PEOPLE_LABELS}}
    if step == "indicators":
        rows = []
        for index in range(_rows(post, "indicator-rows")):
            name = post.get(f"ind-{index}-indicator", "").strip()
            unit = post.get(f"ind-{index}-unit", "").strip()
            baseline = _number(post.get(f"ind-{index}-baseline", ""))
            value = _number(post.get(f"ind-{index}-value", ""))
            if not (name or unit or baseline or value):
                continue
            rows.append({"indicator": name, "unit": unit, "baseline": baseline, "value": value})
        return {"indicators": rows}
    if step == "money":
        rows = []
        for index in range(_rows(post, "expenditure-rows")):
            line = post.get(f"exp-{index}-budget_line", "").strip()
            amount = _number(post.get(f"exp-{index}-amount", ""))
            currency = post.get(f"exp-{index}-currency", "").strip()
            if not (line or amount):
                continue
            rows.append({"budget_line": line, "amount": amount, "currency": currency})
        return {"expenditures": rows}
    return {}


@login_required
def report_step(request, pk, step):
    report = _visible(request, pk)
    if not _is_applicant(request, report):
        raise PermissionDenied
    steps = steps_for(report)
    if step not in steps:
        raise Http404
    if report.status not in EDITABLE:
        return redirect("report", pk=report.pk)
    errors = {}
    if request.method == "POST":
        try:
            unreadable = _unreadable_numbers(request.POST)
            if unreadable:
                raise Invalid(unreadable)
            services.project_report_update(report_id=report.pk, by=request.user,
                                           fields=_step_fields(report, step, request.POST))
        except Invalid as exc:
            errors = exc.errors
        except WrongState as exc:
            messages.error(request, str(exc))
            return redirect("report", pk=report.pk)
        else:
            index = steps.index(step)
            go = request.POST.get("go", "next")
            if go == "stay":
                messages.success(request, _("Saved."))
                return redirect("report-step", pk=report.pk, step=step)
            if go == "back" and index > 0:
                return redirect("report-step", pk=report.pk, step=steps[index - 1])
            if go == "next" and index + 1 < len(steps):
                return redirect("report-step", pk=report.pk, step=steps[index + 1])
            messages.success(request, _("Saved. Check the report and submit it."))
            return redirect("report", pk=report.pk)
        report.refresh_from_db()
    context = _context(request, report, step=step, step_title=STEP_TITLES[step],
                       step_number=steps.index(step) + 1, step_count=len(steps), errors=errors,
                       post=request.POST if errors else {})
    indicators = context["indicators"]
    if errors and step == "indicators":
        indicators = _posted_indicators(request.POST)
    context["indicator_rows"] = indicators + [None] * BLANK_ROWS
    expenditures = report.expenditures
    if errors and step == "money":
        expenditures = _step_fields(report, "money", request.POST)["expenditures"]
    context["expenditure_rows"] = list(expenditures) + [None] * BLANK_ROWS
    context["currency"] = report.application.currency
    context["budget_lines"] = sorted({row["budget_line"] for row in report.expenditures})
    return render(request, "reporting/step.html", context, status=400 if errors else 200)


def _posted_indicators(post):
    class Row:
        def __init__(self, **kwargs):
            self.__dict__.update(kwargs)

    rows = []
    for index in range(_rows(post, "indicator-rows")):
        values = {name: post.get(f"ind-{index}-{name}", "")
                  for name in ("indicator", "unit", "baseline", "value")}
        if any(values.values()):
            rows.append(Row(from_baseline=post.get(f"ind-{index}-fixed") == "1", **values))
    return rows


@login_required
@require_POST
def report_attachment_add(request, pk):
    report = _visible(request, pk)
    back = request.POST.get("step") or ""
    try:
        posted = read_posted(AttachmentUploadSerializer, request.POST,
                             files={"file": request.FILES.get("file")})
        services.report_attachment_upload(report_id=report.pk, by=request.user, kind=posted["kind"],
                                          upload=posted["file"], budget_line=posted["budget_line"])
    except Invalid as exc:
        for reasons in exc.errors.values():
            for reason in reasons:
                messages.error(request, reason)
    except Refused as exc:
        page_refusal(request, exc)
    else:
        messages.success(request, _("The file was attached."))
    if back in steps_for(report):
        return redirect("report-step", pk=report.pk, step=back)
    return redirect("report", pk=report.pk)


@login_required
@require_POST
def report_attachment_delete(request, pk, attachment_id):
    report = _visible(request, pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_id, report=report)
    try:
        services.report_attachment_delete(attachment_id=attachment.pk, by=request.user)
    except Refused as exc:
        page_refusal(request, exc)
    back = request.POST.get("step") or ""
    if back in steps_for(report):
        return redirect("report-step", pk=report.pk, step=back)
    return redirect("report", pk=report.pk)


@login_required
def report_attachment_file(request, pk, attachment_id):
    report = _visible(request, pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_id, report=report)
    return uploaded_file_response(attachment.file, filename=attachment.original_name,
                                  content_type=attachment.content_type)


ACTIONS = {
    "submit": lambda r, by, post: services.project_report_submit(report_id=r.pk, by=by),
    "accept": lambda r, by, post: services.project_report_accept(
        report_id=r.pk, by=by, **read_posted(CommentsInput, post)),
    "return": lambda r, by, post: services.project_report_return(
        report_id=r.pk, by=by, **read_posted(CommentsInput, post)),
}
DONE = {
    "submit": gettext_lazy("The report was submitted. The secretariat will review it."),
    "accept": gettext_lazy("The report was accepted."),
    "return": gettext_lazy("The report was returned to the organisation with your comments."),
}


@login_required
@require_POST
def report_action(request, pk, name):
    report = _visible(request, pk)
    if name not in ACTIONS:
        raise Http404
    try:
        ACTIONS[name](report, request.user, request.POST)
    except Invalid as exc:
        report.refresh_from_db()
        context = _context(request, report, form_errors=exc.errors, failed_action=name, post=request.POST)
        return render(request, "reporting/report.html", context, status=400)
    except Refused as exc:
        return page_refusal(request, exc, redirect("report", pk=pk))
    messages.success(request, str(DONE[name]))
    return redirect("report", pk=pk)


# --------------------------------------------------------------------------- staff lists


@login_required
def report_queue(request):
    access = access_for(request.user)
    if not access.sees_everything:
        raise PermissionDenied
    return render(request, "reporting/queue.html", {
        "to_review": list(reports_to_review(request.user)[:200]),
        "overdue": list(reports_overdue(request.user)[:200]),
        "today": timezone.localdate(),
    })


# --------------------------------------------------------------------------- outcomes


def outcome_filters(params) -> tuple[OutcomeFilters, dict]:
    """The filters of the outcomes page and API, or the reasons they are refused."""
    errors = {}
    fund = params.get("fund") or None
    if fund and fund not in fund_codes():
        errors["fund"] = [_("Unknown fund code.")]
    country = (params.get("country") or "").upper() or None
    if country and country not in Country.values:
        errors["country"] = [_("Unknown country code.")]
    product = params.get("product") or None
    if product and product not in Product.values:
        errors["product"] = [_("Unknown product code.")]
    year = None
    if params.get("year"):
        raw = str(params["year"]).strip()
        if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
            year = int(raw)
        else:
            errors["year"] = [_("Give a year such as 2026.")]
    return OutcomeFilters(fund=fund, year=year, country=country, product=product), errors


BREAKDOWN_TITLES = {
    "fund": gettext_lazy("By fund"), "year": gettext_lazy("By year of the award"),
    "country": gettext_lazy("By country"), "product": gettext_lazy("By product"),
}


@login_required
def outcomes_page(request):
    access = access_for(request.user)
    if not access.is_clac_staff:
        raise PermissionDenied
    filters, errors = outcome_filters(request.GET)
    if errors:
        filters = OutcomeFilters()
    data = outcomes(filters)
    tables = {dimension: breakdown(filters, dimension) for dimension in DIMENSIONS}
    file_format = request.GET.get("format")
    if file_format in ("csv", "xlsx") and not errors:
        download = {**data, "breakdown": {str(BREAKDOWN_TITLES[d]): rows for d, rows in tables.items()}}
        renderer = OutcomesCSVRenderer() if file_format == "csv" else OutcomesXLSXRenderer()
        response = HttpResponse(renderer.render(download), content_type=renderer.media_type)
        return name_download(response, f"outcomes.{file_format}")
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "reporting/outcomes.html", {
        "data": data,
        "filters": filters,
        "errors": errors,
        "tables": [(BREAKDOWN_TITLES[d], rows) for d, rows in tables.items()],
        "people": [(PEOPLE_LABELS[group](), count) for group, count in data["people_reached"].items()],
        "funds": fund_choices(),
        "countries": Country.choices,
        "products": Product.choices,
        "query": query.urlencode(),
        "paid_chart": charts.paid_by(tables["fund"], data["currency"]),
        "change_chart": charts.indicator_changes(data["indicators"]),
        "people_chart": charts.people(data["people_reached"]),
    })
