"""Every endpoint that takes a body refuses one that is not a JSON object (a number, a list, a string,
a boolean, null) with a 400 and changes nothing. The endpoints come from the OpenAPI schema, so one
added later is checked too."""

import collections

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from disbursements.models import Disbursement, Loan
from disbursements.services import disbursements as tranches
from disbursements.services import repayments
from funds.models import LedgerEntry
from organizations.choices import Role
from tests.factories import staff_user
from tests.workflow import drive

pytestmark = pytest.mark.django_db

NOT_OBJECTS = ["1", "-2.5", "[]", '[{"reason": "x"}]', '"approve"', "true", "null"]


def operations_with_a_json_body():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    )


@pytest.fixture
def world():
    """One of everything a path may name: an application, a disbursement, a loan with a repayment, a
    letter; and the people who may act on each."""
    application = drive(fund_code="youth-revolving", to="conditions_accepted", amount="3000.00", terms={
        "annual_interest_rate": "6", "term_months": 12, "grace_months": 0,
        "repayment_frequency": "monthly", "schedule_method": "declining_balance",
    })
    finance = application.cast.finance
    disbursement = Disbursement.objects.get(application=application)
    tranches.disbursement_approve(disbursement_id=disbursement.pk, by=application.cast.treasurer)
    tranches.disbursement_pay(
        disbursement_id=disbursement.pk, by=finance, reference="TRF-1",
        paid_on=timezone.localdate())
    loan = Loan.objects.get(application=application)
    repayment, _created = repayments.repayment_record(
        loan_id=loan.pk, by=finance, amount="10.00", paid_on=timezone.localdate(), idempotency_key="k-1")
    ids = {"id": None, "repayment_id": repayment.pk}
    by_prefix = {
        "/api/v1/applications/": application.pk, "/api/v1/disbursements/": disbursement.pk,
        "/api/v1/loans/": loan.pk, "/api/v1/letters/": application.letters.first().pk,
    }
    admin = staff_user(Role.ADMINISTRATOR)
    return {"ids": ids, "by_prefix": by_prefix, "finance": finance, "admin": admin,
            "applicant": application.applicant}


def _url(path, world):
    ids = dict(world["ids"])
    ids["id"] = next((pk for prefix, pk in world["by_prefix"].items() if path.startswith(prefix)), 1)
    ids["application_id"] = world["by_prefix"]["/api/v1/applications/"]
    return path.format_map(collections.defaultdict(lambda: 1, ids))


def test_a_body_that_is_not_a_json_object_is_a_400_everywhere(world, api_as):
    operations = operations_with_a_json_body()
    assert len(operations) >= 20
    entries = LedgerEntry.objects.count()
    answers = {}
    for body in NOT_OBJECTS:
        for method, path in operations:
            url = _url(path, world)
            for who in ("admin", "finance", "applicant"):
                response = api_as(world[who]).generic(method, url, body, content_type="application/json",
                                                      HTTP_IDEMPOTENCY_KEY="k-2")
                if response.status_code not in (403, 404):  # who may not act never reaches the body
                    break
            answers[(body, method, path)] = response.status_code
    # A path whose object this world does not hold (a project report) can only answer 404.
    held = tuple(world["by_prefix"])
    assert {(body, method, path): code for (body, method, path), code in answers.items()
            if code != 400 and not (code == 404 and not path.startswith(held))} == {}
    assert LedgerEntry.objects.count() == entries
