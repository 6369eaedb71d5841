"""The one vocabulary of lending: how often a loan is repaid and how its schedule is computed.

The codes are the API's `repayment_frequency` and `schedule_method`; the schedule engine
(`disbursements.amortization`), the fund rules' fields and approval terms, the pages and the decision
letter all take their codes, labels and wording from here.
"""

from __future__ import annotations

import calendar
import datetime

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class RepaymentFrequency(models.TextChoices):
    MONTHLY = "monthly", gettext_lazy("Monthly")
    QUARTERLY = "quarterly", gettext_lazy("Quarterly")
    HALF_YEARLY = "half_yearly", gettext_lazy("Half-yearly")
    HARVEST = "harvest", gettext_lazy("At harvest dates the group names")

    @property
    def months(self) -> int | None:
        """Calendar months in one period; None for harvest dates, which the group names."""
        return _MONTHS_PER_PERIOD.get(self.value)

    @property
    def in_a_sentence(self):
        """As the decision letter writes it: "repaid monthly", "repaid at the harvest dates"."""
        return _FREQUENCY_IN_A_SENTENCE[self.value]


class ScheduleMethod(models.TextChoices):
    DECLINING_BALANCE = "declining_balance", gettext_lazy("Declining balance (equal instalments)")
    FLAT = "flat", gettext_lazy("Flat interest")
    EQUAL_PRINCIPAL = "equal_principal", gettext_lazy("Equal principal")

    @property
    def in_a_sentence(self):
        return _METHOD_IN_A_SENTENCE[self.value]


_MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "half_yearly": 6}
_FREQUENCY_IN_A_SENTENCE = {
    "monthly": gettext_lazy("monthly"),
    "quarterly": gettext_lazy("quarterly"),
    "half_yearly": gettext_lazy("half-yearly"),
    "harvest": gettext_lazy("at the harvest dates"),
}
_METHOD_IN_A_SENTENCE = {
    "declining_balance": gettext_lazy("equal instalments on the declining balance"),
    "flat": gettext_lazy("flat interest on the amount lent"),
    "equal_principal": gettext_lazy("equal principal plus interest on the balance"),
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


def harvest_dates_checked(
    raw, *, after: datetime.date, max_term_months: int, grace_months: int | None, errors: dict
) -> list[datetime.date] | None:
    """Harvest dates as given (ISO strings or dates), checked: readable, distinct, in order, after
    ``after`` (the payment, expected or made), within ``max_term_months`` of it, and leaving at least
    one harvest after the grace on principal. Adds the reason to ``errors`` and returns None when not."""
    if isinstance(raw, str) or not isinstance(raw, list | tuple):
        raw = [] if raw in (None, "") else [raw]
    try:
        dates = [day if isinstance(day, datetime.date) else datetime.date.fromisoformat(str(day).strip())
                 for day in raw]
    except ValueError:
        errors["harvest_dates"] = [_("Give each harvest date as a date such as 2026-05-31.")]
        return None
    if not dates:
        errors["harvest_dates"] = [_("Name the harvest dates for harvest repayments.")]
        return None
    if dates != sorted(set(dates)):
        errors["harvest_dates"] = [_("Harvest dates must be distinct and in order.")]
        return None
    if dates[0] <= after:
        errors["harvest_dates"] = [
            _("The first harvest date must fall after the expected payment, %(day)s.") % {"day": after}
        ]
        return None
    latest = add_months(after, max_term_months)
    if dates[-1] > latest:
        errors["harvest_dates"] = [
            _("The last harvest date must fall within the fund's term of %(months)d months from the "
              "expected payment, by %(day)s.") % {"months": max_term_months, "day": latest}
        ]
        return None
    if grace_months and harvest_grace_instalments(dates, starts_on=after, grace_months=grace_months) >= len(
        dates
    ):
        errors["grace_months"] = [
            _("The grace on principal would cover every harvest date: shorten it or add a later "
              "harvest.")
        ]
        return None
    return dates
