"""GET /api/v1/applications/{id}/letters/ and GET /api/v1/letters/{id}/pdf/."""

import hashlib

import pytest

from letters.models import LetterStatus
from organizations.choices import Role
from tests.factories import OppUserFactory, staff_user

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_the_organisation_lists_and_downloads_its_letters(decide, api_as):
    letter = decide(language="es")
    letter.refresh_from_db()
    opp = api_as(letter.application.created_by)

    listed = opp.get(f"/api/v1/applications/{letter.application_id}/letters/")
    assert listed.status_code == 200
    [shown] = listed.json()
    assert shown["id"] == letter.pk
    assert shown["reference"] == letter.reference
    assert shown["decision"] == "approved"
    assert shown["language"] == "es"
    assert shown["status"] == "rendered"
    assert shown["sha256"] == letter.sha256
    assert shown["pdf"].endswith(f"/api/v1/letters/{letter.pk}/pdf/")
    assert "error" not in shown

    response = opp.get(f"/api/v1/letters/{letter.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{letter.reference}.pdf"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == letter.sha256
    assert letter.application.organization.legal_name in pdf_text(body)


def test_another_organisation_gets_404(decide, api_as):
    letter = decide(language="es")
    stranger = api_as(OppUserFactory())
    assert stranger.get(f"/api/v1/applications/{letter.application_id}/letters/").status_code == 404
    assert stranger.get(f"/api/v1/letters/{letter.pk}/pdf/").status_code == 404
    assert stranger.get(f"/api/v1/letters/{letter.pk}/").status_code == 404
    assert stranger.get("/api/v1/letters/").json()["count"] == 0


def test_anonymous_gets_401(decide, api):
    letter = decide(language="es")
    assert api.get(f"/api/v1/letters/{letter.pk}/pdf/").status_code == 401
    assert api.get(f"/api/v1/applications/{letter.application_id}/letters/").status_code == 401


def test_a_colleague_of_the_same_organisation_downloads_it(decide, api_as):
    letter = decide(language="fr")
    colleague = OppUserFactory(organization=letter.application.organization)
    assert api_as(colleague).get(f"/api/v1/letters/{letter.pk}/pdf/").status_code == 200


def test_a_committee_member_of_another_fund_gets_404(decide, api_as):
    letter = decide(fund_code="catastrophic-events", language="es")
    outsider = staff_user(Role.COMMITTEE_MEMBER, "youth-revolving")
    assert api_as(outsider).get(f"/api/v1/letters/{letter.pk}/pdf/").status_code == 404
    auditor = staff_user(Role.AUDITOR)
    assert api_as(auditor).get(f"/api/v1/letters/{letter.pk}/pdf/").status_code == 200


def test_staff_reissue_through_the_api(decide, api_as, django_capture_on_commit_callbacks):
    letter = decide(language="pt")
    opp = api_as(letter.application.created_by)
    assert opp.post(f"/api/v1/letters/{letter.pk}/reissue/", {"reason": "x"}).status_code == 403

    secretariat = api_as(staff_user(Role.SECRETARIAT))
    assert secretariat.post(f"/api/v1/letters/{letter.pk}/reissue/", {}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(f"/api/v1/letters/{letter.pk}/reissue/",
                                    {"reason": "Montante corrigido."}, format="json")
    assert response.status_code == 201
    new = response.json()
    assert new["supersedes"] == letter.pk
    assert new["reference"].endswith("-L2")
    assert secretariat.post(f"/api/v1/letters/{letter.pk}/reissue/", {"reason": "x"}).status_code == 409

    listed = opp.get(f"/api/v1/applications/{letter.application_id}/letters/").json()
    assert [(item["sequence"], item["superseded_by"], item["status"]) for item in listed] == [
        (1, new["id"], "rendered"), (2, None, "rendered"),
    ]


def test_a_letter_being_prepared_is_409(decide, api_as):
    letter = decide(language="es")
    type(letter).objects.filter(pk=letter.pk).update(status=LetterStatus.PENDING)
    response = api_as(letter.application.created_by).get(f"/api/v1/letters/{letter.pk}/pdf/")
    assert response.status_code == 409


def test_listing_letters_takes_a_fixed_number_of_queries(decide, api_as, django_assert_max_num_queries,
                                                         django_capture_on_commit_callbacks):
    from letters import services

    letter = decide(language="es")
    secretariat = staff_user(Role.SECRETARIAT)
    current = letter
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            current = services.letter_reissue(letter_id=current.pk, by=secretariat, reason="Corrección")
    client = api_as(secretariat)
    with django_assert_max_num_queries(4):
        listed = client.get(f"/api/v1/applications/{letter.application_id}/letters/").json()
    assert len(listed) == 4
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/letters/").json()["count"] == 4
