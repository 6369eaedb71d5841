"""Field types shared by the funds' application serializers."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.parsing import EARLIEST_DATE, LATEST_DATE


def money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), **kwargs
    )




class PlausibleDate(serializers.DateField):
    """A date between 1900 and 2100; ``past=True`` refuses days after today, ``future=True`` days
    before it (today, in Fondos' time zone, is always accepted)."""

    def __init__(self, *, past: bool = False, future: bool = False, **kwargs):
        self.past, self.future = past, future
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise serializers.ValidationError(_("Give a date between 1900 and 2100."))
        today = timezone.localdate()
        if self.past and day > today:
            raise serializers.ValidationError(_("This date cannot be in the future."))
        if self.future and day < today:
            raise serializers.ValidationError(_("This date cannot be in the past."))
        return day


class MustAccept(serializers.BooleanField):
    """A declaration that the applicant must make (``true``) before submitting."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value is not True:
            raise serializers.ValidationError(_("You must accept this to apply."))
        return value


class FundFieldsSerializer(serializers.Serializer):
    """Base of the fund-specific application fields: unknown fields are an error, not ignored."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        errors = {name: [_("This field is not part of this fund's application.")] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                errors.update(exc.detail)
            else:
                errors.setdefault("non_field_errors", []).extend(exc.detail)
        if errors:
            raise serializers.ValidationError(errors)
        return value


def accepts_fund_rules_field() -> MustAccept:
    """The declaration every fund asks for: the OPP has read and accepts the fund's rules."""
    return MustAccept(label=_("We have read and accept the fund's rules"))
