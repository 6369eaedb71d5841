"""The one vocabulary of lending: how often a loan is repaid and how its schedule is computed.

The codes are the API's `repayment_frequency` and `schedule_method`; the schedule engine
(`disbursements.amortization`), the fund rules' fields and approval terms, the pages and the decision
letter all take their codes, labels and wording from here.
"""

from __future__ import annotations

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
