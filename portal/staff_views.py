"""CLAC's queues: the committee's, with each decision clock, and the secretariat's screening, where
several files can be moved at once (each through its own service, each result reported)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import services
from applications.filters import QueueFilter
from applications.selectors import applications_visible_to
from applications.workflow import Status
from listing.batch import Outcome, run_each, selected_ids
from listing.pages import listing_for
from organizations.access import access_for
from organizations.filters import OrganizationFilter, PersonFilter
from organizations.models import Organization, StaffRole, User
from organizations.selectors import organizations_visible_to

from .views import (
    LIST_FIELDS,
    ListedFund,
    ListedOrganization,
    for_lists,
    listed_applications,
    prefetch_for_queue,
    with_days_left,
)


@login_required
def committee_queue(request):
    access = access_for(request.user)
    if not (access.is_committee_member or access.sees_everything):
        raise PermissionDenied
    applications = prefetch_for_queue(
        for_lists(applications_visible_to(request.user).filter(status=Status.COMMITTEE_REVIEW))
    )
    if access.is_committee_member:
        applications = applications.filter(fund_id__in=access.member_fund_ids)

    def rows(page):
        for application in with_days_left(page):
            reviews = application.reviews.all()
            application.my_review = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
            application.review_count = sum(1 for r in reviews if not r.conflict_of_interest)
        return page

    listing = listing_for(request, QueueFilter, applications, rows=rows)
    return render(request, "portal/committee_queue.html", {"access": access, "listing": listing},
                  status=listing.status)


SCREENING_STATES = (Status.SUBMITTED, Status.SCREENING, Status.INFORMATION_REQUESTED)
BATCH_ACTIONS = {
    "start_screening": services.application_start_screening,
    "send_to_committee": services.application_send_to_committee,
}
OUTCOMES_KEY = "batch_outcomes"


def _screener(request):
    access = access_for(request.user)
    if not (access.is_secretariat or access.is_administrator):
        raise PermissionDenied
    return access


@login_required
def screening_queue(request):
    access = _screener(request)
    listing = listing_for(
        request, QueueFilter,
        applications_visible_to(request.user).filter(status__in=SCREENING_STATES).annotate(
            assessed_max=KeyTextTransform("max_award", "assessment"),
            assessed_eligible=KeyTransform("eligible", "assessment"),
        ),
        values=(*LIST_FIELDS, "assessed_max", "assessed_eligible"), rows=listed_applications,
    )
    return render(request, "portal/screening_queue.html", {
        "access": access, "listing": listing, "batch": access.is_secretariat, "assessed": True,
        **pop_outcomes(request),
    }, status=listing.status)


@login_required
@require_POST
def screening_batch(request):
    """Start screening, or send to the committee, every ticked file: one service call (and one
    transaction) per file; the queue then shows what happened to each."""
    _screener(request)
    service = BATCH_ACTIONS.get(request.POST.get("action", ""))
    ids = selected_ids(request.POST)
    back = _back(request, reverse("secretariat"))
    if service is None or not ids:
        messages.error(request, _("Tick at least one file.") if not ids else _("Choose what to do."))
        return redirect(back)
    found = {application.pk: application for application in
             applications_visible_to(request.user).filter(pk__in=ids).select_related("fund")}
    outcomes = [Outcome(f"#{pk}", reverse("secretariat"), False, _("Not found.")) for pk in ids
                if pk not in found]
    outcomes += run_each(
        [found[pk] for pk in ids if pk in found],
        lambda application: service(application_id=application.pk, by=request.user),
        label=lambda application: application.reference,
        url=lambda application: reverse("application", args=[application.pk]),
    )
    keep_outcomes(request, outcomes)
    return redirect(back)


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def keep_outcomes(request, outcomes: list[Outcome]) -> None:
    """Keep the results for the page the person is sent back to (shown once, then forgotten)."""
    request.session[OUTCOMES_KEY] = [
        {"label": o.label, "url": o.url, "done": o.done, "message": str(o.message)} for o in outcomes
    ]


def pop_outcomes(request) -> dict:
    """The results of the last batch (shown once), for the page's template."""
    kept = request.session.pop(OUTCOMES_KEY, None)
    if not kept:
        return {}
    outcomes = [Outcome(**row) for row in kept]
    return {"outcomes": outcomes, "done_count": sum(1 for o in outcomes if o.done)}


