"""How repayments are spread over a loan's instalments (pure Python, no Django).

Apache Fineract's default strategy: each payment goes to the oldest instalment first, and within
an instalment to fees, then interest, then principal; a payment larger than everything the
schedule still asks for leaves an overpayment, a credit the fund owes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass
class Due:
    """What one instalment asks for and what has been put against it so far."""

    key: int
    fees: Decimal
    interest: Decimal
    principal: Decimal
    fees_paid: Decimal = ZERO
    interest_paid: Decimal = ZERO
    principal_paid: Decimal = ZERO
    paid_on: date | None = None

    @property
    def unpaid(self) -> Decimal:
        return (self.fees + self.interest + self.principal) - (
            self.fees_paid + self.interest_paid + self.principal_paid
        )


@dataclass
class Split:
    fees: Decimal = ZERO
    interest: Decimal = ZERO
    principal: Decimal = ZERO
    credit: Decimal = ZERO
    per_instalment: dict[int, Decimal] = field(default_factory=dict)

    def as_tuple(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        return (self.fees, self.interest, self.principal, self.credit)


def allocate(dues: list[Due], amount: Decimal, paid_on: date) -> Split:
    """Put ``amount`` against ``dues`` (oldest first; mutated in place) and say where it went."""
    if amount <= 0:
        raise ValueError("A repayment is a positive amount.")
    split = Split()
    left = amount
    for due in dues:
        if left <= 0:
            break
        for part in ("fees", "interest", "principal"):
            owed = getattr(due, part) - getattr(due, f"{part}_paid")
            take = min(owed, left)
            if take > 0:
                setattr(due, f"{part}_paid", getattr(due, f"{part}_paid") + take)
                setattr(split, part, getattr(split, part) + take)
                split.per_instalment[due.key] = split.per_instalment.get(due.key, ZERO) + take
                left -= take
        if due.unpaid == 0 and due.paid_on is None:
            due.paid_on = paid_on
    split.credit = left
    return split
