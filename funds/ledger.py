"""The funds' double-entry ledger: every money movement, immutable, always balanced.

A fund's balances are derived from its entries only:
- capital: credits to ``capital``;
- committed: approved amounts not yet paid (``committed``);
- disbursed: what left the fund's cash in disbursements;
- outstanding: loan principal still owed (``loans_receivable``);
- available to commit: cash − committed − overpayments owed back.
For the revolving fund, repaid principal returns to cash and so is available to lend again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import Money, minor_unit, quantize
from organizations.models import User

from .models import Account, AccountTotal, Fund, LedgerEntry, LedgerTransaction, TransactionKind

# Sent inside the posting's database transaction, once the entries are written, with ``transaction``
# (the LedgerTransaction) and ``lines``. Receivers write their own rows in that same transaction (the
# donors' trace) or queue effects with ``transaction.on_commit`` (the open-data cache).
posted = Signal()


class UnbalancedTransaction(ValueError):
    pass


@dataclass(frozen=True)
class Line:
    account: str
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)


def debit(account: str, amount: Decimal) -> Line:
    return Line(account, debit=amount)


def credit(account: str, amount: Decimal) -> Line:
    return Line(account, credit=amount)


def ledger_post(
    *,
    fund: Fund,
    kind: str,
    lines: list[Line],
    booked_on: datetime.date | None = None,
    by: User | None = None,
    memo: str = "",
    application=None,
    source=None,
    reverses: LedgerTransaction | None = None,
) -> LedgerTransaction:
    """Record one balanced transaction. Amounts must already be rounded to the minor unit."""
    unit = minor_unit(fund.currency)
    lines = [line for line in lines if line.debit or line.credit]
    if not lines:
        raise UnbalancedTransaction("A transaction needs at least one non-zero entry.")
    for line in lines:
        if line.debit < 0 or line.credit < 0:
            raise UnbalancedTransaction("Entries are never negative; swap debit and credit.")
        if quantize(line.debit, unit) != line.debit or quantize(line.credit, unit) != line.credit:
            raise UnbalancedTransaction("Entries are rounded to the currency's minor unit first.")
    if sum(line.debit for line in lines) != sum(line.credit for line in lines):
        raise UnbalancedTransaction("Debits and credits differ.")
    with transaction.atomic():
        tx = LedgerTransaction.objects.create(
            fund=fund,
            kind=kind,
            currency=fund.currency,
            booked_on=booked_on or timezone.localdate(),
            recorded_by=by,
            memo=memo[:255],
            application=application,
            source_type=source._meta.label_lower if source is not None else "",
            source_id=source.pk if source is not None else None,
            reverses=reverses,
        )
        LedgerEntry.objects.bulk_create(
            LedgerEntry(
                transaction=tx, fund=fund, account=line.account, debit=line.debit,
                credit=line.credit,
            )
            for line in lines
        )
        _add_to_totals(fund, kind, lines)
        posted.send(sender=LedgerTransaction, transaction=tx, lines=lines)
    return tx


def _add_to_totals(fund: Fund, kind: str, lines: list[Line]) -> None:
    per_account: dict[str, list[Decimal]] = {}
    for line in lines:
        debits, credits = per_account.setdefault(line.account, [Decimal(0), Decimal(0)])
        per_account[line.account] = [debits + line.debit, credits + line.credit]
    for account, (debits, credits) in sorted(per_account.items()):
        disbursed = credits if kind == TransactionKind.DISBURSEMENT else Decimal(0)
        changes = {
            "debits": F("debits") + debits,
            "credits": F("credits") + credits,
            "disbursed": F("disbursed") + disbursed,
        }
        if AccountTotal.objects.filter(fund=fund, account=account).update(**changes):
            continue
        try:
            with transaction.atomic():
                AccountTotal.objects.create(fund=fund, account=account, debits=debits, credits=credits,
                                            disbursed=disbursed)
        except IntegrityError:  # created meanwhile by a concurrent first posting
            AccountTotal.objects.filter(fund=fund, account=account).update(**changes)


def _sums_from_entries(funds, on=None) -> dict[int, dict[str, tuple[Decimal, Decimal, Decimal]]]:
    entries = LedgerEntry.objects.filter(fund__in=funds)
    if on is not None:
        entries = entries.filter(transaction__booked_on__lte=on)
    rows = entries.values("fund_id", "account").annotate(
        debits=Sum("debit"),
        credits=Sum("credit"),
        disbursed=Sum("credit", filter=Q(transaction__kind=TransactionKind.DISBURSEMENT)),
    )
    sums: dict[int, dict[str, tuple[Decimal, Decimal, Decimal]]] = {f.pk: {} for f in funds}
    for row in rows:
        sums[row["fund_id"]][row["account"]] = (
            row["debits"] or _zero(), row["credits"] or _zero(), row["disbursed"] or _zero()
        )
    return sums


def _sums_from_totals(funds) -> dict[int, dict[str, tuple[Decimal, Decimal, Decimal]]]:
    sums: dict[int, dict[str, tuple[Decimal, Decimal, Decimal]]] = {f.pk: {} for f in funds}
    for total in AccountTotal.objects.filter(fund__in=funds):
        sums[total.fund_id][total.account] = (total.debits, total.credits, total.disbursed)
    return sums


def ledger_totals_rebuild(funds=None) -> None:
    """Recompute the running totals from the entries (after a bulk load, or to repair)."""
    funds = list(funds if funds is not None else Fund.objects.all())
    with transaction.atomic():
        sums = _sums_from_entries(funds)
        AccountTotal.objects.filter(fund__in=funds).delete()
        AccountTotal.objects.bulk_create(
            AccountTotal(fund=fund, account=account, debits=debits, credits=credits, disbursed=disbursed)
            for fund in funds
            for account, (debits, credits, disbursed) in sums[fund.pk].items()
        )


def ledger_totals_verify(funds=None) -> list[str]:
    """Every difference between the running totals and the entries (none, when the books are right)."""
    funds = list(funds if funds is not None else Fund.objects.all())
    from_entries, from_totals = _sums_from_entries(funds), _sums_from_totals(funds)
    zero = (_zero(), _zero(), _zero())
    problems = []
    for fund in funds:
        for account in sorted(set(from_entries[fund.pk]) | set(from_totals[fund.pk])):
            expected = from_entries[fund.pk].get(account, zero)
            kept = from_totals[fund.pk].get(account, zero)
            if expected != kept:
                problems.append(f"{fund.code} {account}: entries {expected}, totals {kept}")
    return problems


def ledger_reverse(
    *, original: LedgerTransaction, by: User | None = None, memo: str = "",
    booked_on: datetime.date | None = None,
) -> LedgerTransaction:
    """A new transaction with every entry of ``original`` swapped: the correction of a mistake, booked
    today unless ``booked_on`` says from when it takes effect."""
    return ledger_post(
        fund=original.fund,
        kind=TransactionKind.REVERSAL,
        lines=[Line(e.account, debit=e.credit, credit=e.debit) for e in original.entries.all()],
        booked_on=booked_on,
        by=by,
        memo=memo or f"Reversal of #{original.pk}",
        application=original.application,
        reverses=original,
    )


@dataclass(frozen=True)
class Balances:
    currency: str
    capital: Decimal
    cash: Decimal
    committed: Decimal
    disbursed: Decimal
    outstanding: Decimal
    interest_received: Decimal
    written_off: Decimal
    recovered: Decimal
    grants_paid: Decimal
    refunds_owed: Decimal

    @property
    def available(self) -> Decimal:
        return self.cash - self.committed - self.refunds_owed

    def money(self, name: str) -> Money:
        return Money(getattr(self, name), self.currency)

    def as_json(self) -> dict[str, str]:
        names = (
            "capital", "cash", "committed", "disbursed", "outstanding", "available",
            "interest_received", "written_off", "recovered", "grants_paid", "refunds_owed",
        )
        return {"currency": self.currency, **{name: str(getattr(self, name)) for name in names}}


def _zero() -> Decimal:
    return Decimal("0.00")


def balances_by_fund(funds, *, on: datetime.date | None = None) -> dict[int, Balances]:
    """Each fund's balances: today's from the running totals, a past day's (``on``, inclusive) from the
    entries up to it. One query either way."""
    funds = list(funds)
    sums = _sums_from_totals(funds) if on is None else _sums_from_entries(funds, on)
    return {fund.pk: _balances(fund.currency, sums[fund.pk]) for fund in funds}


def fund_balances(fund: Fund, *, on: datetime.date | None = None) -> Balances:
    return balances_by_fund([fund], on=on)[fund.pk]


def _balances(currency: str, sums: dict[str, tuple[Decimal, Decimal, Decimal]]) -> Balances:
    def debit_balance(account):
        debits, credits, _disbursed = sums.get(account, (_zero(), _zero(), _zero()))
        return debits - credits

    def credit_balance(account):
        return -debit_balance(account)

    return Balances(
        currency=currency,
        capital=credit_balance(Account.CAPITAL),
        cash=debit_balance(Account.CASH),
        committed=debit_balance(Account.COMMITTED),
        disbursed=sums.get(Account.CASH, (_zero(), _zero(), _zero()))[2],
        outstanding=debit_balance(Account.LOANS_RECEIVABLE),
        interest_received=credit_balance(Account.INTEREST_INCOME),
        written_off=debit_balance(Account.WRITE_OFFS),
        recovered=credit_balance(Account.RECOVERIES),
        grants_paid=debit_balance(Account.GRANTS_PAID),
        refunds_owed=credit_balance(Account.REPAYMENT_CREDITS),
    )


class OverBudget(Exception):
    def __init__(self, requested: Money, available: Money):
        self.requested = requested
        self.available = available
        super().__init__(
            _("The fund has %(available)s available; %(requested)s cannot be committed.")
            % {"available": available, "requested": requested}
        )


def fund_lock(fund_id: int) -> Fund:
    """Lock the fund's row until the transaction ends: commitments against it then serialise."""
    return Fund.objects.select_for_update().get(pk=fund_id)


