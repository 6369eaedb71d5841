"""What the funds changed: awards and money paid, indicators from baseline to the latest accepted
report, and people reached by gender and age group, for any fund, year, country and product.

Each figure is one aggregate query. Per award, the latest accepted value of each indicator and the
latest accepted report counting people are marked when a report is accepted (``reporting.services``),
so these queries add up marked rows instead of searching for the latest report of every award.

- An award is an application approved (and onwards) whose decision falls in the year asked for;
  ``awarded`` is what was approved, ``paid`` what its paid tranches paid out (in the fund's currency).
- Indicators are grouped by name and unit: values are compared only where units match. ``baseline`` and
  ``latest`` are sums over the ``projects`` that gave both, and ``change_percent`` is
  (latest − baseline) ÷ baseline × 100, rounded half-even to two decimals (null when the baseline is 0).
- People reached add up each award's latest accepted report: by gender (women, men, other) and by age
  group (youth 18–35, adults), two counts of the same people.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from applications.models import Application
from applications.workflow import AWARDED
from disbursements.models import Disbursement, DisbursementStatus
from funds.rules import fund_name
from funds.rules.base import percent
from organizations.choices import Country, Product

from .models import ProjectReport, ReportIndicator

PEOPLE = ("women", "men", "other", "youth", "adults")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class OutcomeFilters:
    fund: str | None = None
    year: int | None = None
    country: str | None = None
    product: str | None = None

    def as_json(self) -> dict:
        return {"fund": self.fund, "year": self.year, "country": self.country, "product": self.product}


def award_filter(filters: OutcomeFilters, prefix: str = "") -> Q:
    """The awards chosen, as a filter on a model that reaches the application through ``prefix``.

    The figures join their own rows (indicators, reports, paid tranches) to the application rather than
    asking whether the application is in a subquery, and only when a filter needs the application: a
    report or a paid tranche exists only for an award (nothing leads from a payment back out of the
    awarded states), so without filters these figures never read the applications at all."""
    q = Q() if prefix else Q(status__in=AWARDED)
    if filters.fund:
        q &= Q(**{f"{prefix}fund__code": filters.fund})
    if filters.year:
        q &= Q(**{f"{prefix}decided_at__year": filters.year})
    if filters.country:
        q &= Q(**{f"{prefix}organization__country": filters.country})
    if filters.product:
        q &= Q(**{f"{prefix}organization__products": filters.product})
    return q


def awards(filters: OutcomeFilters) -> QuerySet[Application]:
    return Application.objects.filter(award_filter(filters))


def _plain(value: Decimal | None) -> str | None:
    """A measure as a decimal string without trailing zeros: ``"12.5"``, ``"340"``."""
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(value) -> str:
    return str((value or ZERO).quantize(Decimal("0.01")))


def indicator_rows(filters: OutcomeFilters) -> list[dict]:
    rows = (
        ReportIndicator.objects.filter(award_filter(filters, "report__application__"), is_latest=True,
                                       baseline__isnull=False)
        .values("indicator", "unit")
        .annotate(projects=Count("id"), baseline_sum=Sum("baseline"), latest_sum=Sum("value"))
        .order_by("indicator", "unit")
    )
    result = []
    for row in rows:
        baseline, latest = row["baseline_sum"], row["latest_sum"]
        change = percent((latest - baseline) * 100 / baseline) if baseline else None
        result.append({
            "indicator": row["indicator"], "unit": row["unit"], "projects": row["projects"],
            "baseline": _plain(baseline), "latest": _plain(latest),
            "change_percent": str(change) if change is not None else None,
        })
    return result


def people_reached(filters: OutcomeFilters) -> dict[str, int]:
    sums = ProjectReport.objects.filter(award_filter(filters, "application__"), counts_people=True).aggregate(
        **{group: Sum(f"people_{group}") for group in PEOPLE}
    )
    return {group: sums[group] or 0 for group in PEOPLE}


def outcomes(filters: OutcomeFilters) -> dict:
    """The figures of ``GET /api/v1/reports/outcomes/``."""
    chosen = awards(filters)
    by_currency = list(
        chosen.values("currency").annotate(count=Count("id"), awarded=Sum("approved_amount"))
        .order_by("currency")
    )
    paid = dict(
        Disbursement.objects.filter(award_filter(filters, "application__"), status=DisbursementStatus.PAID)
        .values("currency").annotate(paid=Sum("paid_amount")).values_list("currency", "paid")
    )
    currencies = [row["currency"] for row in by_currency] or ["USD"]
    main = currencies[0]
    first = by_currency[0] if by_currency else {"count": 0, "awarded": ZERO}
    data = {
        "filters": filters.as_json(),
        "awards": sum(row["count"] for row in by_currency),
        "currency": main,
        "awarded": _money(first["awarded"]),
        "paid": _money(paid.get(main)),
        "indicators": indicator_rows(filters),
        "people_reached": people_reached(filters),
    }
    if len(by_currency) > 1:
        data["by_currency"] = [
            {"currency": row["currency"], "awards": row["count"], "awarded": _money(row["awarded"]),
             "paid": _money(paid.get(row["currency"]))}
            for row in by_currency
        ]
    return data


# --------------------------------------------------------------------------- the page's tables

DIMENSIONS = {
    "fund": ("fund__code", fund_name),
    "year": (None, str),
    "country": ("organization__country",
                lambda code: Country(code).label if code in Country.values else code),
    "product": ("organization__products__code",
                lambda code: Product(code).label if code in Product.values else code),
}


def breakdown(filters: OutcomeFilters, dimension: str) -> list[dict]:
    """Awards, amount awarded and paid by fund, year, country or product (an organisation with two
    products counts under each)."""
    field, label = DIMENSIONS[dimension]
    chosen = awards(filters)
    if field is None:
        chosen, field = chosen.annotate(decision_year=ExtractYear("decided_at")), "decision_year"
    if dimension == "product":
        chosen = chosen.filter(organization__products__isnull=False)
    rows = chosen.values(field).annotate(count=Count("id"), awarded=Sum("approved_amount")).order_by(field)
    paid_query = Disbursement.objects.filter(status=DisbursementStatus.PAID, application__in=awards(filters))
    paid_field = f"application__{field}" if field != "decision_year" else "decision_year"
    if field == "decision_year":
        paid_query = paid_query.annotate(decision_year=ExtractYear("application__decided_at"))
    paid = dict(
        paid_query.values(paid_field).annotate(total=Sum("paid_amount")).values_list(paid_field, "total")
    )
    return [
        {"key": row[field], "label": str(label(row[field])) if row[field] is not None else "—",
         "awards": row["count"], "awarded": _money(row["awarded"]), "paid": _money(paid.get(row[field]))}
        for row in rows
    ]


def awards_with_reports(filters: OutcomeFilters) -> dict[str, int]:
    """How many of the awards have an accepted report, and how many reports are still owed."""
    return ProjectReport.objects.filter(application__in=awards(filters), required=True).aggregate(
        accepted=Count("id", filter=Q(status="accepted")),
        waiting=Count("id", filter=~Q(status="accepted")),
    )
