"""The schedule engine against an independent reference written here from Apache Fineract's rules.

The reference shares no code with `disbursements.amortization`: it works in exact fractions
(`fractions.Fraction`) instead of 50-digit decimals, computes the equal instalment in closed form
for regular periods, and follows Fineract's loan schedule rules as its documentation and
`LoanApplicationTerms` state them:

- period rate = annual rate x days in the period / 360 (30/360; harvest periods in 30E/360 days);
- declining balance, equal instalments: EMI = P r / (1 - (1 + r)^-n) over the instalments after
  grace (a product of discount factors for irregular periods), rounded half-even to the instalment
  unit; interest = balance x period rate, rounded half-even; principal = EMI - interest;
- equal principal: principal = P / (n - grace) rounded to the instalment unit, interest on the
  balance;
- flat: total interest = P x period rate x n, rounded once; each instalment's share rounded
  half-even, the residue in the last; principal = P / (n - grace) rounded on its own, the
  instalment rounded to the instalment unit;
- grace on principal: interest only; the last instalment takes what is left of the principal;
  a principal portion is never negative nor more than the balance.

Every random loan's whole schedule (due dates, principal, interest, balance) must agree to the
minor unit. ``FONDOS_REFERENCE_LOANS`` sets how many loans are drawn per method (default 700, i.e.
2,100 loans).
"""

from __future__ import annotations

import calendar
import os
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disbursements.amortization import ScheduleTerms, build_schedule

LOANS_PER_METHOD = int(os.environ.get("FONDOS_REFERENCE_LOANS", "700"))
MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6}
UNITS = {"USD": Fraction(1, 100), "HNL": Fraction(1, 100), "PYG": Fraction(1), "CLP": Fraction(1)}
COMPARED = {"loans": 0, "mismatches": 0}


def round_to(value: Fraction, unit: Fraction) -> Fraction:
    # Python rounds a Fraction half to even.
    return round(value / unit) * unit


