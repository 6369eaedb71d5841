"""Each fund's rules at and around their boundaries."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import Money
from funds.models import Fund, FundCode, FundParameters
from funds.rules import rules_for
from funds.rules.base import AssessmentContext
from funds.rules.catastrophic_events import Loss, baseline_production
from funds.rules.youth_revolving import age_on
from organizations.choices import Grade
from tests.factories import OrganizationFactory
from tests.workflow import valid_fields

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 21)


def ctx(code, organization=None, available="1000000.00", on=TODAY, **params):
    rules = rules_for(code)
    return AssessmentContext(
        organization=organization or OrganizationFactory(grade=Grade.FIRST),
        parameters=rules.parse_parameters(params),
        on=on, currency="USD", available=Money(Decimal(available), "USD"),
    )


# ------------------------------------------------------------------ catastrophic events


def catastrophic(actual, seasons=("1000", "1000", "1000"), price="100.00"):
    data = valid_fields("catastrophic-events", TODAY)
    data["season_productions"] = [{"season": str(2020 + i), "volume": v} for i, v in enumerate(seasons)]
    data["affected_season_volume"] = str(actual)
    data["reference_price"] = price
    return data


@pytest.mark.parametrize(("actual", "eligible", "loss_percent"), [
    ("700", False, "30.00"),      # exactly 30%: not eligible
    ("699.999", True, "30.00"),   # a hair over 30% rounds to 30.00 for display but is eligible
    ("699", True, "30.10"),
    ("701", False, "29.90"),
    ("0", True, "100.00"),
    ("1200", False, "0.00"),      # a bigger harvest is no loss
])
def test_catastrophic_loss_threshold_is_strictly_more_than_30_percent(actual, eligible, loss_percent):
    assessment = rules_for("catastrophic-events").assess(catastrophic(actual), ctx("catastrophic-events"))
    assert assessment.eligible is eligible
    data = assessment.as_json()
    assert data["loss_percent"] == loss_percent
    assert data["baseline"] == "1000.000"
    assert data["eligible"] is eligible


def test_catastrophic_compensation_is_rate_times_lost_volume_times_price_capped():
    rules = rules_for("catastrophic-events")
    # baseline 1000, actual 600: 400 lost × 100.00 × 30% = 12,000.00
    assessment = rules.assess(catastrophic("600"), ctx("catastrophic-events"))
    assert assessment.max_award == Money(Decimal("12000.00"), "USD")
    # capped per organisation at 20,000
    assessment = rules.assess(catastrophic("0", price="100.00"), ctx("catastrophic-events"))
    assert assessment.max_award == Money(Decimal("20000.00"), "USD")
    # and by what the fund has available
    assessment = rules.assess(catastrophic("600"), ctx("catastrophic-events", available="5000.00"))
    assert assessment.max_award == Money(Decimal("5000.00"), "USD")


def test_catastrophic_baseline_drops_highest_and_lowest_from_five_seasons():
    volumes = [Decimal(v) for v in ("100", "900", "1000", "1100", "5000")]
    assert baseline_production(volumes) == Decimal("1000")
    assert baseline_production([Decimal(v) for v in ("100", "900", "1000", "1100")]) == Decimal("775")
    assert baseline_production([Decimal(v) for v in ("1", "2", "4")]) == Decimal(7) / 3
    with pytest.raises(ValueError):
        baseline_production([Decimal(1), Decimal(2)])


@pytest.mark.parametrize(("actual", "eligible"), [
    ("233.333333", True),     # a millionth under 70% of 333.333...: the loss is just over 30%
    ("233.333334", False),    # a millionth over: just under 30%
])
def test_catastrophic_exactness_with_a_repeating_baseline(actual, eligible):
    seasons = ("333", "333", "334")  # baseline 1000/3 = 333.333...
    assessment = rules_for("catastrophic-events").assess(
        catastrophic(actual, seasons=seasons), ctx("catastrophic-events")
    )
    assert assessment.eligible is eligible
    assert assessment.as_json()["loss_percent"] == "30.00"


@given(
    baseline=st.decimals(min_value=1, max_value=10**7, places=3),
    percent=st.decimals(min_value=0, max_value=100, places=2),
)
def test_loss_is_eligible_exactly_when_percent_exceeds_threshold(baseline, percent):
    actual = baseline * (1 - percent / 100)
    loss = Loss(baseline=baseline, actual=actual, threshold_percent=Decimal(30))
    assert loss.exceeds_threshold == (percent > 30)


def test_catastrophic_refuses_fewer_than_three_or_more_than_five_seasons():
    serializer = rules_for("catastrophic-events").fields_serializer
    data = catastrophic("600", seasons=("1000", "1000"))
    s = serializer(data=data)
    assert not s.is_valid()
    assert "season_productions" in s.errors
    data = catastrophic("600", seasons=("1", "2", "3", "4", "5", "6"))
    s = serializer(data=data)
    assert not s.is_valid()
    assert "season_productions" in s.errors


# ------------------------------------------------------------------ youth revolving


def youth(birth_dates, **overrides):
    data = valid_fields("youth-revolving", TODAY)
    data["members"] = [{"name": f"M{i}", "birth_date": d.isoformat(), "gender": "female"}
                       for i, d in enumerate(birth_dates)]
    data.update(overrides)
    return data


def born_aged(years, days_after_birthday=0):
    return TODAY.replace(year=TODAY.year - years) - datetime.timedelta(days=days_after_birthday)


@pytest.mark.parametrize(("ages", "eligible"), [
    ((18, 25, 35), True),
    ((17, 25, 30), False),
    ((36, 25, 30), False),
    ((35, 35, 35), True),
    ((18, 18, 18), True),
])
def test_youth_members_aged_18_to_35_inclusive_on_submission(ages, eligible):
    data = youth([born_aged(a) for a in ages])
    assessment = rules_for("youth-revolving").assess(data, ctx("youth-revolving"))
    assert assessment.eligible is eligible


def test_youth_age_boundaries_by_the_day():
    # 18 today is in; 18 tomorrow is 17 today: out. 36 tomorrow is 35 today: in; 36 today: out.
    tomorrow_18 = TODAY.replace(year=TODAY.year - 18) + datetime.timedelta(days=1)
    tomorrow_36 = TODAY.replace(year=TODAY.year - 36) + datetime.timedelta(days=1)
    assert age_on(tomorrow_18, TODAY) == 17
    assert age_on(tomorrow_36, TODAY) == 35
    assert age_on(TODAY.replace(year=TODAY.year - 36), TODAY) == 36
    assert age_on(datetime.date(2000, 2, 29), datetime.date(2018, 2, 28)) == 17
    assert age_on(datetime.date(2000, 2, 29), datetime.date(2018, 3, 1)) == 18


def test_youth_group_needs_three_members_and_limits():
    rules = rules_for("youth-revolving")
    assert not rules.assess(youth([born_aged(20)] * 2), ctx("youth-revolving")).eligible
    assert rules.assess(youth([born_aged(20)] * 3), ctx("youth-revolving")).eligible
    over = youth([born_aged(20)] * 3, requested_amount="5000.01")
    assert not rules.assess(over, ctx("youth-revolving")).eligible
    at_limit = youth([born_aged(20)] * 3, requested_amount="5000.00", term_months=36, grace_months=6)
    assessment = rules.assess(at_limit, ctx("youth-revolving"))
    assert assessment.eligible
    assert assessment.max_award == Money(Decimal("5000.00"), "USD")
    assert not rules.assess(youth([born_aged(20)] * 3, term_months=37), ctx("youth-revolving")).eligible
    assert not rules.assess(youth([born_aged(20)] * 3, grace_months=7), ctx("youth-revolving")).eligible


# ------------------------------------------------------------------ certification subsidy


@pytest.mark.parametrize(("grade", "expected"), [
    (Grade.FIRST, "3000.00"), (Grade.SECOND, "2000.00"), (Grade.THIRD, "2000.00"),
])
def test_certification_coverage_by_grade(grade, expected):
    organization = OrganizationFactory(grade=grade)
    data = valid_fields("certification-subsidy", TODAY)  # invoice 4000.00
    assessment = rules_for("certification-subsidy").assess(
        data, ctx("certification-subsidy", organization=organization)
    )
    assert assessment.max_award == Money(Decimal(expected), "USD")
    assert assessment.eligible


def test_certification_capped_per_application():
    organization = OrganizationFactory(grade=Grade.FIRST)
    data = {**valid_fields("certification-subsidy", TODAY), "invoice_amount": "20000.00"}
    assessment = rules_for("certification-subsidy").assess(
        data, ctx("certification-subsidy", organization=organization)
    )
    assert assessment.max_award == Money(Decimal("5000.00"), "USD")


def test_certification_invoice_in_another_currency_needs_a_rate():
    organization = OrganizationFactory(grade=Grade.FIRST)
    rules = rules_for("certification-subsidy")
    data = {**valid_fields("certification-subsidy", TODAY), "invoice_currency": "EUR"}
    assert not rules.assess(data, ctx("certification-subsidy", organization=organization)).eligible
    data["exchange_rate"] = "1.10"
    assessment = rules.assess(data, ctx("certification-subsidy", organization=organization))
    assert assessment.max_award == Money(Decimal("3300.00"), "USD")  # 4000 EUR × 1.10 × 75%


# ------------------------------------------------------------------ climate


def test_climate_needs_baseline_and_commitment_and_caps_award():
    rules = rules_for("climate-eventuality")
    data = valid_fields("climate-eventuality", TODAY)
    assert rules.assess(data, ctx("climate-eventuality")).max_award == Money(Decimal("8000.00"), "USD")
    assert not rules.assess({**data, "baseline": []}, ctx("climate-eventuality")).eligible
    over = {**data, "requested_amount": "15000.01"}
    assert not rules.assess(over, ctx("climate-eventuality")).eligible
    serializer = rules.fields_serializer(data={**data, "purpose": "reforestation"})
    assert not serializer.is_valid()
    assert "purpose" in serializer.errors


# ------------------------------------------------------------------ parameters


def test_parameters_are_versioned_and_validated():
    fund = Fund.objects.get(code="catastrophic-events")
    assert fund.parameters_on(TODAY).loss_threshold_percent == Decimal("30")
    FundParameters.objects.create(fund=fund, valid_from=datetime.date(2027, 1, 1),
                                  values={"loss_threshold_percent": "25"})
    assert fund.parameters_on(TODAY).loss_threshold_percent == Decimal("30")
    assert fund.parameters_on(datetime.date(2027, 1, 1)).loss_threshold_percent == Decimal("25")
    with pytest.raises(ValueError):
        fund.rules.parse_parameters({"no_such_parameter": 1})
    with pytest.raises(ValueError):
        fund.rules.parse_parameters({"loss_threshold_percent": "-1"})


@pytest.mark.parametrize("code", [choice.value for choice in FundCode])
def test_every_criterion_of_a_default_rubric_has_a_name(code):
    rules = rules_for(code)
    rubric = rules.default_parameters()["rubric"]
    assert rubric
    assert set(rubric) <= set(rules.criterion_labels)


def test_a_criterion_added_in_the_admin_shows_as_its_code_in_words():
    assert rules_for("youth-revolving").criterion_label("gender_balance") == "Gender balance"
