"""Repayment schedules for the youth revolving fund's loans.

No database: give `build_schedule` a `ScheduleTerms` and it returns the instalments.
Rescheduling a loan is `build_schedule` again, with the outstanding principal as `principal` and
the date the new terms start as `disbursed_on`.

Conventions (Apache Fineract's defaults, checked against the schedules in shared/oracles/):

- Money is `Decimal`, never a float. Interest is rounded half-even to the currency's minor unit
  each period (flat interest: once for the whole loan, see below); every amount returned is
  quantised to the minor unit.
- Day count 30/360: a monthly period is 30 days, a quarter 90, a half-year 180, so a period's
  interest is balance x annual rate x days / 360, i.e. the annual rate divided by the periods
  in a year. Harvest periods (irregular due dates the group names) are counted in 30E/360 days
  (a 31st counts as the 30th) from the previous due date, the first one from the disbursement;
  harvest dates on the disbursement's day of each month give exactly the monthly schedule.
- Due dates: the n-th instalment falls n periods after the disbursement, by calendar months
  counted from the disbursement date, with the day clamped to the end of shorter months.
- Grace on principal: the first `grace_on_principal` instalments are part of the instalment
  count and pay interest only; the principal is amortised over the instalments that remain.
- Method and frequency names are the one vocabulary of `funds.lending` (the API's
  `schedule_method` and `repayment_frequency`). Methods, on the amortising instalments
  (Fineract calls the first one "declining balance, equal installments"):
  * `declining_balance`: equal instalments (the annuity for the period rates), rounded
    half-even to `round_instalment_to` (by default the minor unit); principal = instalment -
    interest on the balance.
  * `flat` (Fineract's flat interest): the total interest is the original principal x the
    period rate x the number of periods, rounded once (half-even); it is spread over the
    instalments (evenly for regular periods, by days for harvest periods), each share rounded
    half-even with the residue in the last. The principal is an equal share of the amount lent
    over the instalments after grace, rounded on its own (half-even), with the residue in the
    last; with `round_instalment_to` coarser than the minor unit, the instalment (principal +
    interest) is rounded to it and the principal adjusted. A share is never more than what is
    left to spread, so that no instalment carries negative interest in degenerate loans.
  * `equal_principal`: an equal share of the principal, rounded to `round_instalment_to`,
    plus interest on the balance.
- The last instalment takes the remaining balance, so the rounding residue lands there.
  A principal portion is never negative and never more than the balance: where the rounding
  unit is coarse next to the instalment (a few cents lent over years) the loan can be
  repaid early, and the instalments after that are zero.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from funds.lending import HARVEST, MONTHS_PER_PERIOD, RepaymentFrequency, ScheduleMethod, add_months

METHODS = tuple(ScheduleMethod.values)
FREQUENCIES = tuple(RepaymentFrequency.values)

# ISO 4217 exponents of the currencies of CLAC's countries, plus EUR. Unknown codes get 2.
# The annuity factor is irrational in general; 50 digits keep its error far below a minor unit.
WORKING_PRECISION = 50


def days_30e_360(start: date, end: date) -> int:
    return (
        360 * (end.year - start.year)
        + 30 * (end.month - start.month)
        + min(end.day, 30)
        - min(start.day, 30)
    )


@dataclass(frozen=True, kw_only=True)
class ScheduleTerms:
    principal: Decimal
    annual_rate_percent: Decimal
    instalments: int
    frequency: str
    method: str = "declining_balance"
    grace_on_principal: int = 0
    disbursed_on: date
    minor_unit: Decimal
    round_instalment_to: Decimal | None = None  # None: the minor unit
    harvest_dates: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        # A list from a form or serializer would make the frozen terms mutable and unhashable.
        object.__setattr__(self, "harvest_dates", tuple(self.harvest_dates))
        for name in ("principal", "annual_rate_percent", "minor_unit", "round_instalment_to"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, Decimal) and value.is_finite()):
                raise TypeError(f"{name} must be a finite Decimal, got {value!r}")
        minor, count, grace = self.minor_unit, self.instalments, self.grace_on_principal
        # Written exactly as 1, 0.1, 0.01...: its exponent becomes that of every amount.
        sign, digits, exponent = minor.as_tuple()
        if (sign, digits) != (0, (1,)) or exponent > 0:
            raise ValueError(f"minor_unit must be 1, 0.1, 0.01, 0.001..., got {minor}")
        if self.principal <= 0:
            raise ValueError(f"principal must be positive, got {self.principal}")
        if self.principal % minor:
            raise ValueError(f"principal {self.principal} is not a whole number of {minor}")
        if self.annual_rate_percent < 0:
            raise ValueError(
                f"annual_rate_percent must not be negative, got {self.annual_rate_percent}"
            )
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"instalments must be a positive integer, got {count!r}")
        if not 0 <= grace < count:
            raise ValueError(f"grace_on_principal must be from 0 to instalments - 1, got {grace}")
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; expected one of {METHODS}")
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency {self.frequency!r}; expected one of {FREQUENCIES}")
        unit = self.round_instalment_to
        if unit is not None and (unit <= 0 or unit % minor):
            raise ValueError(
                f"round_instalment_to must be a positive multiple of {minor}, got {unit}"
            )
        self._check_harvest_dates()

    def _check_harvest_dates(self) -> None:
        if self.frequency != HARVEST:
            if self.harvest_dates:
                raise ValueError(f"harvest_dates are only for the {HARVEST!r} frequency")
            return
        if len(self.harvest_dates) != self.instalments:
            raise ValueError(
                f"{self.instalments} instalments need {self.instalments} harvest dates, "
                f"got {len(self.harvest_dates)}"
            )
        previous = self.disbursed_on
        for due in self.harvest_dates:
            if due <= previous:
                raise ValueError(
                    "harvest dates must fall after the disbursement and after each other: "
                    f"{due} is not after {previous}"
                )
            previous = due


@dataclass(frozen=True)
class Instalment:
    n: int
    due_date: date
    principal: Decimal
    interest: Decimal
    balance: Decimal  # principal still owed once this instalment is paid

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


@dataclass(frozen=True)
class Schedule:
    terms: ScheduleTerms
    rows: tuple[Instalment, ...]

    def __iter__(self) -> Iterator[Instalment]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def total_principal(self) -> Decimal:
        return sum((row.principal for row in self.rows), Decimal(0))

    @property
    def total_interest(self) -> Decimal:
        return sum((row.interest for row in self.rows), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.total_principal + self.total_interest


def build_schedule(terms: ScheduleTerms) -> Schedule:
    minor = terms.minor_unit
    unit = terms.round_instalment_to or minor
    due_dates = _due_dates(terms)
    period_days = _period_days(terms, due_dates)
    loan = terms.principal.quantize(minor)  # "100" becomes "100.00"
    with localcontext(prec=WORKING_PRECISION):
        share = loan / (terms.instalments - terms.grace_on_principal)

    def interest_on(amount: Decimal, days: int) -> Decimal:
        # One division, last, so that an exact tie stays exact and rounds half-even.
        with localcontext(prec=WORKING_PRECISION):
            interest = amount * terms.annual_rate_percent * days / 36000
            return interest.quantize(minor, ROUND_HALF_EVEN)

    if terms.method == "declining_balance":
        amortising_days = period_days[terms.grace_on_principal :]
        instalment = _round_to_multiple(
            _annuity(loan, terms.annual_rate_percent, amortising_days), unit
        )

        def principal_due(interest: Decimal) -> Decimal:
            return instalment - interest

    elif terms.method == "flat":
        flat_interest = _flat_interest(loan, terms.annual_rate_percent, period_days, minor)
        rounded_share = share.quantize(minor, ROUND_HALF_EVEN)

        def principal_due(interest: Decimal) -> Decimal:
            return _round_to_multiple(rounded_share + interest, unit) - interest

    else:
        rounded_share = _round_to_multiple(share, unit)

        def principal_due(interest: Decimal) -> Decimal:
            return rounded_share

    rows = []
    balance = loan
    for n, (due, days) in enumerate(zip(due_dates, period_days, strict=True), start=1):
        interest = flat_interest[n - 1] if terms.method == "flat" else interest_on(balance, days)
        if n <= terms.grace_on_principal:
            principal = Decimal(0)
        elif n == terms.instalments:
            principal = balance
        else:
            principal = min(max(principal_due(interest), Decimal(0)), balance)
        balance -= principal
        rows.append(
            Instalment(n, due, principal.quantize(minor), interest, balance.quantize(minor))
        )
    return Schedule(terms, tuple(rows))


def _flat_interest(
    principal: Decimal, annual_rate_percent: Decimal, period_days: list[int], minor: Decimal
) -> list[Decimal]:
    """Each instalment's flat interest: the total, rounded once, spread by days with the residue last."""
    total_days = sum(period_days)
    with localcontext(prec=WORKING_PRECISION):
        total = (principal * annual_rate_percent * total_days / 36000).quantize(minor, ROUND_HALF_EVEN)
        shares, spread = [], Decimal(0)
        for days in period_days[:-1]:
            part = (total * days / total_days).quantize(minor, ROUND_HALF_EVEN)
            part = min(part, total - spread)
            shares.append(part)
            spread += part
    return [*shares, total - spread]


