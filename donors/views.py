"""The donor report page (the donor role and staff who see donors) and the staff's list of donors."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from funds.rules import fund_choices
from organizations.choices import Country
from reporting.renderers import PEOPLE_LABELS

from .selectors import donor_of, donor_report, donors_visible_to, may_see_all_donors


@require_safe
@login_required
def donor_list(request):
    if not may_see_all_donors(request.user):
        raise Http404
    donors = donors_visible_to(request.user).order_by("name", "id")
    return render(request, "donors/list.html", {"donors": donors})


@require_safe
@login_required
def own_report(request):
    donor = donor_of(request.user)
    if donor is None:
        raise Http404
    return _report_page(request, donor)


@require_safe
@login_required
def report_page(request, pk: int):
    return _report_page(request, get_object_or_404(donors_visible_to(request.user), pk=pk))


def _report_page(request, donor):
    report = donor_report(donor)
    funds, countries = dict(fund_choices()), dict(Country.choices)
    for row in report["contributions"]:
        row["fund_name"] = funds.get(row["fund"], row["fund"])
        for place in row["funded"]:
            place["fund_name"] = funds.get(place["fund"], place["fund"])
            place["country_name"] = countries.get(place["country"], place["country"])
    for total in report["funds"]:
        total["fund_name"] = funds.get(total["fund"], total["fund"])
    people = [(PEOPLE_LABELS[group](), count) for group, count in report["people_reached"].items()]
    return render(request, "donors/report.html", {"report": report, "people": people})
