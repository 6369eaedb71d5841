"""The API's amount field: an amount read by :func:`core.parsing.read_amount`, as services read it."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from .errors import Invalid
from .parsing import read_amount


class AmountField(serializers.DecimalField):
    """A positive amount in the API's plain form (``"4000.50"``), refused with the messages of
    :func:`core.parsing.parse_amount`. Its decimals are checked against the currency where the currency
    is known (the service's ``parse_amount``), not against a fixed two: a guaraní has none, a CLF four.

    Documented as a decimal string, as every amount of the API."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> Decimal:
        try:
            return read_amount(data, field=self.field_name or "amount")
        except Invalid as refused:
            raise serializers.ValidationError(next(iter(refused.errors.values())), code="invalid") from None
