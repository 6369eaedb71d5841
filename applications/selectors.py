from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum

from .models import Application
from .permissions import visible_applications_filter
from .workflow import AWAITING_DECISION, AWARDED


def applications_visible_to(user):
    return Application.objects.filter(visible_applications_filter(user))


class FundAwards:
    """The fund's other applications as its rules' assessment sees them (``funds.rules.base.AwardsSoFar``):
    each question is one query, asked only when the rules ask it. ``application`` is left out of what
    "another" application means."""

    def __init__(self, fund, application: Application | None = None):
        self.fund = fund
        self.application = application

    def awarded(self, *, year: int, organization: Any = None) -> Decimal:
        awards = Application.objects.filter(fund=self.fund, status__in=AWARDED, decided_at__year=year)
        if organization is not None:
            awards = awards.filter(organization=organization)
        return awards.aggregate(total=Sum("approved_amount"))["total"] or Decimal(0)

    def holds_another(self, *, organization: Any, data_matches: dict[str, Any]) -> bool:
        others = Application.objects.filter(
            fund=self.fund, organization=organization, status__in=(*AWAITING_DECISION, *AWARDED),
            **{f"data__{name}": value for name, value in data_matches.items()},
        )
        if self.application is not None and self.application.pk:
            others = others.exclude(pk=self.application.pk)
        return others.exists()
