"""CLAC's queues: the committee's per fund, with each decision clock, and the secretariat's screening."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from applications.selectors import applications_visible_to
from applications.workflow import Status
from funds.models import Fund
from organizations.access import access_for

from .views import days_left, prefetch_for_queue


@login_required
def committee_queue(request):
    access = access_for(request.user)
    if not (access.is_committee_member or access.sees_everything):
        raise PermissionDenied
    fund_ids = access.member_fund_ids if access.is_committee_member else None
    funds = Fund.objects.all() if fund_ids is None else Fund.objects.filter(pk__in=fund_ids)
    applications = prefetch_for_queue(
        applications_visible_to(request.user).filter(status=Status.COMMITTEE_REVIEW)
        .order_by("decision_due", "id")
    )
    if fund_ids is not None:
        applications = applications.filter(fund_id__in=fund_ids)
    by_fund = {fund.pk: {"fund": fund, "applications": []} for fund in funds}
    for application in applications:
        application.days_left = days_left(application)
        mine = next((r for r in application.reviews.all() if r.reviewer_id == request.user.pk), None)
        application.my_review = mine
        application.review_count = sum(1 for r in application.reviews.all() if not r.conflict_of_interest)
        if application.fund_id in by_fund:
            by_fund[application.fund_id]["applications"].append(application)
    return render(request, "portal/committee_queue.html", {
        "access": access, "queues": list(by_fund.values()),
    })


SCREENING_STATES = (Status.SUBMITTED, Status.SCREENING, Status.INFORMATION_REQUESTED)


@login_required
def screening_queue(request):
    access = access_for(request.user)
    if not (access.is_secretariat or access.is_administrator):
        raise PermissionDenied
    applications = list(
        applications_visible_to(request.user).filter(status__in=SCREENING_STATES)
        .select_related("fund", "organization").order_by("decision_due", "id")
    )
    for application in applications:
        application.days_left = days_left(application)
    return render(request, "portal/screening_queue.html", {
        "access": access, "applications": applications,
    })
