"""Catastrophic events fund: partial compensation for a crop loss of more than 30%.

Per crop, the baseline production is the mean of the last 3 to 5 seasons; from the 5th season on, the
highest and the lowest are dropped first. Loss % = (baseline − actual) ÷ baseline. Only a loss strictly
greater than the threshold (default 30%) is eligible: exactly 30.00% is not. The comparison is exact
(no rounding happens before it). Compensation = rate × lost volume × reference price, capped per
organisation and per calendar year, and by what the fund has available.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.money import Money, smallest
from organizations.choices import Product

from .base import GRANT, Assessment, AssessmentContext, FundRules, ReportDue, Step, percent
from .events import EVENT_CLAIMS, EVENT_TYPES
from .fields import FundFieldsSerializer, PlausibleDate, accepts_fund_rules_field, money_field

UNITS = {"kg": _("kilograms"), "t": _("tonnes"), "qq": _("quintals")}
MIN_SEASONS = 3
MAX_SEASONS = 5


class SeasonSerializer(serializers.Serializer):
    season = serializers.CharField(max_length=20, label=_("Season"))
    volume = serializers.DecimalField(max_digits=16, decimal_places=3, min_value=Decimal(0),
                                      label=_("Volume"))


class AffectedProducersSerializer(serializers.Serializer):
    women = serializers.IntegerField(min_value=0, label=_("Women"))
    men = serializers.IntegerField(min_value=0, label=_("Men"))
    youth = serializers.IntegerField(min_value=0, label=_("Young people (18 to 35)"))


class CatastrophicEventsFields(FundFieldsSerializer):
    crop = serializers.ChoiceField(choices=Product.choices, label=_("Crop"))
    event_type = serializers.ChoiceField(choices=list(EVENT_TYPES.items()), label=_("Kind of event"))
    event_start = PlausibleDate(past=True, label=_("First day of the event"))
    event_end = PlausibleDate(past=True, label=_("Last day of the event"))
    event_description = serializers.CharField(max_length=10000, label=_("What happened"))
    season_productions = SeasonSerializer(
        many=True, min_length=MIN_SEASONS, max_length=MAX_SEASONS,
        label=_("Production of past seasons"),
        help_text=_("Production of the last 3 to 5 seasons before the event."),
    )
    affected_season_volume = serializers.DecimalField(
        max_digits=16, decimal_places=3, min_value=Decimal(0),
        label=_("Production of the affected season"),
        help_text=_("Production of the season the event struck."),
    )
    unit = serializers.ChoiceField(choices=list(UNITS.items()), label=_("Unit"))
    reference_price = money_field(label=_("Reference price per unit"),
                                  help_text=_("Price of one unit of the crop, in the fund's "
                                              "currency."))
    affected_producers = AffectedProducersSerializer(label=_("Producers affected"))
    accepts_fund_rules = accepts_fund_rules_field()

    def validate(self, attrs):
        start, end = attrs.get("event_start"), attrs.get("event_end")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"event_end": [_("The event cannot end before it starts.")]}
            )
        seasons = [row["season"] for row in attrs.get("season_productions", [])]
        if len(seasons) != len(set(seasons)):
            raise serializers.ValidationError(
                {"season_productions": [_("Each season may appear only once.")]}
            )
        return attrs


@dataclass(frozen=True)
class Loss:
    baseline: Decimal
    actual: Decimal
    threshold_percent: Decimal

    @property
    def lost_volume(self) -> Decimal:
        return max(self.baseline - self.actual, Decimal(0))

    @property
    def percent(self) -> Decimal:
        """The exact loss in percent (not rounded)."""
        if self.baseline == 0:
            return Decimal(0)
        return self.lost_volume * 100 / self.baseline

    @property
    def exceeds_threshold(self) -> bool:
        # Compared without division so that no rounding can push 30.00% over the line.
        return self.lost_volume * 100 > self.threshold_percent * self.baseline


def baseline_production(volumes: list[Decimal]) -> Decimal:
    """Mean of 3 to 5 seasons; with 5 (or more) the highest and the lowest are dropped first."""
    if not MIN_SEASONS <= len(volumes) <= MAX_SEASONS:
        raise ValueError(f"The baseline needs {MIN_SEASONS} to {MAX_SEASONS} seasons.")
    ordered = sorted(volumes)
    if len(ordered) >= 5:
        ordered = ordered[1:-1]
    return sum(ordered, Decimal(0)) / len(ordered)


class CatastrophicEventsRules(FundRules):
    code = "catastrophic-events"
    name = _("Catastrophic events fund")
    reference_prefix = "CAT"
    kind = GRANT
    fields_serializer = CatastrophicEventsFields
    form_steps = (
        Step("event", _("The event"),
             ("crop", "event_type", "event_start", "event_end", "event_description")),
        Step("production", _("Production and loss"),
             ("season_productions", "affected_season_volume", "unit", "reference_price")),
        Step("producers", _("Producers affected"), ("affected_producers", "accepts_fund_rules")),
    )
    form_rows = {"season_productions": 5}
    document_kinds = {
        "damage_evidence": _("Evidence of the damage (photos, reports)"),
        "production_records": _("Production records"),
        "other": _("Other supporting document"),
    }
    required_documents = ("damage_evidence",)
    criterion_labels = {
        "evidence_quality": _("Quality of the evidence of the loss"),
        "severity": _("Severity of the loss for the producers"),
    }
    requested_amount_field = None
    declared_event_calls = EVENT_CLAIMS
    purpose_field = "event_type"
    parameter_defaults = {
        "decision_warning_days": 30,
        "decision_limit_days": 45,
        "loss_threshold_percent": "30",
        "compensation_rate_percent": "30",
        "cap_per_organization": "20000.00",
        "rubric": ["evidence_quality", "severity"],
        # Reports: what the compensation paid for and which producers received it, due this many
        # days after the payment.
        "use_of_funds_report_days": 90,
        "reports_block_next_tranche": True,
        "reports_required_to_close": True,
    }

    def limits(self, parameters, figures) -> list[str]:
        return [
            _("Partial compensation of a crop loss greater than %(threshold)s of the average production of "
              "the past seasons: %(rate)s of the value lost, up to %(cap)s per organisation.") % {
                "threshold": figures.percent(parameters.loss_threshold_percent),
                "rate": figures.percent(parameters.compensation_rate_percent),
                "cap": figures.money(parameters.cap_per_organization)},
            _("Give the production of 3 to 5 seasons before the event, with evidence of the damage."),
        ]

    def report_requirements(self, data, *, paid_on, parameters) -> list[ReportDue]:
        days = datetime.timedelta(days=parameters.use_of_funds_report_days)
        return [ReportDue("use_of_funds", 1, paid_on + days)]

    def fields_from_event(self, event) -> dict:
        """A claim in an event's call starts with the event's type and dates."""
        fields = {"event_type": event.event_type, "event_start": event.starts_on.isoformat()}
        if event.ends_on is not None:
            fields["event_end"] = event.ends_on.isoformat()
        return fields

    def loss(self, data, parameters) -> Loss | None:
        seasons = data.get("season_productions") or []
        actual = data.get("affected_season_volume")
        if not MIN_SEASONS <= len(seasons) <= MAX_SEASONS or actual in (None, ""):
            return None
        volumes = [Decimal(str(row["volume"])) for row in seasons]
        return Loss(
            baseline=baseline_production(volumes),
            actual=Decimal(str(actual)),
            threshold_percent=parameters.loss_threshold_percent,
        )

    def assess(self, data, ctx: AssessmentContext) -> Assessment:
        loss = self.loss(data, ctx.parameters)
        if loss is None:
            return Assessment(
                eligible=False, max_award=None,
                reasons=[_("Give the production of 3 to 5 past seasons and of the affected one.")],
            )
        reasons = []
        if not loss.exceeds_threshold:
            reasons.append(
                _("The loss must be greater than %s%% of the baseline production.")
                % percent(ctx.parameters.loss_threshold_percent)
            )
        compensation = None
        max_award = None
        remaining_cap = self.remaining_cap(ctx)
        if data.get("reference_price"):
            price = Decimal(str(data["reference_price"]))
            rate = ctx.parameters.compensation_rate_percent / Decimal(100)
            compensation = Money(rate * loss.lost_volume * price, ctx.currency).rounded()
            max_award = smallest(compensation, remaining_cap, ctx.available)
            if max_award.amount < 0:
                max_award = Money.zero(ctx.currency)
            if not loss.exceeds_threshold:
                max_award = Money.zero(ctx.currency)
        else:
            reasons.append(_("Give the reference price of the crop."))
        return Assessment(
            eligible=not reasons,
            max_award=max_award,
            reasons=reasons,
            figures={
                "baseline": loss.baseline.quantize(Decimal("0.001")),
                "lost_volume": loss.lost_volume.quantize(Decimal("0.001")),
                "loss_percent": percent(loss.percent),
                "threshold_percent": percent(ctx.parameters.loss_threshold_percent),
                "compensation": compensation,
                "remaining_cap": remaining_cap,
            },
        )

    def remaining_cap(self, ctx: AssessmentContext) -> Money:
        awarded = ctx.awards.awarded(year=ctx.on.year, organization=ctx.organization)
        return Money(ctx.parameters.cap_per_organization - awarded, ctx.currency)

    def example_fields(self, today):
        return {
            "crop": "coffee", "event_type": "drought",
            "event_start": (today - datetime.timedelta(days=60)).isoformat(),
            "event_end": (today - datetime.timedelta(days=20)).isoformat(),
            "event_description": "Seca prolongada na florada do café.",
            "season_productions": [{"season": "2022-23", "volume": "900"},
                                   {"season": "2023-24", "volume": "950"},
                                   {"season": "2024-25", "volume": "1000"}],
            "affected_season_volume": "500", "unit": "qq", "reference_price": "120.00",
            "affected_producers": {"women": 9, "men": 13, "youth": 6},
            "accepts_fund_rules": True,
        }

    # Compensations paid, waiting for payment, refused.
    demo_past_stories = (
        {"opp": "FLO-30003", "days_ago": 180, "to": "in_execution"},
        {"opp": "FLO-40004", "days_ago": 45, "to": "tranche_approved"},
        {"opp": "FLO-50005", "days_ago": 60, "to": "rejected"},
        {"opp": "FLO-60006", "days_ago": 90, "to": "rejected_at_screening"},
        {"opp": "FLO-10001", "days_ago": 16, "to": "committee_review", "answered": True},
        {"opp": "FLO-20002", "days_ago": 3, "to": "submitted"},
    )

    def demo_past_fields(self, day):
        return {
            "crop": "coffee", "event_type": "hurricane",
            "event_start": (day - datetime.timedelta(days=40)).isoformat(),
            "event_end": (day - datetime.timedelta(days=37)).isoformat(),
            "event_description": "El huracán derribó cafetales y caminos.",
            "season_productions": [{"season": "2021-22", "volume": "800"},
                                   {"season": "2022-23", "volume": "820"},
                                   {"season": "2023-24", "volume": "780"}],
            "affected_season_volume": "500", "unit": "qq", "reference_price": "140.00",
            "affected_producers": {"women": 18, "men": 27, "youth": 9},
            "accepts_fund_rules": True,
        }
