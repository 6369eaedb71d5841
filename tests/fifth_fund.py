"""Funds that exist only in the tests: everything about them is in this one module.

They prove that a new fund is one module of rules: the registry takes it (``funds.rules.register``), a
``Fund`` row names it, and the whole of Fondos (API, pages, lists, letters, payments, loans, reports)
works with it without any other file knowing it exists. ``tests/test_fifth_fund.py`` runs their lives:
the seed capital fund gives money outright; its lending twin lends it, on terms of its own.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from rest_framework import serializers

from core.money import Money, smallest
from funds.lending import RepaymentFrequency, ScheduleMethod
from funds.rules.base import (
    GRANT,
    LOAN,
    Assessment,
    AssessmentContext,
    DocumentDue,
    FundRules,
    ReportDue,
    Step,
)
from funds.rules.fields import FundFieldsSerializer, PlausibleDate, accepts_fund_rules_field, money_field

CODE = "seed-capital"
LOAN_CODE = "seed-loan"
ACTIVITIES = {"processing": "Processing the harvest", "retail": "A shop for the members"}


class PartnerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, label="Partner's name")
    share = serializers.IntegerField(min_value=1, max_value=100, label="Share (%)")


class SeedCapitalFields(FundFieldsSerializer):
    business_name = serializers.CharField(max_length=120, label="Name of the business")
    activity = serializers.ChoiceField(choices=list(ACTIVITIES.items()), label="What the business does")
    opening_date = PlausibleDate(future=True, label="Opening day",
                                 help_text="The day the business opens its doors.")
    requested_amount = money_field(label="Seed capital asked for")
    partners = PartnerSerializer(many=True, allow_empty=False, max_length=10, label="Partners",
                                 help_text="Who owns the business, and their shares.")
    accepts_fund_rules = accepts_fund_rules_field()

    def validate(self, attrs):
        partners = attrs.get("partners")
        if partners and sum(row["share"] for row in partners) != 100:
            raise serializers.ValidationError({"partners": ["The shares must add up to 100."]})
        return attrs


class SeedCapitalRules(FundRules):
    code = CODE
    name = "Seed capital fund"
    reference_prefix = "SEED"
    kind = GRANT
    fields_serializer = SeedCapitalFields
    form_steps = (
        Step("business", "The business", ("business_name", "activity", "opening_date")),
        Step("money", "The money", ("requested_amount", "partners", "accepts_fund_rules")),
    )
    form_rows = {"partners": 3}
    document_kinds = {
        "business_plan": "Business plan",
        "opening_photos": "Photos of the open business",
        "other": "Other supporting document",
    }
    required_documents = ("business_plan",)
    post_award_documents = ("opening_photos",)
    criterion_labels = {"plan": "Soundness of the business plan"}
    parameter_defaults = {
        "decision_warning_days": 10,
        "decision_limit_days": 20,
        "max_award": "2000.00",
        "photos_due_days": 30,
        "progress_report_days": 90,
        "rubric": ["plan"],
        "reports_block_next_tranche": True,
        "reports_required_to_close": True,
    }

    def assess(self, data, ctx: AssessmentContext) -> Assessment:
        reasons = []
        limit = Money(ctx.parameters.max_award, ctx.currency)
        requested = self.requested_amount(data, ctx.currency)
        already = ctx.awards.awarded(year=ctx.on.year, organization=ctx.organization)
        if requested is None:
            reasons.append("Give the amount asked for.")
        elif requested > limit:
            reasons.append(f"The fund gives at most {limit}.")
        if already:
            reasons.append("The organisation already had seed capital this year.")
        max_award = smallest(limit, requested, ctx.available) if requested else None
        return Assessment(eligible=not reasons, max_award=max_award, reasons=reasons,
                          figures={"awarded_this_year": Decimal(already)})

    def documents_due(self, data, *, parameters) -> list[DocumentDue]:
        opening = datetime.date.fromisoformat(data["opening_date"])
        return [DocumentDue("opening_photos", opening + datetime.timedelta(days=parameters.photos_due_days))]

    def report_requirements(self, data, *, paid_on, parameters) -> list[ReportDue]:
        return [ReportDue("progress", 1, paid_on + datetime.timedelta(days=parameters.progress_report_days))]

    def example_fields(self, today):
        return {
            "business_name": "Tostadora La Semilla", "activity": "processing",
            "opening_date": (today + datetime.timedelta(days=40)).isoformat(),
            "requested_amount": "1500.00",
            "partners": [{"name": "Cooperativa", "share": 60}, {"name": "Grupo de jóvenes", "share": 40}],
            "accepts_fund_rules": True,
        }


class SeedLoanRules(SeedCapitalRules):
    """The seed capital fund's lending twin: the same application, repaid monthly at a fixed rate."""

    code = LOAN_CODE
    name = "Seed loan fund"
    reference_prefix = "SEEDL"
    kind = LOAN
    parameter_defaults = {**SeedCapitalRules.parameter_defaults, "annual_interest_rate": "3",
                          "term_months": 6}

    def approval_terms(self, given, *, data, parameters, on):
        term = given.get("term_months", parameters.term_months)
        if not isinstance(term, int) or not 1 <= term <= 24:
            raise serializers.ValidationError({"term_months": ["The term is from 1 to 24 months."]})
        return {
            "annual_interest_rate": str(parameters.annual_interest_rate),
            "term_months": term,
            "grace_months": 0,
            "repayment_frequency": RepaymentFrequency.MONTHLY.value,
            "schedule_method": ScheduleMethod.DECLINING_BALANCE.value,
            "harvest_dates": [],
        }
