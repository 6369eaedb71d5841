import json
import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.money import minor_unit
from disbursements.amortization import (
    FREQUENCIES,
    HARVEST,
    METHODS,
    MONTHS_PER_PERIOD,
    Schedule,
    ScheduleTerms,
    add_months,
    build_schedule,
    days_30e_360,
)

CENT = Decimal("0.01")
SHARED_DIR = Path(
    os.environ.get("FONDOS_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared"
)
ORACLE = json.loads((SHARED_DIR / "oracles" / "amortization.json").read_text())["schedules"]
ORACLE_METHODS = {"declining_balance_equal_installments": "declining_balance"}
FLAT_ORACLE = json.loads((SHARED_DIR / "oracles" / "flat.json").read_text())["schedules"]


def terms(**overrides) -> ScheduleTerms:
    defaults = {
        "principal": Decimal("1200.00"),
        "annual_rate_percent": Decimal("6"),
        "instalments": 12,
        "frequency": "monthly",
        "disbursed_on": date(2024, 1, 15),
        "minor_unit": CENT,
    }
    return ScheduleTerms(**(defaults | overrides))


def as_strings(schedule: Schedule) -> list[tuple[str, ...]]:
    return [(str(r.principal), str(r.interest), str(r.total), str(r.balance)) for r in schedule]


# Published Fineract schedules, to the cent.


@pytest.mark.parametrize("oracle", ORACLE, ids=[case["name"] for case in ORACLE])
def test_matches_fineract_schedule(oracle):
    first_due = date.fromisoformat(oracle["first_due"])
    schedule = build_schedule(
        ScheduleTerms(
            principal=Decimal(oracle["principal"]),
            annual_rate_percent=Decimal(oracle["annual_rate_percent"]),
            instalments=oracle["installments"],
            frequency=oracle["frequency"],
            method=ORACLE_METHODS.get(oracle["method"], oracle["method"]),
            grace_on_principal=oracle["grace_on_principal"],
            disbursed_on=add_months(first_due, -1),
            minor_unit=CENT,
            round_instalment_to=Decimal(oracle["round_installment_to"]),
        )
    )

    assert len(schedule) == oracle["installments"]
    assert schedule.rows[0].due_date == first_due
    for expected in oracle.get("rows") or oracle["rows_checked"]:
        row = schedule.rows[expected["n"] - 1]
        assert {
            "n": row.n,
            "interest": str(row.interest),
            "principal": str(row.principal),
            "total": str(row.total),
            "balance": str(row.balance),
        } == expected
    assert str(schedule.total_interest) == oracle["total_interest"]
    assert schedule.total_principal == Decimal(oracle["principal"])


@pytest.mark.parametrize("oracle", FLAT_ORACLE, ids=[case["name"] for case in FLAT_ORACLE])
def test_flat_interest_matches_fineract_to_the_cent(oracle):
    # Total interest rounded once and spread evenly, the residue last; principal shares likewise.
    schedule = build_schedule(
        ScheduleTerms(
            principal=Decimal(oracle["principal"]),
            annual_rate_percent=Decimal(oracle["annual_rate_percent"]),
            instalments=oracle["installments"],
            frequency=oracle["frequency"],
            method=oracle["method"],
            grace_on_principal=oracle["grace_on_principal_periods"],
            disbursed_on=date.fromisoformat(oracle["start"]),
            minor_unit=CENT,
            round_instalment_to=Decimal(oracle["round_installment_to"]),
        )
    )

    assert [
        {
            "n": row.n,
            "due": row.due_date.isoformat(),
            "interest": str(row.interest),
            "principal": str(row.principal),
            "total": str(row.total),
            "balance": str(row.balance),
        }
        for row in schedule
    ] == oracle["rows"]
    assert str(schedule.total_interest) == oracle["total_interest"]


# Properties over random terms.


@st.composite
def random_terms(
    draw, methods=METHODS, min_minor_units=1, max_months=None, round_coarser=True
) -> ScheduleTerms:
    currency = draw(st.sampled_from(["USD", "HNL", "PYG", "CLP"]))
    unit = minor_unit(currency)
    # 0.01 to 1,000,000.00 in a two-decimal currency; 1 to 1,000,000 in a zero-decimal one.
    principal = draw(st.integers(min_minor_units, int(Decimal(1_000_000) / unit))) * unit
    frequency = draw(st.sampled_from(FREQUENCIES))
    if max_months is None:
        instalments = draw(st.integers(1, 60))
    else:
        # Harvest dates come at most 180 days apart here, i.e. up to 6 months.
        instalments = draw(st.integers(1, max_months // MONTHS_PER_PERIOD.get(frequency, 6)))
    disbursed_on = draw(st.dates(date(2020, 1, 1), date(2035, 12, 31)))
    harvest_dates: tuple[date, ...] = ()
    if frequency == HARVEST:
        longest_gap = 400 if max_months is None else 180
        gaps = draw(
            st.lists(st.integers(1, longest_gap), min_size=instalments, max_size=instalments)
        )
        due = disbursed_on
        for gap in gaps:
            due += timedelta(days=gap)
            harvest_dates += (due,)
    roundings = [None, unit, unit * 100] if round_coarser else [None]
    return ScheduleTerms(
        principal=principal,
        annual_rate_percent=draw(st.decimals(0, 36, places=4)),
        instalments=instalments,
        frequency=frequency,
        method=draw(st.sampled_from(methods)),
        grace_on_principal=draw(st.integers(0, instalments - 1)),
        disbursed_on=disbursed_on,
        minor_unit=unit,
        round_instalment_to=draw(st.sampled_from(roundings)),
        harvest_dates=harvest_dates,
    )


def is_quantised(amount: Decimal, unit: Decimal) -> bool:
    return amount.as_tuple().exponent == unit.as_tuple().exponent


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_terms())
def test_schedule_invariants(loan: ScheduleTerms):
    schedule = build_schedule(loan)
    rows = schedule.rows

    assert [row.n for row in rows] == list(range(1, loan.instalments + 1))
    assert schedule.total_principal == loan.principal
    assert rows[-1].balance == 0
    balance = loan.principal
    for row in rows:
        balance -= row.principal
        assert row.balance == balance >= 0
        assert row.principal >= 0 and row.interest >= 0
        for amount in (row.principal, row.interest, row.total, row.balance):
            assert is_quantised(amount, loan.minor_unit)
    assert all(row.principal == 0 for row in rows[: loan.grace_on_principal])
    assert [row.due_date for row in rows] == sorted({row.due_date for row in rows})
    assert rows[0].due_date > loan.disbursed_on


@settings(max_examples=400, deadline=None)
@given(random_terms(methods=("declining_balance",)))
def test_declining_balance_instalments_are_equal_until_the_loan_is_repaid(loan: ScheduleTerms):
    # Only a principal capped at zero (interest-only) or at the balance (repaid early) may break
    # the equal instalment: both happen when the rounding unit is coarse next to the instalment.
    rows = build_schedule(loan).rows[loan.grace_on_principal : -1]
    uncapped = {row.total for row in rows if row.principal > 0 and row.balance > 0}
    assert len(uncapped) <= 1


@settings(max_examples=400, deadline=None)
@given(random_terms(min_minor_units=10_000, max_months=60, round_coarser=False))
def test_realistic_loans_have_equal_instalments_and_no_capped_principal(loan: ScheduleTerms):
    rows = build_schedule(loan).rows
    amortising = rows[loan.grace_on_principal : -1]
    assert all(row.principal > 0 and row.balance > 0 for row in amortising)
    assert rows[-1].principal > 0
    if loan.method == "declining_balance":
        assert len({row.total for row in amortising}) <= 1
    if loan.method == "equal_principal":
        assert len({row.principal for row in amortising}) <= 1


# Edge cases.


@pytest.mark.parametrize("method", METHODS)
def test_zero_rate_repays_the_principal_in_equal_parts_with_the_residue_last(method):
    schedule = build_schedule(
        terms(
            principal=Decimal("1000.00"),
            annual_rate_percent=Decimal(0),
            instalments=3,
            method=method,
        )
    )

    assert as_strings(schedule) == [
        ("333.33", "0.00", "333.33", "666.67"),
        ("333.33", "0.00", "333.33", "333.34"),
        ("333.34", "0.00", "333.34", "0.00"),
    ]


@pytest.mark.parametrize("method", METHODS)
def test_a_single_instalment_repays_everything_one_period_after_disbursement(method):
    schedule = build_schedule(terms(instalments=1, frequency="quarterly", method=method))

    assert as_strings(schedule) == [("1200.00", "18.00", "1218.00", "0.00")]
    assert schedule.rows[0].due_date == date(2024, 4, 15)


def test_zero_decimal_currency_rounds_to_whole_units():
    # 10,000,000 PYG at 6% a year over 12 months: the annuity is 860,664.297..., rounded to 860,664.
    schedule = build_schedule(
        terms(principal=Decimal("10000000"), instalments=12, minor_unit=minor_unit("PYG"))
    )

    rows = as_strings(schedule)
    assert rows[0] == ("810664", "50000", "860664", "9189336")
    assert all(row.total == 860664 for row in schedule.rows[:-1])
    assert rows[-1] == ("856387", "4282", "860669", "0")


@pytest.mark.parametrize(("principal", "interest"), [("1818.00", "1.52"), ("1830.00", "1.52")])
def test_interest_ties_round_half_even(principal, interest):
    # At 1% a year a month's interest is 1.515 and 1.525: exact ties, although 1%/12 is not
    # a finite decimal.
    loan = terms(principal=Decimal(principal), annual_rate_percent=Decimal(1))

    assert build_schedule(loan).rows[0].interest == Decimal(interest)


def test_instalment_ties_round_half_even():
    # 1,000.10 over 4 is 250.025 a month.
    loan = terms(principal=Decimal("1000.10"), annual_rate_percent=Decimal(0), instalments=4)

    assert [str(row.total) for row in build_schedule(loan)] == [
        "250.02",
        "250.02",
        "250.02",
        "250.04",
    ]


def test_harvest_interest_counts_30e_360_days_since_the_previous_date():
    harvests = (date(2024, 4, 15), date(2024, 10, 31), date(2025, 3, 31))
    schedule = build_schedule(
        terms(frequency=HARVEST, instalments=3, method="flat", harvest_dates=harvests)
    )

    # 90, 195 and 150 days on 1200.00 at 6% a year.
    assert as_strings(schedule) == [
        ("400.00", "18.00", "418.00", "800.00"),
        ("400.00", "39.00", "439.00", "400.00"),
        ("400.00", "30.00", "430.00", "0.00"),
    ]
    assert [row.due_date for row in schedule] == list(harvests)


def test_harvest_declining_balance_keeps_equal_instalments_over_irregular_periods():
    harvests = [date(2024, 3, 1), date(2024, 9, 20), date(2025, 2, 10), date(2025, 8, 30)]
    schedule = build_schedule(terms(frequency=HARVEST, instalments=4, harvest_dates=harvests))

    assert schedule.rows[0].interest == Decimal("9.20")  # 46 days on 1200.00 at 6%
    assert len({row.total for row in schedule.rows[:-1]}) == 1
    assert abs(schedule.rows[-1].total - schedule.rows[0].total) <= CENT
    assert schedule.terms.harvest_dates == tuple(harvests)


@pytest.mark.parametrize("method", METHODS)
def test_monthly_harvest_dates_give_the_monthly_schedule(method):
    monthly = terms(method=method, grace_on_principal=2)
    harvest = terms(
        method=method,
        grace_on_principal=2,
        frequency=HARVEST,
        harvest_dates=tuple(add_months(date(2024, 1, 15), n) for n in range(1, 13)),
    )

    assert build_schedule(harvest).rows == build_schedule(monthly).rows


def test_grace_periods_pay_interest_only_and_count_towards_the_instalments():
    schedule = build_schedule(terms(method="equal_principal", instalments=6, grace_on_principal=2))

    assert as_strings(schedule) == [
        ("0.00", "6.00", "6.00", "1200.00"),
        ("0.00", "6.00", "6.00", "1200.00"),
        ("300.00", "6.00", "306.00", "900.00"),
        ("300.00", "4.50", "304.50", "600.00"),
        ("300.00", "3.00", "303.00", "300.00"),
        ("300.00", "1.50", "301.50", "0.00"),
    ]


def test_a_coarse_rounding_unit_can_repay_a_small_loan_early():
    small_loan = terms(
        principal=Decimal("10.00"),
        annual_rate_percent=Decimal(0),
        instalments=18,
        round_instalment_to=Decimal(1),
    )
    schedule = build_schedule(small_loan)

    assert [row.principal for row in schedule] == [Decimal("1.00")] * 10 + [Decimal("0.00")] * 8
    assert schedule.rows[9].balance == 0


@pytest.mark.parametrize(
    ("frequency", "disbursed_on", "expected"),
    [
        ("monthly", date(2024, 1, 31), [date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]),
        (
            "quarterly",
            date(2023, 11, 30),
            [date(2024, 2, 29), date(2024, 5, 30), date(2024, 8, 30)],
        ),
        (
            "half_yearly",
            date(2024, 8, 31),
            [date(2025, 2, 28), date(2025, 8, 31), date(2026, 2, 28)],
        ),
    ],
)
def test_due_dates_follow_calendar_months_from_the_disbursement(frequency, disbursed_on, expected):
    schedule = build_schedule(terms(frequency=frequency, instalments=3, disbursed_on=disbursed_on))

    assert [row.due_date for row in schedule] == expected


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2024, 1, 15), date(2024, 2, 15), 30),
        (date(2024, 1, 31), date(2024, 3, 31), 60),
        (date(2024, 1, 31), date(2024, 2, 29), 29),
        (date(2023, 12, 1), date(2024, 12, 1), 360),
    ],
)
def test_days_30e_360(start, end, days):
    assert days_30e_360(start, end) == days