def fund_capital_add(*, fund: Fund, amount: Decimal, by: User | None = None, memo: str = "",
                     booked_on: datetime.date | None = None) -> LedgerTransaction:
    return ledger_post(
        fund=fund, kind=TransactionKind.CAPITAL, booked_on=booked_on, by=by,
        memo=memo or "Capital", lines=[debit(Account.CASH, amount), credit(Account.CAPITAL, amount)],
    )


def fund_commit(*, fund: Fund, amount: Decimal, application, by: User | None = None) -> LedgerTransaction:
    """Commit ``amount`` for an approved application. The caller holds the fund's lock."""
    balances = fund_balances(fund)
    if amount > balances.available:
        raise OverBudget(Money(amount, fund.currency), Money(balances.available, fund.currency))
    return ledger_post(
        fund=fund, kind=TransactionKind.COMMITMENT, by=by, application=application,
        memo=f"Commitment {application.reference}",
        lines=[debit(Account.COMMITTED, amount), credit(Account.COMMITMENTS_CONTRA, amount)],
    )


def fund_release_commitment(*, fund: Fund, amount: Decimal, application, by: User | None = None,
                            memo: str = "") -> LedgerTransaction:
    return ledger_post(
        fund=fund, kind=TransactionKind.COMMITMENT_RELEASE, by=by, application=application,
        memo=memo or f"Commitment released {application.reference}",
        lines=[debit(Account.COMMITMENTS_CONTRA, amount), credit(Account.COMMITTED, amount)],
    )
