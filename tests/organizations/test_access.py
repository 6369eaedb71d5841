import datetime
import time

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone, translation
from rest_framework.test import APIClient

from core.errors import Invalid, NotPermitted
from organizations import emails, services
from organizations.access import access_for
from organizations.accounts import verified_email
from organizations.choices import Role
from organizations.models import ApiToken, StaffRole, User
from tests.factories import OppUserFactory, UserFactory, fund

from .conftest import link_in

pytestmark = pytest.mark.django_db


def test_password_reset_by_email_in_the_persons_language(web, mailoutbox):
    person = OppUserFactory(email="rosa@coop.example", language="pt")
    client = web()
    response = client.post("/accounts/password/reset/", {"email": "rosa@coop.example"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    [message] = mailoutbox
    assert message.to == ["rosa@coop.example"]
    assert "senha" in message.subject
    confirm = client.get(link_in(message), follow=True)
    assert confirm.status_code == 200 and confirm.context["validlink"]
    set_password = confirm.redirect_chain[-1][0]
    done = client.post(set_password, {"new_password1": "Caju-maduro-2026",
                                      "new_password2": "Caju-maduro-2026"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Caju-maduro-2026")
    # The link works once.
    assert not client.get(link_in(message), follow=True).context["validlink"]


def test_password_reset_sends_nothing_for_an_unknown_address(web, mailoutbox):
    assert web().post("/accounts/password/reset/", {"email": "nobody@x.example"}).status_code == 302
    assert mailoutbox == []


def test_an_address_is_verified_by_link_and_a_new_address_needs_verifying_again(
        web, mailoutbox, django_capture_on_commit_callbacks):
    person = OppUserFactory(email="luis@coop.example", language="es")
    assert verified_email(person) is None
    client = web(person)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/verify-email/").status_code == 302
    [message] = mailoutbox
    assert message.to == ["luis@coop.example"]
    assert "Confirme" in message.subject
    assert web().get(link_in(message)).status_code == 200
    person.refresh_from_db()
    assert verified_email(person) == "luis@coop.example"

    services.profile_update(user=person, first_name="Luis", last_name="Díaz", email="luis@gmail.example",
                            language="es")
    person.refresh_from_db()
    assert verified_email(person) is None
    # The old link names the old address, so it cannot verify the new one.
    assert web().get(link_in(message)).status_code == 400
    person.refresh_from_db()
    assert verified_email(person) is None


def test_a_verification_link_expires(web, mailoutbox, django_capture_on_commit_callbacks):
    person = OppUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.email_verification_send(user=person)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3, minutes=1)):
        assert web().get(link_in(mailoutbox[0])).status_code == 400
    person.refresh_from_db()
    assert verified_email(person) is None


def test_a_deactivated_person_has_no_verified_email(representative, colleague):
    services.email_verify(token="bad")  # a bad token changes nothing
    colleague.email_verified = colleague.email
    colleague.save()
    assert verified_email(colleague) == colleague.email
    services.member_remove(user_id=colleague.pk, by=representative)
    colleague.refresh_from_db()
    assert verified_email(colleague) is None


def test_the_profile_page_saves_the_language_used_for_pages(web):
    person = OppUserFactory(language="es")
    client = web(person)
    response = client.post("/accounts/profile/", {"first_name": "Jean", "last_name": "Pierre",
                                                  "email": person.email, "language": "fr"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.language, person.first_name) == ("fr", "Jean")
    page = client.get("/accounts/profile/")
    assert '<html lang="fr">' in page.content.decode()
    assert "Mon compte" in page.content.decode()


def test_api_token_page_creates_shows_replaces_and_revokes_the_token(web):
    person = OppUserFactory()
    client = web(person)
    assert not client.get("/accounts/token/").context["tokens"]
    first = client.post("/accounts/token/", {"action": "regenerate"})
    key = first.context["created"].key
    assert key in first.content.decode()
    new_key = client.post("/accounts/token/", {"action": "regenerate"}).context["created"].key
    assert new_key != key
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/organizations/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert api.get("/api/v1/organizations/").status_code == 200
    assert client.post("/accounts/token/", {"action": "revoke"}).status_code == 302
    assert not ApiToken.objects.filter(user=person).exists()
    assert api.get("/api/v1/organizations/").status_code == 401


def test_administrators_grant_and_remove_staff_roles_on_one_page_and_the_record_stays(web, administrator):
    person = UserFactory()
    client = web(administrator)
    response = client.post("/accounts/staff-roles/", {"user": person.pk, "role": Role.COMMITTEE_MEMBER,
                                                      "fund": fund("youth-revolving").pk})
    assert response.status_code == 302
    granted = StaffRole.objects.get(user=person)
    assert (granted.role, granted.fund.code, granted.granted_by) == (Role.COMMITTEE_MEMBER, "youth-revolving",
                                                                     administrator)
    assert access_for(person).sits_on(granted.fund_id)

    assert client.post(f"/accounts/staff-roles/{granted.pk}/remove/").status_code == 302
    granted.refresh_from_db()
    assert granted.revoked_by == administrator and granted.revoked_at is not None
    assert not access_for(User.objects.get(pk=person.pk)).sits_on(granted.fund_id)
    assert StaffRole.objects.filter(user=person).count() == 1  # never deleted
    page = client.get("/accounts/staff-roles/").content.decode()
    assert person.username in page


def test_staff_roles_are_for_administrators_only(web, secretariat):
    person = UserFactory()
    assert web(secretariat).get("/accounts/staff-roles/").status_code == 404
    with pytest.raises(NotPermitted):
        services.staff_role_grant(user=person, role=Role.AUDITOR, by=secretariat)
    assert not StaffRole.objects.filter(user=person).exists()


def test_staff_role_rules(administrator):
    person, other = UserFactory(), UserFactory()
    with pytest.raises(Invalid):
        services.staff_role_grant(user=person, role=Role.COMMITTEE_CHAIR, by=administrator)
    with pytest.raises(Invalid):
        services.staff_role_grant(user=person, role=Role.FINANCE, fund=fund("youth-revolving"),
                                  by=administrator)
    with pytest.raises(Invalid):
        services.staff_role_grant(user=OppUserFactory(), role=Role.AUDITOR, by=administrator)
    first = services.staff_role_grant(user=person, role=Role.FINANCE, by=administrator)
    assert services.staff_role_grant(user=person, role=Role.FINANCE, by=administrator) == first
    services.staff_role_grant(user=person, role=Role.COMMITTEE_CHAIR, fund=fund("climate-eventuality"),
                              by=administrator)
    with pytest.raises(Invalid):
        services.staff_role_grant(user=other, role=Role.COMMITTEE_CHAIR, fund=fund("climate-eventuality"),
                                  by=administrator)
    assert StaffRole.objects.active().filter(user=person).count() == 2
    revoked = services.staff_role_revoke(role_id=first.pk, by=administrator)
    assert services.staff_role_revoke(role_id=first.pk, by=administrator).revoked_at == revoked.revoked_at


def test_the_last_administrator_cannot_be_removed(administrator):
    [own_role] = StaffRole.objects.filter(user=administrator, role=Role.ADMINISTRATOR)
    with pytest.raises(Invalid):
        services.staff_role_revoke(role_id=own_role.pk, by=administrator)


@override_settings(FONDOS_LOGIN_FAILURES_PER_USERNAME=3)
def test_token_endpoint_locks_out_after_repeated_failures():
    person = OppUserFactory()
    api = APIClient(REMOTE_ADDR="10.200.0.1")
    for _attempt in range(3):
        assert api.post("/api/v1/auth/token/", {"username": person.username, "password": "wrong"},
                        format="json").status_code == 401
    locked = api.post("/api/v1/auth/token/", {"username": person.username, "password": "pass-word-123"},
                      format="json")
    assert locked.status_code == 429
    # From another address too: the lock is on the user name.
    assert APIClient(REMOTE_ADDR="10.200.0.2").post(
        "/api/v1/auth/token/", {"username": person.username, "password": "pass-word-123"},
        format="json").status_code == 429
    # Other people are not affected.
    assert api.post("/api/v1/auth/token/", {"username": OppUserFactory().username,
                                            "password": "pass-word-123"}, format="json").status_code == 200


@override_settings(FONDOS_LOGIN_FAILURES_PER_USERNAME=2, FONDOS_LOGIN_LOCKOUT_SECONDS=3)
def test_a_lockout_ends_when_its_window_passes():
    person = OppUserFactory()
    api = APIClient(REMOTE_ADDR="10.200.0.3")
    for _attempt in range(2):
        api.post("/api/v1/auth/token/", {"username": person.username, "password": "wrong"}, format="json")
    right = {"username": person.username, "password": "pass-word-123"}
    assert api.post("/api/v1/auth/token/", right, format="json").status_code == 429
    time.sleep(3.2)  # real time: the counter lives in the cache (Redis in production), not the database
    assert api.post("/api/v1/auth/token/", right, format="json").status_code == 200


@override_settings(FONDOS_LOGIN_FAILURES_PER_USERNAME=3)
def test_sign_in_form_locks_out_after_repeated_failures(web):
    person = OppUserFactory()
    client = web()
    for _attempt in range(3):
        failed = client.post("/accounts/login/", {"username": person.username, "password": "no"})
        assert failed.status_code == 200
    refused = client.post("/accounts/login/", {"username": person.username, "password": "pass-word-123"})
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    other = OppUserFactory()
    assert web().post("/accounts/login/", {"username": other.username,
                                          "password": "pass-word-123"}).status_code == 302


@override_settings(FONDOS_LOGIN_FAILURES_PER_ADDRESS=4)
def test_one_address_trying_many_user_names_is_locked_out():
    api = APIClient(REMOTE_ADDR="10.201.0.1")
    for n in range(4):
        api.post("/api/v1/auth/token/", {"username": f"guess{n}", "password": "x"}, format="json")
    person = OppUserFactory()
    assert api.post("/api/v1/auth/token/", {"username": person.username, "password": "pass-word-123"},
                    format="json").status_code == 429


TEMPLATES = {
    "invitation": "invit",
    "join_approved": "approv",
    "join_declined": "declin",
    "verify_email": "confirm",
}


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_account_email_exists_in_the_four_languages(template, representative):
    language_before = translation.get_language()
    join_request = type("JR", (), {"contact_name": "Ana", "legal_name": "COOP", "decline_reason": "x"})()
    invitation = type("Inv", (), {"email": "a@x.example"})()
    context = {"invitation": invitation, "organization": representative.organization, "link": "http://x/y/",
               "days": 7, "join_request": join_request, "user": representative}
    rendered = {lang: emails.render(template, language=lang, context=context)
                for lang in ("es", "pt", "fr", "en")}
    assert TEMPLATES[template] in (rendered["en"][0] + rendered["en"][1]).lower()
    for lang in ("es", "pt", "fr"):
        subject, body = rendered[lang]
        assert subject != rendered["en"][0], lang
        english_lines = {line for line in rendered["en"][1].splitlines()
                         if len(line) > 20 and "http" not in line}
        assert not english_lines & set(body.splitlines()), lang
    assert translation.get_language() == language_before
