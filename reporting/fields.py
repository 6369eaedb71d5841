"""What an organisation may write in a report, checked once for the API and the pages alike."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.errors import Invalid
from core.fields import AmountField
from core.parsing import parse_amount

from .workflow import ReportKind

PEOPLE = ("women", "men", "other", "youth", "adults")
# Indicator values: room for any count or measure, never a typing mistake of thirty digits.
VALUE = {"max_digits": 18, "decimal_places": 4, "min_value": Decimal("-99999999999999"),
         "max_value": Decimal("99999999999999")}


class IndicatorInput(serializers.Serializer):
    indicator = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=40)
    baseline = serializers.DecimalField(allow_null=True, required=False, **VALUE)
    value = serializers.DecimalField(allow_null=True, required=False, **VALUE)


class PeopleInput(serializers.Serializer):
    women = serializers.IntegerField(min_value=0, max_value=10_000_000, allow_null=True, required=False)
    men = serializers.IntegerField(min_value=0, max_value=10_000_000, allow_null=True, required=False)
    other = serializers.IntegerField(min_value=0, max_value=10_000_000, allow_null=True, required=False)
    youth = serializers.IntegerField(min_value=0, max_value=10_000_000, allow_null=True, required=False,
                                     help_text=_("People aged 18 to 35."))
    adults = serializers.IntegerField(min_value=0, max_value=10_000_000, allow_null=True, required=False,
                                      help_text=_("People over 35."))


class ExpenditureInput(serializers.Serializer):
    budget_line = serializers.CharField(max_length=200)
    amount = AmountField()
    currency = serializers.RegexField(r"^[A-Za-z]{3}$", max_length=3, error_messages={
        "invalid": _("Give an ISO 4217 currency code such as USD.")})

    def validate(self, attrs):
        attrs["currency"] = attrs["currency"].upper()
        try:
            attrs["amount"] = parse_amount(attrs["amount"], attrs["currency"])
        except Invalid as refused:
            raise serializers.ValidationError(refused.errors) from None
        return attrs

    def to_representation(self, instance):
        return instance


class ReportFields(serializers.Serializer):
    """The parts of a report the organisation writes; any may be sent alone (a draft is saved at
    every step). Unknown fields are an error, not ignored."""

    narrative = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    indicators = IndicatorInput(many=True, max_length=60, required=False)
    people_reached = PeopleInput(required=False)
    expenditures = ExpenditureInput(many=True, max_length=100, required=False)
    compensation_use = serializers.CharField(max_length=10000, allow_blank=True, required=False)
    producers_compensated = serializers.IntegerField(min_value=0, max_value=10_000_000, allow_null=True,
                                                     required=False)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Send the report as a JSON object.")]})
        fixed = {"id", "application", "kind", "status", "due_on", "comments", "sequence", "required"}
        unknown = sorted(set(data) - set(self.fields) - fixed)
        errors = {name: [_("This field is not part of a report.")] for name in unknown}
        try:
            value = super().to_internal_value({k: v for k, v in data.items() if k in self.fields})
        except serializers.ValidationError as exc:
            errors.update(exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail})
        if errors:
            raise serializers.ValidationError(errors)
        indicators = value.get("indicators") or []
        seen = set()
        for row in indicators:
            key = (row["indicator"].strip().casefold(), row["unit"].strip().casefold())
            if key in seen:
                raise serializers.ValidationError({"indicators": [
                    _("The indicator “%s” is listed twice in the same unit.") % row["indicator"]]})
            seen.add(key)
        return value


class NewReportInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    due_on = serializers.DateField(required=False, allow_null=True)


class CommentsInput(serializers.Serializer):
    comments = serializers.CharField(max_length=10000, allow_blank=True, required=False, default="")


def validate_report_fields(data) -> dict:
    """The fields as Python values, or ``Invalid`` with every error by field."""
    from core.errors import Invalid

    serializer = ReportFields(data=data)
    if not serializer.is_valid():
        raise Invalid(serializer.errors)
    return serializer.validated_data
