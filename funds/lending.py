"""The one vocabulary of lending: how often a loan is repaid and how its schedule is computed.

The codes are the API's `repayment_frequency` and `schedule_method`; the schedule engine
(`disbursements.amortization`), the fund rules' fields and approval terms, the pages and the decision
letter all take their codes, labels and wording from here.
"""

from __future__ import annotations

import calendar
import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class RepaymentFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    HARVEST = "harvest", _("At harvest dates the group names")

    @property
    def months(self) -> int | None:
        """Calendar months in one period; None for harvest dates, which the group names."""
        return _MONTHS_PER_PERIOD.get(self.value)

    @property
    def in_a_sentence(self):
        """As the decision letter writes it: "repaid monthly", "repaid at the harvest dates"."""
        return _FREQUENCY_IN_A_SENTENCE[self.value]


class ScheduleMethod(models.TextChoices):
    DECLINING_BALANCE = "declining_balance", _("Declining balance (equal instalments)")
    FLAT = "flat", _("Flat interest")
    EQUAL_PRINCIPAL = "equal_principal", _("Equal principal")

    @property
    def in_a_sentence(self):
        return _METHOD_IN_A_SENTENCE[self.value]


_MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "half_yearly": 6}
_FREQUENCY_IN_A_SENTENCE = {
    "monthly": _("monthly"),
    "quarterly": _("quarterly"),
    "half_yearly": _("half-yearly"),
    "harvest": _("at the harvest dates"),
}
_METHOD_IN_A_SENTENCE = {
    "declining_balance": _("equal instalments on the declining balance"),
    "flat": _("flat interest on the amount lent"),
    "equal_principal": _("equal principal plus interest on the balance"),
}

# Periods of a regular frequency, by code (harvest has none).
MONTHS_PER_PERIOD: dict[str, int] = {
    frequency.value: frequency.months for frequency in RepaymentFrequency if frequency.months
}
HARVEST = RepaymentFrequency.HARVEST.value


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later, clamped to the end of a shorter month."""
    years, month_index = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    return start.replace(year=year, month=month, day=min(start.day, last_day))


def harvest_grace_instalments(
    harvest_dates, *, starts_on: datetime.date, grace_months: int
) -> int:
    """How many harvest instalments fall within the grace on principal (``grace_months`` from the
    day the money is paid): they pay interest only."""
    grace_ends = add_months(starts_on, grace_months)
    return sum(1 for day in harvest_dates if starts_on < day <= grace_ends) if grace_months else 0


def months_spanned(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from ``start`` that reach ``end`` (a part month counts as one)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months if add_months(start, months) >= end else months + 1
