"""Money: a ``Decimal`` amount with its ISO 4217 currency. No float ever touches money.

Amounts are rounded half-even to the currency's minor unit at defined points (an award, an instalment,
an allocation), never implicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import get_currency_precision


def decimals(currency: str) -> int:
    """How many decimals ``currency`` is counted in (Babel's CLDR data: 2 for USD, 0 for PYG, 4 for CLF).

    A code CLDR does not know counts in 2, its default.
    """
    return get_currency_precision((currency or "").upper())


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of ``currency``: Decimal("0.01") for USD, Decimal("1") for PYG."""
    return Decimal(1).scaleb(-decimals(currency))


def quantize(amount: Decimal, unit: Decimal) -> Decimal:
    return amount.quantize(unit, rounding=ROUND_HALF_EVEN)


class CurrencyMismatch(ValueError):
    pass


@dataclass(frozen=True, order=False)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self):
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money amounts are Decimal, never float.")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"Not an ISO 4217 currency code: {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def rounded(self) -> Money:
        return Money(quantize(self.amount, minor_unit(self.currency)), self.currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("Money only combines with Money.")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} do not mix.")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal) -> Money:
        if not isinstance(factor, Decimal | int):
            raise TypeError("Money is multiplied by a Decimal, never a float.")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def smallest(first: Money, *others: Money | None) -> Money:
    """The least of the amounts given, ignoring None (a cap that does not apply)."""
    result = first
    for other in others:
        if other is not None and other < result:
            result = other
    return result
