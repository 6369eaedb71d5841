"""The trace: which contributions paid for each award, each disbursement, and what came back.

Run for every ledger transaction as it is posted (``funds.ledger.posted``), inside the posting's
database transaction, with the fund's contributions locked (``SELECT ... FOR UPDATE``), so two payments
out of one fund serialise and never spend the same money twice. The rule (docs/donors.md):

1. A commitment (an award) and a disbursement draw on the contributions received on or before the
   transaction's value date (a payment is never paid with money that arrived after it) that still have
   money available: first those restricted to what the application is for (``restricted_match``),
   oldest first, then the unrestricted ones, oldest first. Whatever they cannot cover is attributed to
   the fund's general funds (capital no recorded donor gave): a row without a contribution.
2. A released commitment (the payment releases it before paying; a short payment or a cancellation
   releases the rest) gives back first what general funds held for that application, then the
   contributions' in the reverse order of rule 1.
3. Principal repaid on a loan (and a recovery of a written-off loan) goes back to the contributions that
   paid the loan's disbursements, in the order of rule 1, each up to what it paid and has not had back;
   it is then available to them again and the next disbursement lends it again (``relent``).
4. A reversal mirrors the rows of the transaction it reverses with their amounts negated.

A contribution's figures follow: committed = commitments − releases; available = amount − committed −
disbursed + repaid; relent = what it disbursed beyond its own amount (money that came back and went out
again). A fund without contributions records no rows: everything it does is general funds.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from applications.models import Application
from funds.models import Account, LedgerTransaction, TransactionKind

from .models import Allocation, AllocationKind, Contribution

ZERO = Decimal("0.00")
GENERAL = None  # the fund's general funds: an allocation without a contribution


def restricted_match(contribution: Contribution, application: Application) -> bool:
    """Whether a restricted contribution may pay for ``application``.

    A call matches the applications of that call; a purpose matches the application's fund field
    ``purpose`` (climate eventuality: prevention, adaptation, mitigation) or ``event_type`` (catastrophic
    events: hurricane, flood, ...)."""
    if contribution.restricted_call_id is not None:
        return application.call_id == contribution.restricted_call_id
    data = application.data or {}
    return contribution.restricted_purpose in (data.get("purpose"), data.get("event_type"))


def on_posted(sender, *, transaction: LedgerTransaction, lines, **kwargs) -> None:
    trace_transaction(transaction, lines=lines)


def _amount(lines, account: str, side: str) -> Decimal:
    return sum((getattr(line, side) for line in lines if line.account == account), ZERO)


def trace_transaction(tx: LedgerTransaction, *, lines=None) -> list[Allocation]:
    """Attribute ``tx`` to contributions. Safe to call twice: a traced transaction is left as it is."""
    if tx.kind == TransactionKind.REVERSAL:
        return _mirror(tx)
    if tx.application_id is None or tx.kind not in _AMOUNTS:
        return []
    if lines is None:
        lines = list(tx.entries.all())
    account, side, kind = _AMOUNTS[tx.kind]
    amount = _amount(lines, account, side)
    if amount <= 0:
        return []
    contributions = _locked_contributions(tx)
    if not contributions or Allocation.objects.filter(ledger_transaction=tx).exists():
        return []
    application = Application.objects.only("id", "data", "call_id").get(pk=tx.application_id)
    received = [c for c in contributions if c.received_on <= tx.booked_on]
    ordered = _rule_order(received, application)
    if kind == AllocationKind.RELEASE:
        shares = _release(tx, ordered, amount)
    elif kind == AllocationKind.REPAYMENT:
        shares = _give_back(tx, ordered, amount)
    else:
        shares = _draw(tx, ordered, amount)
    rows = [
        Allocation(ledger_transaction=tx, contribution_id=contribution_id, fund_id=tx.fund_id,
                   application_id=tx.application_id, kind=kind, amount=share)
        for contribution_id, share in shares if share
    ]
    return Allocation.objects.bulk_create(rows)


# For each kind traced: the ledger account and side that carry its amount, and the allocation kind.
_AMOUNTS = {
    TransactionKind.COMMITMENT: (Account.COMMITTED, "debit", AllocationKind.COMMITMENT),
    TransactionKind.COMMITMENT_RELEASE: (Account.COMMITTED, "credit", AllocationKind.RELEASE),
    TransactionKind.DISBURSEMENT: (Account.CASH, "credit", AllocationKind.DISBURSEMENT),
    TransactionKind.REPAYMENT: (Account.LOANS_RECEIVABLE, "credit", AllocationKind.REPAYMENT),
    TransactionKind.RECOVERY: (Account.RECOVERIES, "credit", AllocationKind.REPAYMENT),
}


def _locked_contributions(tx: LedgerTransaction) -> list[Contribution]:
    return list(
        Contribution.objects.select_for_update().filter(fund_id=tx.fund_id).order_by("id")
    )


def _rule_order(contributions: list[Contribution], application: Application) -> list[Contribution]:
    """Rule 1's order: restricted money that matches the application, then unrestricted money; oldest
    first within each. Restricted money that does not match is left out."""
    oldest = sorted(contributions, key=lambda c: (c.received_on, c.pk))
    restricted = [c for c in oldest if c.is_restricted and restricted_match(c, application)]
    return restricted + [c for c in oldest if not c.is_restricted]


def _sums(filters: dict) -> dict[tuple[int | None, str], Decimal]:
    rows = (Allocation.objects.filter(**filters).values("contribution_id", "kind")
            .annotate(total=Sum("amount")))
    return {(row["contribution_id"], row["kind"]): row["total"] for row in rows}


def contribution_available(contribution: Contribution, sums: dict) -> Decimal:
    def total(kind):
        return sums.get((contribution.pk, kind)) or ZERO

    committed = total(AllocationKind.COMMITMENT) - total(AllocationKind.RELEASE)
    return (contribution.amount - committed - total(AllocationKind.DISBURSEMENT)
            + total(AllocationKind.REPAYMENT))


def _draw(tx, ordered: list[Contribution], amount: Decimal) -> list[tuple[int | None, Decimal]]:
    sums = _sums({"contribution__in": ordered})
    shares, left = [], amount
    for contribution in ordered:
        if not left:
            break
        share = min(left, max(contribution_available(contribution, sums), ZERO))
        shares.append((contribution.pk, share))
        left -= share
    shares.append((GENERAL, left))
    return shares


def _release(tx, ordered: list[Contribution], amount: Decimal) -> list[tuple[int | None, Decimal]]:
    sums = _sums({"application_id": tx.application_id})

    def held(contribution_id):
        return ((sums.get((contribution_id, AllocationKind.COMMITMENT)) or ZERO)
                - (sums.get((contribution_id, AllocationKind.RELEASE)) or ZERO))

    order = [c.pk for c in ordered]
    order += sorted({key for key, _kind in sums if key is not None and key not in order})
    shares, left = [], amount
    for contribution_id in [GENERAL, *reversed(order)]:
        share = min(left, max(held(contribution_id), ZERO))
        shares.append((contribution_id, share))
        left -= share
    # Committed before the fund had contributions (so never traced): general funds held it.
    shares.append((GENERAL, left))
    return _merged(shares)


def _give_back(tx, ordered: list[Contribution], amount: Decimal) -> list[tuple[int | None, Decimal]]:
    sums = _sums({"application_id": tx.application_id})
    paid_by = defaultdict(lambda: ZERO)
    for (contribution_id, kind), total in sums.items():
        if kind == AllocationKind.DISBURSEMENT:
            paid_by[contribution_id] += total
        elif kind == AllocationKind.REPAYMENT:
            paid_by[contribution_id] -= total
    # The loan's contributors in rule 1's order (restricted ones that paid it, oldest first), including
    # contributions that no longer match because their restriction was edited.
    order = [c.pk for c in ordered] + sorted(k for k in paid_by if k is not None and k not in
                                             {c.pk for c in ordered})
    shares, left = [], amount
    for contribution_id in order:
        share = min(left, max(paid_by[contribution_id], ZERO))
        shares.append((contribution_id, share))
        left -= share
    shares.append((GENERAL, left))
    return _merged(shares)


def _merged(shares):
    merged: dict[int | None, Decimal] = {}
    for contribution_id, share in shares:
        merged[contribution_id] = merged.get(contribution_id, ZERO) + share
    return list(merged.items())


def _mirror(tx: LedgerTransaction) -> list[Allocation]:
    if tx.reverses_id is None or Allocation.objects.filter(ledger_transaction=tx).exists():
        return []
    originals = list(Allocation.objects.filter(ledger_transaction_id=tx.reverses_id))
    if not originals:
        return []
    list(Contribution.objects.select_for_update().filter(fund_id=tx.fund_id).order_by("id"))
    return Allocation.objects.bulk_create(
        Allocation(ledger_transaction=tx, contribution_id=row.contribution_id, fund_id=row.fund_id,
                   application_id=row.application_id, kind=row.kind, amount=-row.amount)
        for row in originals
    )
