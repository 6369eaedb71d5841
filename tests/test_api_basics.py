import warnings

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from organizations.accounts import hash_token
from organizations.models import ApiToken
from tests.factories import OppUserFactory

pytestmark = pytest.mark.django_db


def test_token_obtain_use_and_revoke(api):
    user = OppUserFactory()
    response = api.post("/api/v1/auth/token/", {"username": user.username,
                                                "password": "pass-word-123"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=user).key_hash == hash_token(token)

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/funds/").status_code == 200
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert not ApiToken.objects.filter(user=user).exists()
    assert api.get("/api/v1/funds/").status_code == 401


def test_token_refused_for_a_wrong_password(api):
    user = OppUserFactory()
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": "nope"},
                        format="json")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_token_requires_both_fields(api):
    response = api.post("/api/v1/auth/token/", {"username": "x"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


def test_openapi_schema_builds_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        generator = SchemaGenerator()
        schema = generator.get_schema(request=None, public=True)
    assert "/api/v1/funds/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]


def test_spectacular_validate_reports_no_errors_or_warnings(capsys):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "swagger" in body.lower()
    assert "cdn" not in body.lower()


def test_funds_list_shows_the_four_funds_in_the_request_language(api):
    call_command("seed_demo", password="p-demo-1")
    api.force_authenticate(OppUserFactory())
    response = api.get("/api/v1/funds/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    funds = {fund["code"]: fund for fund in response.json()}
    assert set(funds) == {"certification-subsidy", "youth-revolving", "climate-eventuality",
                          "catastrophic-events"}
    assert funds["youth-revolving"]["kind"] == "loan"
    assert funds["catastrophic-events"]["parameters"]["loss_threshold_percent"] == "30"
    assert funds["catastrophic-events"]["budget"] == "300000.00"
    # The demo's compensations paid and committed left the fund: what is available is the ledger's.
    from funds.ledger import balances_by_fund
    from funds.models import Fund

    catastrophic = Fund.objects.get(code="catastrophic-events")
    available = balances_by_fund([catastrophic])[catastrophic.pk].available
    assert funds["catastrophic-events"]["available"] == f"{available:.2f}"
    assert available < 300000
    assert funds["catastrophic-events"]["name"] == "Catastrophic events fund"
