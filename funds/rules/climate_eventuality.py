"""Climate eventuality fund: grants for prevention, adaptation or mitigation.

The OPP gives a baseline of the intervention's indicators and commits to a final baseline (endline),
due a set number of days after the project ends. The decision is due 45 days after submission.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.money import Money, smallest

from .base import GRANT, Assessment, AssessmentContext, DocumentDue, FundRules, ReportDue, Step
from .events import EVENT_PROJECTS
from .fields import FundFieldsSerializer, MustAccept, PlausibleDate, accepts_fund_rules_field, money_field

PURPOSES = {
    "prevention": _("Prevention"),
    "adaptation": _("Adaptation"),
    "mitigation": _("Mitigation"),
}


class IndicatorSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=200, label=_("Indicator"))
    value = serializers.DecimalField(max_digits=18, decimal_places=4, label=_("Value"))
    unit = serializers.CharField(max_length=40, label=_("Unit"))


class ClimateEventualityFields(FundFieldsSerializer):
    purpose = serializers.ChoiceField(choices=list(PURPOSES.items()), label=_("Purpose"))
    project_description = serializers.CharField(max_length=10000, label=_("Project description"))
    requested_amount = money_field(label=_("Amount requested"))
    project_end_date = PlausibleDate(future=True, label=_("Project end date"))
    baseline = IndicatorSerializer(
        many=True, allow_empty=False, max_length=50, label=_("Baseline indicators"),
        help_text=_("The intervention's indicators before it starts."),
    )
    commits_to_final_baseline = MustAccept(
        label=_("We commit to measure a final baseline after the project"),
        help_text=_("The OPP will measure the same indicators after the project ends."),
    )
    accepts_fund_rules = accepts_fund_rules_field()


class ClimateEventualityRules(FundRules):
    code = "climate-eventuality"
    name = _("Climate eventuality fund")
    reference_prefix = "CLIM"
    kind = GRANT
    fields_serializer = ClimateEventualityFields
    form_steps = (
        Step("project", _("The project"),
             ("purpose", "project_description", "requested_amount", "project_end_date")),
        Step("baseline", _("Baseline"), ("baseline", "commits_to_final_baseline", "accepts_fund_rules")),
    )
    form_rows = {"baseline": 6}
    document_kinds = {
        "baseline_study": _("Baseline study"),
        "project_plan": _("Project plan and budget"),
        "final_baseline": _("Final baseline (endline) report"),
        "other": _("Other supporting document"),
    }
    required_documents = ()
    post_award_documents = ("final_baseline",)
    declared_event_calls = EVENT_PROJECTS
    purpose_field = "purpose"
    criterion_labels = {
        "climate_relevance": _("Relevance to the climate risk"),
        "feasibility": _("Feasibility of the plan and budget"),
        "producers_reached": _("Producers who benefit"),
    }
    parameter_defaults = {
        "decision_warning_days": 30,
        "decision_limit_days": 45,
        "max_award": "15000.00",
        "final_baseline_due_days": 60,
        "rubric": ["climate_relevance", "feasibility", "producers_reached"],
        # Reports: a progress report half-way between payment and the project's end, and the final
        # report with the endline ``final_baseline_due_days`` after the end.
        "progress_report_halfway": True,
        "reports_block_next_tranche": True,
        "reports_required_to_close": True,
    }

    def limits(self, parameters, figures) -> list[str]:
        return [
            _("Grants of up to %(max)s for prevention, adaptation or mitigation projects.") % {
                "max": figures.money(parameters.max_award)},
            _("The organisation measures a baseline before the project and a final baseline within "
              "%(days)d days of its end.") % {"days": parameters.final_baseline_due_days},
        ]

    def documents_due(self, data, *, parameters) -> list[DocumentDue]:
        """The final baseline (endline), ``final_baseline_due_days`` after the project's end."""
        try:
            end = datetime.date.fromisoformat(data.get("project_end_date") or "")
        except (TypeError, ValueError):
            return []
        return [DocumentDue("final_baseline",
                            end + datetime.timedelta(days=int(parameters.final_baseline_due_days)))]

    def report_requirements(self, data, *, paid_on, parameters) -> list[ReportDue]:
        try:
            end = datetime.date.fromisoformat(data.get("project_end_date") or "")
        except ValueError:
            end = paid_on + datetime.timedelta(days=365)
        end = max(end, paid_on)
        reports = []
        if parameters.progress_report_halfway and end > paid_on:
            reports.append(ReportDue("progress", 1, paid_on + (end - paid_on) / 2))
        endline = end + datetime.timedelta(days=parameters.final_baseline_due_days)
        reports.append(ReportDue("final", 1, endline))
        return reports

    def assess(self, data, ctx: AssessmentContext) -> Assessment:
        reasons = []
        limit = Money(ctx.parameters.max_award, ctx.currency)
        requested = self.requested_amount(data, ctx.currency)
        if requested is None:
            reasons.append(_("Give the amount requested."))
        elif requested > limit:
            reasons.append(_("The fund grants at most %s.") % limit)
        if not data.get("baseline"):
            reasons.append(_("Give the baseline indicators of the intervention."))
        if data.get("commits_to_final_baseline") is not True:
            reasons.append(_("The OPP must commit to a final baseline."))
        max_award = smallest(limit, requested, ctx.available) if requested else None
        if max_award is not None and max_award.amount < Decimal(0):
            max_award = Money.zero(ctx.currency)
        return Assessment(eligible=not reasons, max_award=max_award, reasons=reasons)

    def example_fields(self, today):
        return {
            "purpose": "adaptation",
            "project_description": "Riego por goteo y cosecha de agua en 40 fincas de café.",
            "requested_amount": "9000.00",
            "project_end_date": (today + datetime.timedelta(days=30)).isoformat(),
            "baseline": [
                {"indicator": "Hectáreas con riego", "value": "12", "unit": "ha"},
                {"indicator": "Rendimiento de café", "value": "14", "unit": "qq/ha"},
            ],
            "commits_to_final_baseline": True,
            "accepts_fund_rules": True,
        }

    # Grants with reports due, one overdue, and files in review.
    demo_past_stories = (
        {"opp": "FLO-20002", "days_ago": 230, "to": "in_execution"},
        {"opp": "FLO-40004", "days_ago": 330, "to": "reporting", "answered": True},
        {"opp": "FLO-50005", "days_ago": 40, "to": "conditions_accepted"},
        {"opp": "FLO-60006", "days_ago": 26, "to": "committee_review_waiting"},
        {"opp": "FLO-30003", "days_ago": 120, "to": "expired"},
    )

    def demo_past_fields(self, day):
        return {
            "purpose": "adaptation", "project_description": "Riego por goteo y cosecha de agua.",
            "requested_amount": "7500.00",
            "project_end_date": (day + datetime.timedelta(days=240)).isoformat(),
            "baseline": [{"indicator": "Hectáreas con riego", "value": "10", "unit": "ha"}],
            "commits_to_final_baseline": True, "accepts_fund_rules": True,
        }