def months_later(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def days_between(start: date, end: date) -> int:
    d1, d2 = min(start.day, 30), min(end.day, 30)
    return (end.year - start.year) * 360 + (end.month - start.month) * 30 + d2 - d1


def reference_schedule(
    *, principal, rate, n, frequency, method, grace, start, minor, unit, harvest_dates
) -> list[tuple]:
    if frequency == "harvest":
        dues = list(harvest_dates)
        starts = [start, *dues[:-1]]
        days = [days_between(a, b) for a, b in zip(starts, dues, strict=True)]
    else:
        dues = [months_later(start, k * MONTHS[frequency]) for k in range(1, n + 1)]
        days = [30 * MONTHS[frequency]] * n
    period_rate = [rate * d / 36000 for d in days]
    amortising = n - grace

    if method == "declining_balance":
        rates = period_rate[grace:]
        if len(set(rates)) == 1 and rates[0] != 0:
            r = rates[0]
            emi = principal * r / (1 - (1 + r) ** -amortising)
        else:
            factor, factors = Fraction(1), Fraction(0)
            for r in rates:
                factor /= 1 + r
                factors += factor
            emi = principal / factors
        emi = round_to(emi, unit)
    if method == "flat":
        total_interest = round_to(principal * rate * sum(days) / 36000, minor)
        flat, spread = [], Fraction(0)
        for d in days[:-1]:
            share = min(round_to(total_interest * d / sum(days), minor), total_interest - spread)
            flat.append(share)
            spread += share
        flat.append(total_interest - spread)
    principal_share = round_to(principal / amortising, minor if method == "flat" else unit)

    rows, balance = [], principal
    for k in range(n):
        interest = flat[k] if method == "flat" else round_to(balance * period_rate[k], minor)
        if k < grace:
            part = Fraction(0)
        elif k == n - 1:
            part = balance
        else:
            if method == "declining_balance":
                part = emi - interest
            elif method == "flat":
                part = round_to(principal_share + interest, unit) - interest
            else:
                part = principal_share
            part = min(max(part, Fraction(0)), balance)
        balance -= part
        rows.append((dues[k], part, interest, balance))
    return rows


@st.composite
def loans(draw, method: str):
    currency = draw(st.sampled_from(sorted(UNITS)))
    minor = UNITS[currency]
    # Mostly the youth fund's sizes, sometimes a few cents or a million.
    units = draw(
        st.one_of(st.integers(1, 10**8), st.integers(10_000, 500_000))
        if minor < 1
        else st.integers(1, 10**7)
    )
    frequency = draw(st.sampled_from(["monthly", "quarterly", "half_yearly", "harvest"]))
    n = draw(st.integers(1, 60 // MONTHS.get(frequency, 1)))
    start = draw(st.dates(date(2020, 1, 1), date(2035, 12, 31)))
    harvest_dates: tuple = ()
    if frequency == "harvest":
        gaps = draw(st.lists(st.integers(1, 400), min_size=n, max_size=n))
        due = start
        for gap in gaps:
            due += timedelta(days=gap)
            harvest_dates += (due,)
    return {
        "principal": Fraction(units) * minor,
        "rate": Fraction(draw(st.decimals(0, 36, places=4))),
        "n": n,
        "frequency": frequency,
        "method": method,
        "grace": draw(st.integers(0, n - 1)),
        "start": start,
        "minor": minor,
        "unit": minor * draw(st.sampled_from([1, 1, 100])),
        "harvest_dates": harvest_dates,
    }


def decimal(value: Fraction, minor: Fraction) -> Decimal:
    exponent = Decimal(minor.numerator) / Decimal(minor.denominator)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(exponent)


def engine_schedule(loan) -> list[tuple]:
    minor = decimal(loan["minor"], loan["minor"])
    schedule = build_schedule(
        ScheduleTerms(
            principal=decimal(loan["principal"], loan["minor"]),
            annual_rate_percent=Decimal(loan["rate"].numerator) / Decimal(loan["rate"].denominator),
            instalments=loan["n"],
            frequency=loan["frequency"],
            method=loan["method"],
            grace_on_principal=loan["grace"],
            disbursed_on=loan["start"],
            minor_unit=minor,
            round_instalment_to=decimal(loan["unit"], loan["minor"]),
            harvest_dates=loan["harvest_dates"],
        )
    )
    return [(row.due_date, row.principal, row.interest, row.balance) for row in schedule]


def check_against_reference(loan) -> None:
    expected = [
        (due, *(decimal(amount, loan["minor"]) for amount in amounts))
        for due, *amounts in reference_schedule(**loan)
    ]
    COMPARED["loans"] += 1
    got = engine_schedule(loan)
    if got != expected:
        COMPARED["mismatches"] += 1
    assert got == expected


SETTINGS = settings(
    max_examples=LOANS_PER_METHOD,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@SETTINGS
@given(loans("declining_balance"))
def test_declining_balance_agrees_with_the_reference(loan):
    check_against_reference(loan)


@SETTINGS
@given(loans("flat"))
def test_flat_agrees_with_the_reference(loan):
    check_against_reference(loan)


@SETTINGS
@given(loans("equal_principal"))
def test_equal_principal_agrees_with_the_reference(loan):
    check_against_reference(loan)


def test_the_reference_reproduces_the_published_flat_example():
    # Fineract's flat example (shared/oracles/flat.json, first case): 4.6516 rounds once to 4.65.
    rows = reference_schedule(
        principal=Fraction("2847.90"), rate=Fraction("0.98"), n=2, frequency="monthly",
        method="flat", grace=0, start=date(2026, 1, 15), minor=Fraction(1, 100),
        unit=Fraction(1, 100), harvest_dates=(),
    )
    assert [(str(decimal(r[2], Fraction(1, 100))), str(decimal(r[1], Fraction(1, 100)))) for r in rows] == [
        ("2.32", "1423.95"),
        ("2.33", "1423.95"),
    ]


def teardown_module(module):
    loans, mismatches = COMPARED["loans"], COMPARED["mismatches"]
    print(f"\nFineract reference: {loans} random loans compared, {mismatches} mismatches")
