import pytest
from rest_framework.test import APIClient

from core.errors import Invalid, NotPermitted, WrongState
from organizations import services
from organizations.models import ApiToken, Invitation, JoinRequest, Organization, User
from tests.factories import OppUserFactory, OrganizationFactory

from .conftest import link_in

pytestmark = pytest.mark.django_db

REQUEST = {"legal_name": "Coopérative des Planteurs du Nord", "country": "HT", "fairtrade_id": "FT-HT-77",
           "contact_name": "Marie Joseph", "contact_email": "marie@cpn.example", "language": "fr"}


def ask_to_join(client, **changes):
    response = client.post("/accounts/join/", {**REQUEST, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    return JoinRequest.objects.latest("pk")


def test_a_request_to_join_waits_for_the_secretariat_and_creates_nothing(web, outsider):
    join_request = ask_to_join(web())
    assert join_request.status == "pending"
    assert join_request.organization is None
    assert not Organization.objects.filter(fairtrade_id="FT-HT-77").exists()
    assert not Invitation.objects.exists()
    # Nobody but the secretariat sees requests to join.
    assert web(outsider).get("/accounts/join-requests/").status_code == 404
    assert web(outsider).get(f"/accounts/join-requests/{join_request.pk}/").status_code == 404
    assert web().get("/accounts/join-requests/").status_code == 302  # to the sign-in page


def test_approval_creates_the_organisation_and_invites_the_contact_as_representative(
        web, secretariat, outsider, mailoutbox, django_capture_on_commit_callbacks):
    join_request = ask_to_join(web())
    with django_capture_on_commit_callbacks(execute=True):
        response = web(secretariat).post(f"/accounts/join-requests/{join_request.pk}/",
                                         {"action": "approve", "short_name": "CPN"})
    assert response.status_code == 302
    join_request.refresh_from_db()
    organization = join_request.organization
    assert join_request.status == "approved" and join_request.decided_by == secretariat
    assert (organization.short_name, organization.country, organization.fairtrade_id,
            organization.preferred_language) == ("CPN", "HT", "FT-HT-77", "fr")
    [message] = mailoutbox
    assert message.to == ["marie@cpn.example"]
    assert "approuvé" in message.subject

    client = web()
    assert client.post(link_in(message), {
        "email": "marie@cpn.example", "username": "marie", "first_name": "Marie", "last_name": "Joseph",
        "password1": "Mangue-verte-2026", "password2": "Mangue-verte-2026"}).status_code == 302
    marie = User.objects.get(username="marie")
    assert marie.organization == organization and marie.is_representative and marie.language == "fr"

    # Approving twice changes nothing and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.join_request_approve(join_request_id=join_request.pk, by=secretariat).organization \
            == organization
    assert len(mailoutbox) == 1
    assert Organization.objects.filter(fairtrade_id="FT-HT-77").count() == 1

    # Before and after joining, nobody outside the organisation sees it.
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/organizations/{organization.pk}/").status_code == 404
    assert organization.pk not in [item["id"] for item in api.get("/api/v1/organizations/").json()["results"]]
    api.force_authenticate(marie)
    assert api.get(f"/api/v1/organizations/{organization.pk}/").status_code == 200
    assert [item["id"] for item in api.get("/api/v1/organizations/").json()["results"]] == [organization.pk]
    assert api.get(f"/api/v1/organizations/{outsider.organization_id}/").status_code == 404


def test_a_declined_request_tells_the_requester_why_in_their_language(
        web, secretariat, mailoutbox, django_capture_on_commit_callbacks):
    join_request = ask_to_join(web(), language="pt")
    client = web(secretariat)
    assert client.post(f"/accounts/join-requests/{join_request.pk}/",
                       {"action": "decline", "reason": ""}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/accounts/join-requests/{join_request.pk}/",
                               {"action": "decline", "reason": "Sem certificação Fairtrade vigente."})
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == "declined" and join_request.decided_by == secretariat
    assert join_request.organization is None
    assert not Organization.objects.filter(fairtrade_id="FT-HT-77").exists()
    [message] = mailoutbox
    assert message.to == ["marie@cpn.example"]
    assert "Sem certificação Fairtrade vigente." in message.body
    assert "recusou" in message.body
    with pytest.raises(WrongState):
        services.join_request_approve(join_request_id=join_request.pk, by=secretariat)


def test_only_the_secretariat_decides(web, representative, clac_person):
    join_request = ask_to_join(web())
    for person in (representative, clac_person):
        with pytest.raises(NotPermitted):
            services.join_request_approve(join_request_id=join_request.pk, by=person)
        with pytest.raises(NotPermitted):
            services.join_request_decline(join_request_id=join_request.pk, by=person, reason="no")
    join_request.refresh_from_db()
    assert join_request.status == "pending"


def test_an_organisation_already_in_fondos_is_not_created_twice(web, secretariat):
    OrganizationFactory(fairtrade_id="FT-HT-77")
    join_request = ask_to_join(web())
    with pytest.raises(Invalid):
        services.join_request_approve(join_request_id=join_request.pk, by=secretariat)
    join_request.refresh_from_db()
    assert join_request.status == "pending"


def test_a_removed_member_loses_session_and_token_at_once(representative, colleague, web):
    colleague_browser = web(colleague)
    assert colleague_browser.get("/accounts/profile/").status_code == 200
    token = services.api_token_regenerate(user=colleague)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(f"/api/v1/organizations/{colleague.organization_id}/").status_code == 200

    response = web(representative).post(f"/accounts/team/{colleague.pk}/remove/")
    assert response.status_code == 302

    colleague.refresh_from_db()
    assert not colleague.is_active and not colleague.has_usable_password()
    assert colleague.organization == representative.organization  # history stays attributed
    assert not ApiToken.objects.filter(user=colleague).exists()
    assert api.get(f"/api/v1/organizations/{colleague.organization_id}/").status_code == 401
    page = colleague_browser.get("/accounts/profile/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert colleague_browser.get("/api/v1/organizations/").status_code in (401, 403)
    # Nor can they sign in again.
    assert APIClient().post("/api/v1/auth/token/", {"username": colleague.username,
                                                    "password": "pass-word-123"}).status_code == 401


def test_only_a_representative_of_the_same_organisation_removes_members(representative, colleague, outsider):
    other_representative = OppUserFactory(organization=outsider.organization, is_representative=True)
    with pytest.raises(NotPermitted):
        services.member_remove(user_id=colleague.pk, by=other_representative)
    with pytest.raises(NotPermitted):
        services.member_remove(user_id=representative.pk, by=colleague)
    with pytest.raises(NotPermitted):
        services.member_remove(user_id=representative.pk, by=representative)
    colleague.refresh_from_db()
    assert colleague.is_active


def test_removing_twice_is_harmless_and_the_address_can_be_invited_again(representative, colleague,
                                                                         secretariat):
    services.member_remove(user_id=colleague.pk, by=representative)
    services.member_remove(user_id=colleague.pk, by=secretariat)
    _invitation, raw = services.invitation_create(organization=colleague.organization,
                                                  email=colleague.email, by=representative)
    again = services.invitation_accept(raw_token=raw, email=colleague.email, username="back-again",
                                       password="Quetzal-lluvioso-42")
    assert again.is_active and again.pk != colleague.pk
