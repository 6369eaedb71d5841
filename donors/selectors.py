"""Who sees which donors, and the donor report: how each contribution was used, aggregated.

The report names no one: what a contribution paid for is counted per fund, country and year, and the
people reached are the sums of the accepted project reports of the awards it paid for. An application's
fund fields (youth members' names and birth dates) and documents are never read.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear

from organizations.access import access_for
from reporting.models import ProjectReport

from .models import Allocation, AllocationKind, Contribution, Donor, DonorUser

ZERO = Decimal("0.00")
PEOPLE = ("women", "men", "other", "youth", "adults")


def donor_of(user) -> Donor | None:
    """The donor whose report ``user`` reads, when they hold the donor role."""
    if not access_for(user).is_donor:
        return None
    link = DonorUser.objects.select_related("donor").filter(user_id=user.pk).first()
    return link.donor if link else None


def may_see_all_donors(user) -> bool:
    access = access_for(user)
    return access.sees_everything or access.is_finance


def donors_visible_to(user) -> QuerySet[Donor]:
    """Staff who see the whole portfolio (administrators, the secretariat, auditors, finance) see every
    donor; a donor's reader sees that donor only; anyone else none."""
    if may_see_all_donors(user):
        return Donor.objects.all()
    donor = donor_of(user)
    if donor is not None:
        return Donor.objects.filter(pk=donor.pk)
    return Donor.objects.none()


def contribution_figures(contributions: list[Contribution]) -> dict[int, dict[str, Decimal]]:
    """Per contribution: ``committed`` (held for awards not yet paid), ``disbursed``, ``repaid``
    (principal that came back), ``relent`` (disbursed beyond its own amount: money that came back and
    went out again) and ``available``."""
    sums = defaultdict(lambda: ZERO)
    rows = (Allocation.objects.filter(contribution__in=contributions).values("contribution_id", "kind")
            .annotate(total=Sum("amount")))
    for row in rows:
        sums[row["contribution_id"], row["kind"]] = row["total"]
    figures = {}
    for contribution in contributions:
        key = contribution.pk
        committed = sums[key, AllocationKind.COMMITMENT] - sums[key, AllocationKind.RELEASE]
        disbursed = sums[key, AllocationKind.DISBURSEMENT]
        repaid = sums[key, AllocationKind.REPAYMENT]
        figures[key] = {
            "committed": committed,
            "disbursed": disbursed,
            "repaid": repaid,
            "relent": max(disbursed - contribution.amount, ZERO),
            "available": contribution.amount - committed - disbursed + repaid,
        }
    return figures


def _funded(contributions: list[Contribution]) -> dict[int, list[dict]]:
    """What each contribution's disbursements paid for, per fund, country and year (net of reversals)."""
    rows = (
        Allocation.objects.filter(contribution__in=contributions, kind=AllocationKind.DISBURSEMENT)
        .values("contribution_id", "fund__code", "application__organization__country")
        .annotate(year=ExtractYear("ledger_transaction__booked_on"), amount=Sum("amount"),
                  awards=Count("application_id", distinct=True))
        .order_by("contribution_id", "fund__code", "application__organization__country", "year")
    )
    funded = defaultdict(list)
    for row in rows:
        if row["amount"]:
            funded[row["contribution_id"]].append({
                "fund": row["fund__code"], "country": row["application__organization__country"],
                "year": row["year"], "awards": row["awards"], "disbursed": row["amount"],
            })
    return funded


def people_reached(contributions: list[Contribution]) -> dict[str, int]:
    """The people reached by the awards the contributions paid for, from each award's latest accepted
    report that counts them (an award paid by several donors counts in each donor's report)."""
    paid = (
        Allocation.objects.filter(contribution__in=contributions, kind=AllocationKind.DISBURSEMENT)
        .values("application_id").annotate(total=Sum("amount")).filter(total__gt=0)
        .values("application_id")
    )
    totals = ProjectReport.objects.filter(application_id__in=paid, counts_people=True).aggregate(
        **{group: Sum(f"people_{group}") for group in PEOPLE}
    )
    return {group: totals[group] or 0 for group in PEOPLE}


def donor_report(donor: Donor) -> dict:
    contributions = list(donor.contributions.select_related("fund").order_by("received_on", "id"))
    figures = contribution_figures(contributions)
    funded = _funded(contributions)
    by_fund: dict[tuple[str, str], dict] = {}
    rows = []
    for contribution in contributions:
        figure = figures[contribution.pk]
        rows.append({
            "id": contribution.pk,
            "fund": contribution.fund.code,
            "amount": contribution.amount,
            "currency": contribution.currency,
            "received_on": contribution.received_on,
            "restricted_to": contribution.restricted_to,
            **figure,
            "funded": funded.get(contribution.pk, []),
        })
        total = by_fund.setdefault((contribution.fund.code, contribution.currency), {
            "fund": contribution.fund.code, "currency": contribution.currency, "amount": ZERO,
            **dict.fromkeys(("committed", "disbursed", "repaid", "relent", "available"), ZERO),
        })
        total["amount"] += contribution.amount
        for name, value in figure.items():
            total[name] += value
    return {
        "id": donor.pk,
        "name": donor.name,
        "identifier": donor.identifier,
        "country": donor.country,
        "contributions": rows,
        "funds": list(by_fund.values()),
        "people_reached": people_reached(contributions),
    }
