"""Schemathesis against the API's own OpenAPI schema: no input makes it answer 5xx, and every answer
matches the schema. Runs in-process against the WSGI application, as four roles, with a bounded number
of generated examples per operation (``FONDOS_SCHEMATHESIS_EXAMPLES``, default 10).

The probes reach the code behind each endpoint, not only its 404: an id in a path names an object the
role may act on (the owner's application in committee review, a pending disbursement, a live loan and
its repayment, a letter), whenever the generated id is a number. Besides the generated examples and
schemathesis' coverage phase (boundary values, wrong types, methods the schema does not list), each
operation that takes a body is sent one body of every JSON type that is not an object (it must be a
400) and its amount fields set far beyond what the database holds (never a 5xx).

``FONDOS_SCHEMATHESIS_REPORT`` names a file that receives the number of probes by kind and status.
"""

import collections
import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from applications.reviews import review_submit
from config.wsgi import application
from organizations.services import api_token_create
from tests.security.world import build_world

EXAMPLES = int(os.environ.get("FONDOS_SCHEMATHESIS_EXAMPLES", "10"))
ROLES = ["owner", "chair", "finance", "administrator"]

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

# Bodies that are valid JSON but not an object, and amounts too large for any column.
NOT_OBJECTS = [1, -2.5, [], [{"amount": "1.00"}], "approve", True, None]
HUGE_AMOUNTS = ["99999999999999999999.99", "1e30", "12345678901234.56"]
AMOUNT_FIELDS = ("amount", "amounts", "invoice_amount", "requested_amount", "reference_price")

PROBES: collections.Counter = collections.Counter()

def not_a_server_error(ctx, response, case):
    assert response.status_code < 500, f"{case.method} {case.formatted_path} answered {response.status_code}"


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Requests go straight to the WSGI application, which closes the database connection around each
    request when autocommit looks changed, as it does inside a test's transaction; Django's own test
    client switches that off for the same reason."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module", autouse=True)
def probe_report():
    yield
    target = os.environ.get("FONDOS_SCHEMATHESIS_REPORT")
    if target and PROBES:
        with open(target, "w", encoding="utf-8") as out:
            json.dump(dict(sorted(PROBES.items())), out, indent=1)


@pytest.fixture
def world(db):
    """The shared small world, with the committee's quorum reached on the application in review so that
    a decision reaches its amount and terms."""
    world = build_world()
    for member in (world.users["member"], world.users["chair"]):
        review_submit(application_id=world.review_application.pk, by=member, score=4,
                      recommendation="approve", comment="Bien.")
    world.tokens = {role: api_token_create(user=world.users[role]).key for role in ROLES}
    return world


def real_ids(world, role: str, path: str) -> dict[str, int]:
    """Ids of objects ``role`` may see for the parameters of ``path``."""
    if path.startswith("/api/v1/applications/{id}"):
        owner_side = world.loan_application if role == "finance" else world.review_application
        return {"id": owner_side.pk, "document_id": world.document.pk}
    if path.startswith("/api/v1/disbursements/{id}"):
        return {"id": world.pending_disbursement.pk}
    if path.startswith("/api/v1/loans/{id}"):
        return {"id": world.loan.pk, "repayment_id": world.repayment.pk}
    if path.startswith("/api/v1/letters/{id}"):
        return {"id": world.letter.pk}
    if path.startswith("/api/v1/organizations/{id}"):
        return {"id": world.users["owner"].organization_id}
    if path.startswith("/api/v1/calls/{id}"):
        return {"id": world.event.calls.first().pk}
    if path.startswith("/api/v1/events/{id}"):
        return {"id": world.event.pk}
    if path.startswith("/api/v1/notifications/{id}") and world.notification is not None:
        return {"id": world.notification.pk}
    return {}


def aim(case, world, role):
    """Point generated numeric ids at real objects; other generated values ("null", "0.5") stay, for
    the 404s."""
    for name, value in real_ids(world, role, case.operation.path).items():
        current = (case.path_parameters or {}).get(name)
        if current is not None and str(current).isdigit():
            case.path_parameters[name] = value


def takes_a_json_body(case) -> bool:
    return any(body.media_type == "application/json" for body in case.operation.body)


def send(case, headers, kind):
    response = case.call(headers=headers)
    PROBES[f"{kind} {case.method.upper()} {response.status_code}"] += 1
    PROBES[f"total {kind}"] += 1
    return response


def body_shapes(case, headers):
    """Once per operation and role: each non-object JSON body is a 400; huge amounts are never a 5xx."""
    original_body, original_media = case.body, case.media_type
    case.media_type = "application/json"
    try:
        for body in NOT_OBJECTS:
            case.body = body
            response = send(case, headers, "non-object body")
            assert response.status_code < 500, (case.method, case.formatted_path, body, response.status_code)
            if response.status_code not in (401, 403, 404, 405, 429):
                assert response.status_code == 400, (case.method, case.formatted_path, body,
                                                     response.status_code, response.text[:300])
        base = original_body if isinstance(original_body, dict) else {}
        for huge in HUGE_AMOUNTS:
            case.body = {**base, **{name: [huge, "1.00"] if name == "amounts" else huge
                                    for name in AMOUNT_FIELDS}}
            response = send(case, headers, "huge amounts")
            assert response.status_code < 500, (case.method, case.formatted_path, huge, response.status_code)
    finally:
        case.body, case.media_type = original_body, original_media


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_answers_as_documented(case, role, world, request):
    if case.path == "/api/v1/auth/token/" and case.method == "DELETE":
        pytest.skip("would revoke the token the other examples use")
    headers = {"Authorization": f"Token {world.tokens[role]}"}
    aim(case, world, role)
    if case.method.upper() in ("POST", "PUT", "PATCH") and takes_a_json_body(case) and not getattr(
            request.node, "_shapes_sent", False):
        request.node._shapes_sent = True
        body_shapes(case, headers)
    response = case.call_and_validate(headers=headers,
                                      checks=[not_a_server_error, response_schema_conformance])
    PROBES[f"generated {case.method.upper()} {response.status_code}"] += 1
    PROBES["total generated"] += 1