# What the organisations list shows, read as plain values (``ListedOrganizationRow``).
ORGANIZATION_SHOWN = ("id", "short_name", "legal_name", "country", "grade", "fairtrade_id")


class ListedOrganizationRow:
    """One row of the organisations list; ``product_codes`` read for the whole page in one query."""

    __slots__ = ("pk", "short_name", "legal_name", "country", "grade", "fairtrade_id", "product_codes")

    def __init__(self, row: dict):
        self.pk = row["id"]
        self.short_name, self.legal_name = row["short_name"], row["legal_name"]
        self.country, self.grade, self.fairtrade_id = row["country"], row["grade"], row["fairtrade_id"]
        self.product_codes = []


def listed_organizations(rows: list[dict]) -> list[ListedOrganizationRow]:
    organizations = {row["id"]: ListedOrganizationRow(row) for row in rows}
    held = (Organization.products.through.objects.filter(organization_id__in=list(organizations))
            .order_by("productcode_id").values_list("organization_id", "productcode_id"))
    for organization_id, code in held:
        organizations[organization_id].product_codes.append(code)
    return list(organizations.values())


@login_required
def organization_list(request):
    """The organisations, for CLAC's staff: searched by name, country or Fairtrade ID, filtered, sorted."""
    access = access_for(request.user)
    if not access.is_clac_staff:
        raise PermissionDenied
    listing = listing_for(request, OrganizationFilter, organizations_visible_to(request.user),
                          values=ORGANIZATION_SHOWN, rows=listed_organizations)
    return render(request, "portal/organization_list.html", {"access": access, "listing": listing},
                  status=listing.status)


# What the people list shows, read as plain values (not the password hash, the search text or the
# organisation's details; and no model instances, which cost more than the query: ``ListedPerson``).
PERSON_SHOWN = ("id", "first_name", "last_name", "username", "email", "is_active", "last_login",
                "organization_id", "organization__short_name", "organization__country")


class ListedRole:
    __slots__ = ("role", "fund_id", "fund")

    def __init__(self, role, fund_id, fund_code):
        self.role, self.fund_id = role, fund_id
        self.fund = ListedFund(fund_id, fund_code) if fund_id else None


class ListedPerson:
    """One row of the people list, under the names a ``User`` gives them; ``roles_now`` are the staff
    roles the person holds, read for the whole page in one query."""

    __slots__ = ("pk", "first_name", "last_name", "username", "email", "is_active", "last_login",
                 "organization", "roles_now")

    def __init__(self, row: dict):
        self.pk = row["id"]
        self.first_name, self.last_name = row["first_name"], row["last_name"]
        self.username, self.email = row["username"], row["email"]
        self.is_active, self.last_login = row["is_active"], row["last_login"]
        self.organization = (ListedOrganization(row["organization_id"], row["organization__short_name"],
                                                row["organization__country"])
                             if row["organization_id"] else None)
        self.roles_now = []

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def listed_people(rows: list[dict]) -> list[ListedPerson]:
    people = {row["id"]: ListedPerson(row) for row in rows}
    for user_id, role, fund_id, fund_code in (
            StaffRole.objects.active().filter(user_id__in=list(people)).order_by("id")
            .values_list("user_id", "role", "fund_id", "fund__code")):
        people[user_id].roles_now.append(ListedRole(role, fund_id, fund_code))
    return list(people.values())


@login_required
def people_list(request):
    """Everyone who signs in to Fondos, for the administrators, the secretariat and the auditors."""
    access = access_for(request.user)
    if not access.sees_everything:
        raise PermissionDenied
    listing = listing_for(request, PersonFilter, User.objects.all(), values=PERSON_SHOWN,
                          rows=listed_people)
    return render(request, "portal/people_list.html", {"access": access, "listing": listing},
                  status=listing.status)
