import pytest

from tests.workflow import drive

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fund_code", ["certification-subsidy", "youth-revolving",
                                       "climate-eventuality", "catastrophic-events"])
def test_every_fund_goes_from_draft_to_conditions_accepted(fund_code):
    application = drive(fund_code=fund_code, to="conditions_accepted")
    assert application.status == "conditions_accepted"
    assert application.approved_amount > 0
    assert list(application.transitions.values_list("to_state", flat=True)) == [
        "submitted", "screening", "committee_review", "approved", "conditions_accepted"
    ]
