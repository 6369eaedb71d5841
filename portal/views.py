"""The OPP portal and the application file that every role opens.

Views read through the applications' selectors and change things only through their services; what a
page offers comes from the same permission functions as the API (``may_run``,
``available_transitions``, ``applications_visible_to``, ``access_for``), so a page never shows a
button the API would refuse, and another organisation's application is "not found".
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import services
from applications.filters import ApplicationFilter
from applications.models import Application, Review, reference_for
from applications.permissions import actors_for, may_see_reviews
from applications.reviews import quorum_status, rubric_for
from applications.selectors import applications_visible_to
from applications.serializers import (
    AnswerSerializer,
    ApproveSerializer,
    ReasonSerializer,
    RequestInformationSerializer,
    ReviewInputSerializer,
    available_transitions,
)
from applications.workflow import AWARDED, TRANSITIONS, Actor, Status
from applications.workflow import days_left as workflow_days_left
from calls.services import call_initial_fields
from calls.views import chosen_call
from core.errors import Invalid, NotPermitted, Refused, WrongState
from core.http import page_refusal
from funds.lending import RepaymentFrequency, ScheduleMethod
from funds.models import Fund
from funds.rules import rules_for
from listing.pages import listing_for
from organizations.access import access_for

from . import fundforms, fundlimits, integrations
from .api_input import read_posted


def _visible(request, pk) -> Application:
    """The application if the person may see it; "not found" otherwise, exactly as the API."""
    return get_object_or_404(
        applications_visible_to(request.user).select_related("fund", "organization"), pk=pk
    )


def _applicant_only(request, application: Application) -> None:
    if Actor.APPLICANT not in actors_for(request.user, application):
        raise PermissionDenied


def days_left(application: Application) -> int | None:
    return workflow_days_left(application.status, application.decision_due, timezone.localdate())


# What the lists of applications show: the rest (fund fields, assessment, search text) stays in the database.
LIST_FIELDS = ("id", "fund_id", "fund__code", "organization_id", "organization__short_name",
               "organization__country", "status", "currency", "requested_amount", "approved_amount",
               "submitted_at", "decision_due", "created_at")


def for_lists(applications):
    return applications.select_related("fund", "organization").only(*LIST_FIELDS)


class ListedFund:
    """The fund of a row of a list: its code and name (from its rules, in the person's language)."""

    __slots__ = ("pk", "code")

    def __init__(self, pk, code):
        self.pk, self.code = pk, code

    @property
    def name(self):
        return rules_for(self.code).name


class ListedOrganization:
    __slots__ = ("pk", "short_name", "country")

    def __init__(self, pk, short_name, country):
        self.pk, self.short_name, self.country = pk, short_name, country


class ListedApplication:
    """One row of a table of applications, read as plain values (``listing_for(values=LIST_FIELDS)``):
    what the table shows, under the names an ``Application`` gives them (``reference``, ``fund.name``,
    ``organization.short_name``). Building 150 model instances for a page of 50 (the application, its
    fund and its organisation) cost more than the query that read them."""

    __slots__ = ("pk", "status", "currency", "requested_amount", "approved_amount", "submitted_at",
                 "decision_due", "created_at", "fund", "organization", "days_left", "assessed_max",
                 "assessed_eligible")

    def __init__(self, row: dict, funds: dict, today):
        self.pk = row["id"]
        self.status = row["status"]
        self.currency = row["currency"]
        self.requested_amount = row["requested_amount"]
        self.approved_amount = row["approved_amount"]
        self.submitted_at = row["submitted_at"]
        self.decision_due = row["decision_due"]
        self.created_at = row["created_at"]
        fund = funds.get(row["fund_id"])
        if fund is None:
            fund = funds[row["fund_id"]] = ListedFund(row["fund_id"], row["fund__code"])
        self.fund = fund
        self.organization = ListedOrganization(row["organization_id"], row["organization__short_name"],
                                               row["organization__country"])
        self.days_left = workflow_days_left(self.status, self.decision_due, today)
        self.assessed_max = row.get("assessed_max")
        self.assessed_eligible = row.get("assessed_eligible")

    @property
    def id(self):
        return self.pk

    @property
    def reference(self) -> str:
        return reference_for(self.fund.code, self.created_at, self.pk)


def listed_applications(rows: list[dict]) -> list[ListedApplication]:
    """The page's rows as ``ListedApplication`` objects, with their decision clock."""
    funds: dict = {}
    today = timezone.localdate()
    return [ListedApplication(row, funds, today) for row in rows]


def with_days_left(applications: list[Application]) -> list[Application]:
    for application in applications:
        application.days_left = days_left(application)
    return applications


# --------------------------------------------------------------------------- profile


@login_required
def organization_profile(request):
    organization = request.user.organization
    if organization is None:
        raise Http404
    return render(request, "portal/organization.html", {
        "organization": organization,
        "products": organization.products.all(),
    })


# --------------------------------------------------------------------------- the step-by-step form


@login_required
def apply(request, fund_code):
    """The first step of a new application; the draft is created by the first "save"."""
    fund = get_object_or_404(Fund, code=fund_code)
    access = access_for(request.user)
    if not access.is_opp_staff:
        raise PermissionDenied
    steps = fundforms.steps_for(fund)
    slug, title, names = steps[0]
    errors: dict = {}
    call = chosen_call(request, fund)
    data: dict = call_initial_fields(call)
    if request.method == "POST":
        data = fundforms.read(fund, names, request.POST)
        errors = fundforms.check(fund, data, partial=True)
        if not errors:
            try:
                application = services.application_create(
                    fund=fund, organization=request.user.organization, by=request.user, fields=data,
                    call=call,
                )
            except Invalid as exc:
                errors = exc.errors
            else:
                messages.success(request, _("Draft saved."))
                return redirect(_after_step(application, steps, 0, request.POST))
    return _render_step(request, fund=fund, application=None, steps=steps, index=0, data=data,
                        errors=errors, status=400 if errors else 200)


@login_required
def edit_step(request, pk, step):
    application = _visible(request, pk)
    _applicant_only(request, application)
    if application.status not in services.EDITABLE_STATES:
        messages.info(request, _("This application can no longer be changed."))
        return redirect("application", pk=pk)
    fund = application.fund
    steps = fundforms.steps_for(fund)
    slugs = [slug for slug, _title, _names in steps]
    if step not in slugs:
        raise Http404
    index = slugs.index(step)
    names = steps[index][2]
    data = application.data
    errors: dict = {}
    if request.method == "POST":
        posted = fundforms.read(fund, names, request.POST)
        errors = fundforms.check(fund, posted, partial=True)
        if not errors:
            try:
                services.application_update(application_id=pk, by=request.user, fields=posted)
            except Invalid as exc:
                errors = exc.errors
            except Refused as exc:
                return page_refusal(request, exc, redirect("application", pk=pk))
            else:
                messages.success(request, _("Draft saved."))
                return redirect(_after_step(application, steps, index, request.POST))
        data = {**application.data, **posted}
    return _render_step(request, fund=fund, application=application, steps=steps, index=index,
                        data=data, errors=errors, status=400 if errors else 200)


def _after_step(application, steps, index, post) -> str:
    if post.get("go") == "stay":
        return reverse("application-step", args=[application.pk, steps[index][0]])
    if post.get("go") == "back" and index > 0:
        return reverse("application-step", args=[application.pk, steps[index - 1][0]])
    if index + 1 < len(steps):
        return reverse("application-step", args=[application.pk, steps[index + 1][0]])
    return reverse("application-documents", args=[application.pk])


def _render_step(request, *, fund, application, steps, index, data, errors, status):
    slug, title, names = steps[index]
    items = fundforms.build(fund, names, data, errors)
    return render(request, "portal/apply_step.html", {
        "fund": fund,
        "application": application,
        "steps": steps,
        "step_slug": slug,
        "step_title": title,
        "step_number": index + 1,
        "step_count": len(steps) + 2,
        "items": items,
        "error_links": fundforms.error_links(items) if errors else [],
        "limits": fundlimits.limits_for(fund) if application is None else [],
        "non_field_errors": fundforms._messages(errors.get("non_field_errors")) if errors else [],
        "has_errors": bool(errors),
    }, status=status)


# --------------------------------------------------------------------------- review and submit


@login_required
def submit_review(request, pk):
    """The assessment and what is still missing, before the OPP submits."""
    application = _visible(request, pk)
    _applicant_only(request, application)
    if application.status != Status.DRAFT:
        return redirect("application", pk=pk)
    fund = application.fund
    errors: dict = {}
    if request.method == "POST":
        try:
            services.application_submit(application_id=pk, by=request.user)
        except Invalid as exc:
            errors = exc.errors
        except (NotPermitted, WrongState) as exc:
            messages.error(request, str(exc))
            return redirect("application", pk=pk)
        else:
            messages.success(request, _("Your application was submitted. The fund's secretariat will "
                                        "screen it."))
            return redirect("application", pk=pk)
    missing = []
    for name, field_errors in fundforms.check(fund, application.data, partial=False).items():
        missing.append({
            "label": fundforms.field_label(fund, name),
            "messages": fundforms._messages(field_errors),
            "step": fundforms.step_of(fund, name),
        })
    present = set(application.documents.filter(replaced_by__isnull=True).values_list("kind", flat=True))
    missing_documents = [fund.rules.document_kinds[kind] for kind in fund.rules.required_documents
                         if kind not in present]
    steps = fundforms.steps_for(fund)
    return render(request, "portal/submit.html", {
        "application": application,
        "assessment": services.application_assessment_json(application),
        "missing": missing,
        "missing_documents": missing_documents,
        "answers": fundforms.answers(fund, application.data),
        "documents": application.documents.filter(replaced_by__isnull=True).order_by("kind", "uploaded_at"),
        "document_kinds": fund.rules.document_kinds,
        "errors": errors,
        "steps": steps,
        "step_number": len(steps) + 2,
        "step_count": len(steps) + 2,
    }, status=400 if errors else 200)


# --------------------------------------------------------------------------- the file


@login_required
def application_list(request):
    """Every application the person may see: searched, filtered, sorted and paginated."""
    access = access_for(request.user)
    listing = listing_for(
        request, ApplicationFilter, applications_visible_to(request.user), values=LIST_FIELDS,
        rows=listed_applications,
    )
    return render(request, "portal/application_list.html", {"access": access, "listing": listing},
                  status=listing.status)


def application_context(request, application, *, form_errors=None, failed_action=None):
    access = access_for(request.user)
    actors = actors_for(request.user, application)
    is_applicant = Actor.APPLICANT in actors
    transitions = available_transitions(application, request.user)
    logs = list(application.transitions.select_related("by"))
    for log in logs:
        spec = TRANSITIONS.get(log.transition)
        log.label = (spec.applicant_label if is_applicant else spec.label) if spec else log.transition
    open_request = application.information_requests.filter(
        answered_at__isnull=True, expired_at__isnull=True).first()
    show_reviews = may_see_reviews(request.user, application)
    reviews = []
    my_review = None
    quorum = None
    if show_reviews:
        reviews = list(Review.objects.filter(application=application).select_related("reviewer"))
        my_review = next((r for r in reviews
                          if r.reviewer_id == request.user.pk and r.superseded_at is None), None)
        if application.status in (Status.COMMITTEE_REVIEW, *AWARDED):
            quorum = quorum_status(application)
    may_review = (access.sits_on(application.fund_id) and application.status == Status.COMMITTEE_REVIEW
                  and my_review is None)
    rules = application.fund.rules
    for review in reviews:
        review.criteria_named = [(rules.criterion_label(code), score)
                                 for code, score in review.criteria.items()]
    posted = request.POST if failed_action == "review" else {}
    rubric = [{"code": code, "name": name, "value": posted.get(f"criteria-{code}", "")}
              for code, name in (rubric_for(application) if may_review else [])]
    steps = fundforms.steps_for(application.fund)
    return {
        "application": application,
        "access": access,
        "is_applicant": is_applicant,
        "transitions": transitions,
        "staff_actions": [name for name in transitions if name not in APPLICANT_PAGE_ACTIONS],
        "logs": logs,
        "assessment": services.application_assessment_json(application),
        "documents": application.documents.filter(replaced_by__isnull=True).order_by("kind"),
        "document_kinds": application.fund.rules.document_kinds,
        "open_request": open_request,
        "information_requests": application.information_requests.all(),
        "show_reviews": show_reviews,
        "changes": _changes(application) if show_reviews else [],
        "reviews": reviews,
        "my_review": my_review,
        "may_review": may_review,
        "rubric": rubric,
        "quorum": quorum,
        "is_chair": access.chairs(application.fund_id),
        "days_left": days_left(application),
        "first_step": steps[0][0],
        "answers": fundforms.answers(application.fund, application.data),
        "letters": integrations.letters_for(application),
        "loan": integrations.loan_for(application),
        "form_errors": form_errors or {},
        "failed_action": failed_action,
        "post": request.POST if failed_action else {},
        "today": timezone.localdate(),
        "loan_methods": ScheduleMethod.choices,
        "frequencies": RepaymentFrequency.choices,
        "loan_asked": _loan_asked(application, request.POST if failed_action == "approve" else {}),
    }


APPLICANT_PAGE_ACTIONS = ("submit", "answer_information_request", "withdraw", "accept_conditions")


def _loan_asked(application, post) -> dict:
    """What the group asked for, shown beside the chair's loan terms, and the frequency to select."""
    data = application.data or {}
    asked = data.get("repayment_frequency")
    dates = [str(day) for day in data.get("harvest_dates") or []]
    return {
        "frequency": RepaymentFrequency(asked).label if asked in RepaymentFrequency.values else asked,
        "chosen_frequency": post.get("repayment_frequency") or asked,
        "term_months": data.get("term_months"),
        "grace_months": data.get("grace_months"),
        "harvest_dates": dates,
        "harvest_dates_text": "\n".join(dates),
    }


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _changes(application):
    """What the organisation changed after submitting, field by field, for the committee."""
    labels = application.fund.rules.fields_serializer().fields
    changes = list(application.changes.select_related("by"))
    for change in changes:
        change.rows = [
            {"label": fundforms.label_for(name, labels[name]) if name in labels else name,
             "old": _shown(values.get("old")), "new": _shown(values.get("new"))}
            for name, values in change.fields.items()
        ]
    return changes


@login_required
def application_detail(request, pk):
    application = _visible(request, pk)
    return render(request, "portal/application.html", application_context(request, application))


@login_required
@require_POST
def application_action(request, pk, name):
    """Run one transition from the file's page through its service; errors go back beside the form."""
    application = _visible(request, pk)
    if name not in ACTIONS:
        raise Http404
    post = request.POST
    try:
        ACTIONS[name](application, request.user, post)
    except Invalid as exc:
        context = application_context(request, application, form_errors=exc.errors, failed_action=name)
        return render(request, "portal/application.html", context, status=400)
    except Refused as exc:
        return page_refusal(request, exc, redirect("application", pk=pk))
    messages.success(request, done_message(name))
    return redirect("application", pk=pk)


def _approve(application, by, post):
    """The chair's decision as the API reads it (``ApproveSerializer``): the amount and the interest rate
    as the page's language writes numbers, harvest dates one a line (or separated by commas)."""
    data = read_posted(ApproveSerializer, post, numbers=("amount", "annual_interest_rate"),
                       lists=("harvest_dates",))
    decision = {name: data.pop(name) for name in ("amount", "reason", "conditions") if name in data}
    decision["amount"] = decision.get("amount") or None
    return services.application_approve(application_id=application.pk, by=by,
                                         terms=data if application.fund.lends else None, **decision)


def _transition(service, serializer_class=None):
    """A transition run from the file's page with what the API's ``serializer_class`` reads of the form."""
    def run(application, by, post):
        data = read_posted(serializer_class, post) if serializer_class is not None else {}
        return service(application_id=application.pk, by=by, **data)
    return run


ACTIONS = {
    "withdraw": _transition(services.application_withdraw, ReasonSerializer),
    "answer_information_request": _transition(services.application_answer_information_request,
                                               AnswerSerializer),
    "accept_conditions": _transition(services.application_accept_conditions),
    "start_screening": _transition(services.application_start_screening),
    "request_information": _transition(services.application_request_information,
                                       RequestInformationSerializer),
    "send_to_committee": _transition(services.application_send_to_committee),
    "reject": _transition(services.application_reject, ReasonSerializer),
    "approve": _approve,
    "start_reporting": _transition(services.application_start_reporting),
    "close": _transition(services.application_close, ReasonSerializer),
}

def done_message(name: str) -> str:
    return {
        "withdraw": _("The application was withdrawn."),
        "answer_information_request": _("Your answer was sent."),
        "accept_conditions": _("You accepted the conditions."),
        "start_screening": _("Screening started."),
        "request_information": _("The request for information was sent to the organisation."),
        "send_to_committee": _("The application was sent to the committee."),
        "reject": _("The application was rejected."),
        "approve": _("The application was approved."),
        "start_reporting": _("The final report was requested."),
        "close": _("The file was closed."),
    }.get(name, _("Done."))


@login_required
@require_POST
def committee_review(request, pk):
    """A member's review or declaration of a conflict of interest (``review_submit``)."""
    from applications.reviews import review_submit

    application = _visible(request, pk)
    conflict = request.POST.get("conflict_of_interest") in ("yes", "on", "true")
    scores = {criterion: request.POST.get(f"criteria-{criterion}", "").strip()
              for criterion, _name in rubric_for(application)}
    try:
        review = read_posted(ReviewInputSerializer, request.POST,
                             extra={"criteria": {code: score for code, score in scores.items() if score}})
        review_submit(application_id=pk, by=request.user, **review)
    except Invalid as exc:
        context = application_context(request, application, form_errors=exc.errors,
                                      failed_action="conflict" if conflict else "review")
        return render(request, "portal/application.html", context, status=400)
    except Refused as exc:
        return page_refusal(request, exc, redirect("application", pk=pk))
    messages.success(request, _("Your declaration was recorded.") if conflict
                     else _("Your review was recorded."))
    return redirect("application", pk=pk)


def prefetch_for_queue(queryset):
    return queryset.select_related("fund", "organization").prefetch_related(
        Prefetch("reviews", queryset=Review.objects.filter(superseded_at__isnull=True).only(
            "id", "application_id", "reviewer_id", "conflict_of_interest"))
    )