@pytest.mark.parametrize(
    ("currency", "unit"),
    [
        ("USD", "0.01"),
        ("HNL", "0.01"),
        ("PYG", "1"),
        ("CLP", "1"),
        ("pyg", "1"),
        ("CLF", "0.0001"),
        ("XYZ", "0.01"),
    ],
)
def test_minor_unit(currency, unit):
    assert str(minor_unit(currency)) == unit


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"principal": Decimal("0")}, "principal must be positive"),
        ({"principal": Decimal("-5.00")}, "principal must be positive"),
        ({"principal": Decimal("10.005")}, "not a whole number of 0.01"),
        ({"annual_rate_percent": Decimal("-1")}, "must not be negative"),
        ({"instalments": 0}, "instalments must be a positive integer"),
        ({"grace_on_principal": 12}, "grace_on_principal must be from 0 to instalments - 1"),
        ({"grace_on_principal": -1}, "grace_on_principal must be from 0 to instalments - 1"),
        ({"method": "balloon"}, "unknown method 'balloon'"),
        ({"frequency": "weekly"}, "unknown frequency 'weekly'"),
        ({"minor_unit": Decimal("0.05")}, "minor_unit must be 1, 0.1, 0.01"),
        ({"minor_unit": Decimal("0.010")}, "minor_unit must be 1, 0.1, 0.01"),
        ({"minor_unit": Decimal("10")}, "minor_unit must be 1, 0.1, 0.01"),
        (
            {"round_instalment_to": Decimal("0.001")},
            "round_instalment_to must be a positive multiple of 0.01",
        ),
        (
            {"harvest_dates": (date(2024, 6, 1),)},
            "harvest_dates are only for the 'harvest' frequency",
        ),
        (
            {"frequency": HARVEST, "instalments": 2, "harvest_dates": (date(2024, 6, 1),)},
            "2 instalments need 2 harvest dates",
        ),
        (
            {
                "frequency": HARVEST,
                "instalments": 2,
                "harvest_dates": (date(2024, 6, 1), date(2024, 6, 1)),
            },
            "2024-06-01 is not after 2024-06-01",
        ),
        (
            {"frequency": HARVEST, "instalments": 1, "harvest_dates": (date(2024, 1, 15),)},
            "2024-01-15 is not after",
        ),
    ],
)
def test_invalid_terms_are_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        terms(**overrides)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"principal": 1200.0}, "principal must be a finite Decimal, got 1200.0"),
        ({"annual_rate_percent": 6}, "annual_rate_percent must be a finite Decimal, got 6"),
        ({"principal": Decimal("NaN")}, "principal must be a finite Decimal"),
    ],
)
def test_floats_and_non_finite_amounts_are_refused(overrides, message):
    with pytest.raises(TypeError, match=message):
        terms(**overrides)
