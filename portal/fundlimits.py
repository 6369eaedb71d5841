"""What a fund allows, in words, from its parameters in force today: shown before a person applies.

Each fund's limits (the maximum, the percentage it pays, who may apply) come from its parameters, so a
change recorded by an administrator shows here the next day it is in force. A fund without an entry
below still shows how long its decision takes and that its rules are in the regulation.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from babel.numbers import format_percent
from django.utils import timezone
from django.utils.translation import gettext as _

from .templatetags.portal import babel_locale, money


def percent(value) -> str:
    """A percent number ("30", "4.5") as the language writes a percentage ("30 %", "4,5 %")."""
    return format_percent(Decimal(str(value)) / 100, locale=babel_locale(), decimal_quantization=False)


def _certification(params, currency) -> list[str]:
    return [
        _("The fund pays %(first)s of the certification invoice for a first-grade organisation and "
          "%(other)s for other grades, up to %(cap)s per application, straight to the certifier.") % {
            "first": percent(params.coverage_first_grade_percent),
            "other": percent(params.coverage_other_grades_percent),
            "cap": money(params.cap_per_application, currency)},
        _("One subsidy per organisation and certification year, while the year's budget of %(budget)s "
          "lasts.") % {"budget": money(params.annual_budget, currency)},
        _("Fairtrade-certified small producer organisations may apply, with their certification invoice."),
    ]


def _youth(params, currency) -> list[str]:
    return [
        _("Loans of up to %(max)s, for up to %(term)d months with up to %(grace)d months of grace on "
          "principal, at %(min_rate)s to %(max_rate)s a year.") % {
            "max": money(params.max_amount, currency), "term": params.max_term_months,
            "grace": params.max_grace_months, "min_rate": percent(params.min_annual_interest_rate),
            "max_rate": percent(params.max_annual_interest_rate)},
        _("Youth groups of at least %(members)d members of an organisation, every member aged %(min)d to "
          "%(max)d on the day the application is submitted.") % {
            "members": params.min_members, "min": params.min_age, "max": params.max_age},
        _("The project must link to the organisation's value chain, and the organisation endorses the group "
          "with a letter."),
    ]


def _climate(params, currency) -> list[str]:
    return [
        _("Grants of up to %(max)s for prevention, adaptation or mitigation projects.") % {
            "max": money(params.max_award, currency)},
        _("The organisation measures a baseline before the project and a final baseline within %(days)d "
          "days of its end.") % {"days": params.final_baseline_due_days},
    ]


def _catastrophic(params, currency) -> list[str]:
    return [
        _("Partial compensation of a crop loss greater than %(threshold)s of the average production of the "
          "past seasons: %(rate)s of the value lost, up to %(cap)s per organisation.") % {
            "threshold": percent(params.loss_threshold_percent),
            "rate": percent(params.compensation_rate_percent),
            "cap": money(params.cap_per_organization, currency)},
        _("Give the production of 3 to 5 seasons before the event, with evidence of the damage."),
    ]


LIMITS: dict[str, Callable[[Any, str], list[str]]] = {
    "certification-subsidy": _certification,
    "youth-revolving": _youth,
    "climate-eventuality": _climate,
    "catastrophic-events": _catastrophic,
}


def limits_for(fund, on=None) -> list[str]:
    """The fund's limits and who may apply, as sentences in the page's language."""
    on = on or timezone.localdate()
    params = fund.parameters_on(on)
    sentences = []
    describe = LIMITS.get(fund.code)
    if describe is not None:
        try:
            sentences = describe(params, fund.currency)
        except AttributeError:  # a parameter this description needs is not recorded for the fund
            sentences = []
    sentences.append(_("The committee decides within %(days)d days of submission.") % {
        "days": params.decision_limit_days})
    required = [str(fund.rules.document_kinds[kind]) for kind in fund.rules.required_documents
                if kind in fund.rules.document_kinds]
    if required:
        sentences.append(_("Documents required: %(documents)s.") % {"documents": ", ".join(required)})
    return sentences
