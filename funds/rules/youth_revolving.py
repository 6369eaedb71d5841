"""Youth revolving fund: loans to groups of young women and men in an OPP; repaid capital is lent again.

A group has at least 3 members, every one aged 18 to 35 inclusive on the submission date. Amount, term,
grace on principal and the annual rate stay within the fund's limits. The decision is due 28 days after
submission, with a warning at 15.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.money import Money, smallest
from funds.lending import (
    MONTHS_PER_PERIOD,
    RepaymentFrequency,
    ScheduleMethod,
    harvest_dates_checked,
    months_spanned,
)
from organizations.choices import Gender

from .base import LOAN, Assessment, AssessmentContext, FundRules, Parameters, ReportDue, Step
from .fields import FundFieldsSerializer, PlausibleDate, accepts_fund_rules_field, money_field


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, label=_("Full name"))
    birth_date = PlausibleDate(past=True, label=_("Date of birth"))
    gender = serializers.ChoiceField(choices=Gender.choices, label=_("Gender"))


class YouthRevolvingFields(FundFieldsSerializer):
    project_title = serializers.CharField(max_length=200, label=_("Project title"))
    project_description = serializers.CharField(max_length=10000, label=_("Project description"))
    value_chain_link = serializers.CharField(
        max_length=4000, label=_("Link to the value chain"),
        help_text=_("How the project links to the OPP's product value chain, or how it diversifies "
                    "income."),
    )
    requested_amount = money_field(label=_("Amount requested"))
    term_months = serializers.IntegerField(min_value=1, max_value=120, label=_("Term (months)"))
    grace_months = serializers.IntegerField(min_value=0, max_value=60, default=0,
                                            label=_("Grace on principal (months)"))
    repayment_frequency = serializers.ChoiceField(choices=RepaymentFrequency.choices,
                                                  label=_("Repayment frequency"))
    harvest_dates = serializers.ListField(
        child=serializers.DateField(), required=False, max_length=60,
        label=_("Harvest repayment dates"),
        help_text=_("With harvest repayments: the dates on which the group will repay."),
        style={"page_help": _("Only for repayment at harvest: dates as YYYY-MM-DD, separated by commas.")},
    )
    members = MemberSerializer(many=True, allow_empty=False, max_length=200,
                               label=_("Members of the group"),
                               help_text=_("At least 3 members, all aged 18 to 35."))
    accepts_fund_rules = accepts_fund_rules_field()

    def validate(self, attrs):
        if attrs.get("repayment_frequency") == RepaymentFrequency.HARVEST and not attrs.get("harvest_dates"):
            raise serializers.ValidationError(
                {"harvest_dates": [_("Name the harvest dates on which the group will repay.")]}
            )
        harvest_dates = attrs.get("harvest_dates") or []
        if harvest_dates != sorted(set(harvest_dates)):
            raise serializers.ValidationError(
                {"harvest_dates": [_("Harvest dates must be distinct and in order.")]}
            )
        return attrs


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Whole years completed on ``day`` (a person born on 29 February ages on 1 March)."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


class YouthRevolvingRules(FundRules):
    code = "youth-revolving"
    name = _("Youth revolving fund for Fair Trade")
    reference_prefix = "JOV"
    kind = LOAN
    fields_serializer = YouthRevolvingFields
    form_steps = (
        Step("project", _("The project"), ("project_title", "project_description", "value_chain_link")),
        Step("loan", _("The loan"),
             ("requested_amount", "term_months", "grace_months", "repayment_frequency", "harvest_dates")),
        Step("group", _("The youth group"), ("members", "accepts_fund_rules")),
    )
    form_rows = {"members": 12}
    document_kinds = {
        "opp_endorsement_letter": _("OPP endorsement letter"),
        "other": _("Other supporting document"),
    }
    required_documents = ("opp_endorsement_letter",)
    criterion_labels = {
        "viability": _("Viability of the business"),
        "value_chain_link": _("Link to the OPP's value chain"),
        "group_capacity": _("Capacity of the youth group"),
    }
    parameter_defaults = {
        "decision_warning_days": 15,
        "decision_limit_days": 28,
        "max_amount": "5000.00",
        "max_term_months": 36,
        "max_grace_months": 6,
        "min_annual_interest_rate": "0",
        "max_annual_interest_rate": "6",
        "default_annual_interest_rate": "4",
        "min_members": 3,
        "min_age": 18,
        "max_age": 35,
        "rubric": ["viability", "value_chain_link", "group_capacity"],
        # Reports: a progress report on the group's project every this many months of the loan's term
        # (at least one).
        "progress_report_every_months": 12,
        "reports_block_next_tranche": True,
        "reports_required_to_close": True,
    }

    def limits(self, parameters, figures) -> list[str]:
        return [
            _("Loans of up to %(max)s, for up to %(term)d months with up to %(grace)d months of grace on "
              "principal, at %(min_rate)s to %(max_rate)s a year.") % {
                "max": figures.money(parameters.max_amount), "term": parameters.max_term_months,
                "grace": parameters.max_grace_months,
                "min_rate": figures.percent(parameters.min_annual_interest_rate),
                "max_rate": figures.percent(parameters.max_annual_interest_rate)},
            _("Youth groups of at least %(members)d members of an organisation, every member aged %(min)d to "
              "%(max)d on the day the application is submitted.") % {
                "members": parameters.min_members, "min": parameters.min_age, "max": parameters.max_age},
            _("The project must link to the organisation's value chain, and the organisation endorses the "
              "group with a letter."),
        ]

    def report_requirements(self, data, *, paid_on, parameters) -> list[ReportDue]:
        every = parameters.progress_report_every_months
        if not every:
            return []
        term = int(data.get("term_months") or every)
        count = max(1, term // every)
        return [ReportDue("progress", n, paid_on + relativedelta(months=every * n))
                for n in range(1, count + 1)]

    def assess(self, data, ctx: AssessmentContext) -> Assessment:
        params = ctx.parameters
        reasons = []
        members = data.get("members") or []
        aged = []
        for member in members:
            birth = member.get("birth_date")
            if birth:
                born = datetime.date.fromisoformat(str(birth))
                aged.append((member.get("name") or "", age_on(born, ctx.on)))
        ages = [age for _name, age in aged]
        if len(members) < params.min_members:
            reasons.append(_("The group needs at least %d members.") % params.min_members)
        # Each member out of the age range is named, so the group knows whom to replace.
        for name, age in aged:
            if not params.min_age <= age <= params.max_age:
                reasons.append(
                    _("%(name)s is %(age)d on the submission date: every member must be aged %(min)d to "
                      "%(max)d.") % {"name": name or _("A member"), "age": age, "min": params.min_age,
                                     "max": params.max_age}
                )
        term = data.get("term_months")
        grace = data.get("grace_months") or 0
        if term is not None and term > params.max_term_months:
            reasons.append(_("The term is at most %d months.") % params.max_term_months)
        if grace > params.max_grace_months:
            reasons.append(_("Grace on principal is at most %d months.") % params.max_grace_months)
        if term is not None and grace >= term:
            reasons.append(_("Grace must be shorter than the term."))
        if data.get("repayment_frequency") == RepaymentFrequency.HARVEST:
            problems: dict[str, list] = {}
            harvest_dates_checked(
                data.get("harvest_dates") or [], after=ctx.on, max_term_months=params.max_term_months,
                grace_months=grace if grace <= params.max_grace_months else None, errors=problems,
            )
            reasons.extend(reason for field_reasons in problems.values() for reason in field_reasons)
        requested = self.requested_amount(data, ctx.currency)
        limit = Money(params.max_amount, ctx.currency)
        if requested is not None and requested > limit:
            reasons.append(_("The fund lends at most %s.") % limit)
        max_award = smallest(limit, requested, ctx.available) if requested else None
        if requested is None:
            reasons.append(_("Give the amount requested."))
        return Assessment(
            eligible=not reasons,
            max_award=max_award,
            reasons=reasons,
            figures={
                "members": len(members),
                "youngest_age": min(ages) if ages else None,
                "oldest_age": max(ages) if ages else None,
            },
        )

    # ------------------------------------------------------------------ approval terms
    def approval_terms(
        self, given: dict[str, Any], *, data: dict[str, Any], parameters: Parameters, on: datetime.date
    ) -> dict[str, Any]:
        """The terms a loan is approved with: what the chair gives, else the application's, else the
        fund's defaults; always within the fund's limits. ``on`` is the day the money is expected to
        be paid (the decision letter's schedule assumes the decision date).

        Harvest repayments: the dates are distinct, in order, after ``on`` and within the fund's
        longest term from it; the term is the months they span. Grace on principal is applied to
        the harvests it covers (interest only), and refused when it would cover them all."""
        params = parameters
        errors: dict[str, list] = {}

        raw_rate = given.get("annual_interest_rate", params.default_annual_interest_rate)
        try:
            rate = Decimal(str(raw_rate))
            if not rate.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["annual_interest_rate"] = [_("Give the annual rate as a percentage such as 4.5.")]
            rate = None
        if rate is not None and not (
            params.min_annual_interest_rate <= rate <= params.max_annual_interest_rate
        ):
            errors["annual_interest_rate"] = [
                _("The fund's rate is from %(min)s%% to %(max)s%% a year.")
                % {"min": params.min_annual_interest_rate, "max": params.max_annual_interest_rate}
            ]

        frequency = given.get("repayment_frequency",
                              data.get("repayment_frequency", RepaymentFrequency.MONTHLY))
        term = None
        if frequency != RepaymentFrequency.HARVEST:  # harvest loans last as long as their dates
            term = _whole(given.get("term_months", data.get("term_months")), "term_months", errors)
        grace = _whole(given.get("grace_months", data.get("grace_months", 0)), "grace_months", errors)
        if term is not None and not 1 <= term <= params.max_term_months:
            errors["term_months"] = [_("The term is from 1 to %d months.") % params.max_term_months]
        if grace is not None and not 0 <= grace <= params.max_grace_months:
            errors["grace_months"] = [_("Grace is from 0 to %d months.") % params.max_grace_months]

        if frequency not in RepaymentFrequency.values:
            errors["repayment_frequency"] = [_("Choose monthly, quarterly, half-yearly or harvest.")]
        method = given.get("schedule_method", ScheduleMethod.DECLINING_BALANCE)
        if method not in ScheduleMethod.values:
            errors["schedule_method"] = [_("Choose declining_balance, flat or equal_principal.")]
        harvest_dates = given.get("harvest_dates", data.get("harvest_dates") or [])
        if frequency == RepaymentFrequency.HARVEST:
            harvest_dates = harvest_dates_checked(
                harvest_dates, after=on, max_term_months=params.max_term_months,
                grace_months=grace if "grace_months" not in errors else None, errors=errors,
            )
            if harvest_dates is not None:
                term = months_spanned(on, harvest_dates[-1])
        else:
            harvest_dates = []

        if not errors and frequency in MONTHS_PER_PERIOD:
            months = MONTHS_PER_PERIOD[frequency]
            if term % months:
                errors["term_months"] = [_("The term must be a whole number of repayment periods.")]
            elif grace % months:
                errors["grace_months"] = [_("Grace must be a whole number of repayment periods.")]
            elif grace >= term:
                errors["grace_months"] = [_("Grace must be shorter than the term.")]
        if errors:
            raise serializers.ValidationError(errors)
        return {
            "annual_interest_rate": str(rate),
            "term_months": term,
            "grace_months": grace,
            "repayment_frequency": str(frequency),
            "schedule_method": str(method),
            "harvest_dates": [str(day) for day in harvest_dates],
        }

    # Loans on time, repaid and in every arrears bucket (so PAR30 is above zero), and files on their way.
    demo_past_stories = (
        {"opp": "FLO-10001", "days_ago": 260, "to": "in_execution", "late_days": 0},
        {"opp": "FLO-20002", "days_ago": 420, "to": "closed"},
        {"opp": "FLO-30003", "to": "in_execution", "late_days": 12},
        {"opp": "FLO-40004", "to": "in_execution", "late_days": 45},
        {"opp": "FLO-50005", "to": "in_execution", "late_days": 75},
        {"opp": "FLO-60006", "to": "in_execution", "late_days": 130},
        {"opp": "FLO-10001", "to": "in_execution", "late_days": 250},
        {"opp": "FLO-20002", "to": "in_execution", "late_days": 370},
        {"opp": "FLO-30003", "days_ago": 35, "to": "committee_review", "answered": True},
        {"opp": "FLO-40004", "days_ago": 200, "to": "rejected"},
        {"opp": "FLO-50005", "days_ago": 30, "to": "approved"},
    )

    def demo_past_fields(self, day):
        born = day.replace(year=day.year - 26, day=min(day.day, 28))
        return {
            "project_title": "Vivero de café joven", "project_description": "Un vivero de plántulas de café.",
            "value_chain_link": "Renueva los cafetales de la cooperativa.",
            "requested_amount": "3000.00", "term_months": 12, "grace_months": 0,
            "repayment_frequency": "monthly", "accepts_fund_rules": True,
            "members": [
                {"name": "Ana López", "birth_date": born.isoformat(), "gender": "female"},
                {"name": "Luis Pérez", "birth_date": born.isoformat(), "gender": "male"},
                {"name": "Rosa Díaz", "birth_date": born.isoformat(), "gender": "female"},
            ],
        }


def _whole(value, field: str, errors: dict) -> int | None:
    if isinstance(value, bool):
        errors[field] = [_("Give a whole number.")]
        return None
    try:
        return int(str(value))
    except (TypeError, ValueError):
        errors[field] = [_("Give a whole number.")]
        return None
