"""The terms a youth-fund loan is approved with: what the chair gives, else the application's, else
the fund's defaults; always within the fund's limits."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from applications.errors import Invalid

from .amortization import METHODS, MONTHS_PER_PERIOD

FREQUENCIES = (*MONTHS_PER_PERIOD, "harvest")


def _whole(value, field, errors) -> int | None:
    if isinstance(value, bool):
        errors[field] = [_("Give a whole number.")]
        return None
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        errors[field] = [_("Give a whole number.")]
        return None
    return number


def loan_terms_for_approval(application, given: dict[str, Any]) -> dict[str, Any]:
    params = application.fund.parameters_on((application.submitted_at or application.created_at).date())
    data = application.data
    errors: dict[str, list] = {}

    raw_rate = given.get("annual_interest_rate", params.default_annual_interest_rate)
    try:
        rate = Decimal(str(raw_rate))
        if not rate.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["annual_interest_rate"] = [_("Give the annual rate as a percentage such as 4.5.")]
        rate = None
    if rate is not None and not params.min_annual_interest_rate <= rate <= params.max_annual_interest_rate:
        errors["annual_interest_rate"] = [
            _("The fund's rate is from %(min)s%% to %(max)s%% a year.")
            % {"min": params.min_annual_interest_rate, "max": params.max_annual_interest_rate}
        ]

    term = _whole(given.get("term_months", data.get("term_months")), "term_months", errors)
    grace = _whole(given.get("grace_months", data.get("grace_months", 0)), "grace_months", errors)
    if term is not None and not 1 <= term <= params.max_term_months:
        errors["term_months"] = [_("The term is from 1 to %d months.") % params.max_term_months]
    if grace is not None and not 0 <= grace <= params.max_grace_months:
        errors["grace_months"] = [_("Grace is from 0 to %d months.") % params.max_grace_months]

    frequency = given.get("repayment_frequency", data.get("repayment_frequency", "monthly"))
    if frequency not in FREQUENCIES:
        errors["repayment_frequency"] = [_("Choose monthly, quarterly, half-yearly or harvest.")]
    method = given.get("schedule_method", "declining_balance")
    if method not in METHODS:
        errors["schedule_method"] = [_("Choose declining_balance, flat or equal_principal.")]
    harvest_dates = list(given.get("harvest_dates", data.get("harvest_dates") or []))
    if frequency == "harvest" and not harvest_dates:
        errors["harvest_dates"] = [_("Name the harvest dates for harvest repayments.")]

    if not errors and frequency in MONTHS_PER_PERIOD:
        months = MONTHS_PER_PERIOD[frequency]
        if term % months:
            errors["term_months"] = [_("The term must be a whole number of repayment periods.")]
        elif grace % months:
            errors["grace_months"] = [_("Grace must be a whole number of repayment periods.")]
        elif grace >= term:
            errors["grace_months"] = [_("Grace must be shorter than the term.")]
    if errors:
        raise Invalid(errors)
    return {
        "annual_interest_rate": str(rate),
        "term_months": term,
        "grace_months": grace,
        "repayment_frequency": frequency,
        "schedule_method": method,
        "harvest_dates": [str(day) for day in harvest_dates],
    }
