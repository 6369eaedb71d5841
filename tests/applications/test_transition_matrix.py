"""Every transition, tried through the API by every role: allowed ones succeed, the others are refused
with 403, or 404 where the person may not even see the application."""

import pytest
from django.utils import timezone

from applications import services
from applications.reviews import review_submit
from tests.workflow import drive

pytestmark = pytest.mark.django_db
ROLES = ["applicant", "other_org", "secretariat", "member", "chair", "finance", "auditor", "admin",
         "other_fund_member"]

# transition: (state to start from, the body, roles that may run it)
TRANSITIONS = {
    "submit": ("draft", {}, {"applicant"}),
    "withdraw": ("submitted", {"reason": "Ya no lo necesitamos."}, {"applicant"}),
    "start_screening": ("submitted", {}, {"secretariat", "admin"}),
    "request_information": ("screening", {"message": "Envíen fotos del daño."}, {"secretariat", "admin"}),
    "answer_information_request": ("information_requested", {"answer": "Adjuntamos las fotos."},
                                   {"applicant"}),
    "send_to_committee": ("screening", {}, {"secretariat", "admin"}),
    "reject@screening": ("screening", {"reason": "No es un evento catastrófico."}, {"secretariat"}),
    "approve": ("reviewed", {"amount": "1000.00", "reason": "Cumple."}, {"chair"}),
    "reject@committee": ("reviewed", {"reason": "La pérdida no está documentada."}, {"chair"}),
    "accept_conditions": ("approved", {}, {"applicant"}),
    "close": ("in_execution", {"reason": "Informe final recibido."}, {"secretariat", "finance", "admin"}),
}


def visible(role, application) -> bool:
    if role == "applicant":
        return True
    if role in ("secretariat", "auditor", "admin"):
        return True
    if role in ("member", "chair"):
        return application.sent_to_committee_at is not None
    if role == "finance":
        return application.status in ("approved", "conditions_accepted", "in_execution", "reporting",
                                      "closed")
    return False


def application_in(state, people):
    cast, applicant = people["_cast"], people["applicant"]
    if state in ("draft", "submitted", "screening", "approved"):
        return drive(fund_code="catastrophic-events", to=state, applicant=applicant, cast=cast)
    if state == "information_requested":
        app = drive(fund_code="catastrophic-events", to="screening", applicant=applicant, cast=cast)
        services.application_request_information(application_id=app.pk, by=cast.secretariat,
                                                 message="¿Cuántas hectáreas?")
    elif state == "reviewed":
        app = drive(fund_code="catastrophic-events", to="committee_review", applicant=applicant, cast=cast)
        for member in cast.members:
            review_submit(application_id=app.pk, by=member, score=4, recommendation="approve",
                          comment="Bien.")
    elif state == "in_execution":
        app = drive(fund_code="catastrophic-events", to="conditions_accepted", applicant=applicant,
                    cast=cast)
        services.application_start_execution(application_id=app.pk)
    app.refresh_from_db()
    return app


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", list(TRANSITIONS))
def test_transition_by_role(api_as, people, transition, role):
    state, body, allowed = TRANSITIONS[transition]
    application = application_in(state, people)
    status_before = application.status
    endpoint = transition.split("@")[0]

    response = api_as(people[role]).post(f"/api/v1/applications/{application.pk}/{endpoint}/", body,
                                         format="json")

    application.refresh_from_db()
    if role in allowed:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == application.status != status_before
        log = application.transitions.last()
        assert (log.from_state, log.to_state, log.by) == (status_before, application.status,
                                                          people[role])
    else:
        expected = 403 if visible(role, application) else 404
        assert response.status_code == expected, response.content
        assert "detail" in response.json()
        assert application.status == status_before


@pytest.mark.parametrize(("transition", "state", "role"), [
    ("submit", "submitted", "applicant"),
    ("start_screening", "draft", "secretariat"),
    ("send_to_committee", "submitted", "secretariat"),
    ("accept_conditions", "submitted", "applicant"),
    ("withdraw", "approved", "applicant"),
    ("approve", "approved", "chair"),
])
def test_state_forbids_the_transition_with_409(api_as, people, transition, state, role):
    application = application_in(state, people)
    response = api_as(people[role]).post(f"/api/v1/applications/{application.pk}/{transition}/", {},
                                         format="json")
    assert response.status_code == 409, response.content
    application.refresh_from_db()
    assert application.status == state


def test_available_transitions_follow_the_caller(api_as, people):
    application = application_in("screening", people)
    url = f"/api/v1/applications/{application.pk}/"
    assert api_as(people["secretariat"]).get(url).json()["available_transitions"] == [
        "request_information", "send_to_committee", "reject"
    ]
    assert api_as(people["applicant"]).get(url).json()["available_transitions"] == ["withdraw"]
    assert api_as(people["auditor"]).get(url).json()["available_transitions"] == []


def test_answering_returns_the_application_where_it_came_from(api_as, people):
    cast = people["_cast"]
    application = drive(fund_code="catastrophic-events", to="committee_review",
                        applicant=people["applicant"], cast=cast)
    services.application_request_information(application_id=application.pk, by=cast.secretariat,
                                             message="Falta la lista de productores.")
    response = api_as(people["applicant"]).post(
        f"/api/v1/applications/{application.pk}/answer_information_request/",
        {"answer": "Adjunta."}, format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "committee_review"


def test_history_records_who_when_from_to_and_why(api_as, people):
    application = application_in("screening", people)
    api_as(people["secretariat"]).post(f"/api/v1/applications/{application.pk}/reject/",
                                       {"reason": "Fuera de plazo."}, format="json")
    history = api_as(people["applicant"]).get(f"/api/v1/applications/{application.pk}/history/").json()
    assert [(h["from"], h["to"]) for h in history] == [
        ("draft", "submitted"), ("submitted", "screening"), ("screening", "rejected")
    ]
    assert history[-1]["by"] == people["secretariat"].username
    assert history[-1]["reason"] == "Fuera de plazo."
    assert all(h["at"] <= timezone.now().isoformat() for h in history)


def test_rejection_needs_a_reason(api_as, people):
    application = application_in("screening", people)
    response = api_as(people["secretariat"]).post(f"/api/v1/applications/{application.pk}/reject/",
                                                  {"reason": "  "}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    application.refresh_from_db()
    assert application.status == "screening"
