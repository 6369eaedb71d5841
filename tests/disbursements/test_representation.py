"""The API's fast schedule JSON (``disbursements.representation``) against ``InstalmentSerializer``,
which declares it in the OpenAPI schema, for every generated loan, on dates before, within and after
the schedules, so that every instalment status appears."""

import datetime
import json

import pytest
from rest_framework.renderers import JSONRenderer

from disbursements.models import Instalment, Loan
from disbursements.representation import schedule_json
from disbursements.serializers import InstalmentSerializer

pytestmark = pytest.mark.django_db


def _json(data):
    return json.loads(JSONRenderer().render(data), object_pairs_hook=list)


def test_schedule_gives_what_the_instalment_serializer_gives(load_data):
    unpaid = Instalment.objects.filter(is_current=True, paid_on=None, principal_paid=0).first()
    Instalment.objects.filter(pk=unpaid.pk).update(principal_paid=unpaid.principal / 2)  # partly paid
    statuses = set()
    for loan in Loan.objects.all():
        instalments = list(Instalment.objects.filter(loan=loan, is_current=True).order_by("n"))
        assert instalments
        for on in (instalments[0].due_date - datetime.timedelta(days=1), instalments[5].due_date,
                   instalments[-1].due_date + datetime.timedelta(days=1)):
            expected = InstalmentSerializer(instalments, many=True, context={"on": on}).data
            fast = schedule_json(instalments, on=on)
            assert _json(fast) == _json(expected), (loan.pk, on)
            statuses |= {row["status"] for row in fast}
    assert statuses == {"paid", "due", "overdue", "partly_paid"}


def test_schedule_endpoint_hides_other_organisations_loans_and_tells_empty_from_unknown(
        load_data, api_as):
    from organizations.models import User

    loan = Loan.objects.order_by("id").first()
    owner = User.objects.filter(organization_id=loan.application.organization_id).first()
    stranger = User.objects.exclude(organization_id=loan.application.organization_id).filter(
        organization__isnull=False).first()
    response = api_as(owner).get(f"/api/v1/loans/{loan.pk}/schedule/")
    assert response.status_code == 200
    assert [row["n"] for row in response.json()] == list(range(1, 21))
    assert api_as(stranger).get(f"/api/v1/loans/{loan.pk}/schedule/").status_code == 404
    assert api_as(owner).get("/api/v1/loans/999999/schedule/").status_code == 404
    for odd in ("abc", "99999999999999999999", "%D9%A1"):  # not a number, out of range, a non-ASCII digit
        assert api_as(owner).get(f"/api/v1/loans/{odd}/schedule/").status_code == 404, odd
    Instalment.objects.filter(loan=loan).update(is_current=False)
    response = api_as(owner).get(f"/api/v1/loans/{loan.pk}/schedule/")
    assert response.status_code == 200
    assert response.json() == []