def _due_dates(terms: ScheduleTerms) -> list[date]:
    if terms.frequency == HARVEST:
        return list(terms.harvest_dates)
    # Count from the disbursement each time, so a 31st stays the 31st after a short month.
    months = MONTHS_PER_PERIOD[terms.frequency]
    return [add_months(terms.disbursed_on, n * months) for n in range(1, terms.instalments + 1)]


def _period_days(terms: ScheduleTerms, due_dates: list[date]) -> list[int]:
    if terms.frequency != HARVEST:
        return [30 * MONTHS_PER_PERIOD[terms.frequency]] * terms.instalments
    starts = [terms.disbursed_on, *due_dates[:-1]]
    return [days_30e_360(start, end) for start, end in zip(starts, due_dates, strict=True)]


def _annuity(principal: Decimal, annual_rate_percent: Decimal, period_days: list[int]) -> Decimal:
    """The exact equal instalment that repays `principal` over periods of `period_days`.

    Summing discount factors period by period handles irregular harvest periods too; for equal
    periods it is the textbook P * r / (1 - (1 + r) ** -n).
    """
    with localcontext(prec=WORKING_PRECISION):
        discount, discount_sum = Decimal(1), Decimal(0)
        for days in period_days:
            discount /= 1 + annual_rate_percent * days / 36000
            discount_sum += discount
        return principal / discount_sum


def _round_to_multiple(amount: Decimal, unit: Decimal) -> Decimal:
    with localcontext(prec=WORKING_PRECISION):
        return (amount / unit).quantize(Decimal(1), ROUND_HALF_EVEN) * unit
