"""Field types shared by the funds' application serializers."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


def money_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), **kwargs
    )


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
