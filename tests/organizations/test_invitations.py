import datetime

import pytest
import time_machine
from django.utils import timezone

from core.errors import Invalid, NotPermitted, WrongState
from organizations import services
from organizations.accounts import hash_token, verified_email
from organizations.models import Invitation, User
from tests.factories import OrganizationFactory

from .conftest import link_in

pytestmark = pytest.mark.django_db


PASSWORD = "Quetzal-lluvioso-42"


def accept_form(email, username="ana", password=PASSWORD):
    return {"email": email, "first_name": "Ana", "last_name": "Pérez", "username": username,
            "password1": password, "password2": password}


def test_secretariat_invites_a_contact_who_creates_an_account_tied_to_the_organisation(
        secretariat, web, mailoutbox, django_capture_on_commit_callbacks):
    organization = OrganizationFactory(preferred_language="pt")
    with django_capture_on_commit_callbacks(execute=True):
        invitation, raw = services.invitation_create(organization=organization, email="Ana@Coop.example",
                                                     by=secretariat)
    assert invitation.email == "ana@coop.example"
    assert invitation.token_hash == hash_token(raw)
    assert raw not in invitation.token_hash
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=6, hours=23)
    assert invitation.expires_at - timezone.now() <= datetime.timedelta(days=7)
    [message] = mailoutbox
    assert message.to == ["ana@coop.example"]
    assert "convidad" in message.body  # written in the organisation's language, Portuguese
    path = link_in(message)
    assert path == f"/accounts/invitation/{raw}/"

    client = web()
    page = client.get(path)
    assert page.status_code == 200
    assert 'value="ana@coop.example"' in page.content.decode()
    response = client.post(path, accept_form("ana@coop.example"))
    assert response.status_code == 302

    user = User.objects.get(username="ana")
    assert user.organization == organization
    assert user.email == "ana@coop.example"
    assert user.language == "pt"
    assert user.check_password("Quetzal-lluvioso-42")
    assert verified_email(user) == "ana@coop.example"
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None


def test_an_invitation_works_once(secretariat, web):
    organization = OrganizationFactory()
    _invitation, raw = services.invitation_create(organization=organization, email="a@x.example",
                                                  by=secretariat)
    client = web()
    assert client.post(f"/accounts/invitation/{raw}/", accept_form("a@x.example")).status_code == 302
    again = client.post(f"/accounts/invitation/{raw}/", accept_form("a@x.example", username="other"))
    assert again.status_code == 410
    assert not User.objects.filter(username="other").exists()
    with pytest.raises(WrongState):
        services.invitation_accept(raw_token=raw, email="a@x.example", username="third",
                                   password="Quetzal-lluvioso-42")
    assert User.objects.filter(organization=organization).count() == 1


def test_an_expired_invitation_is_refused(secretariat, web):
    organization = OrganizationFactory()
    _invitation, raw = services.invitation_create(organization=organization, email="a@x.example",
                                                  by=secretariat)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        response = web().post(f"/accounts/invitation/{raw}/", accept_form("a@x.example"))
        assert response.status_code == 410
        with pytest.raises(WrongState):
            services.invitation_accept(raw_token=raw, email="a@x.example", username="ana",
                                       password="Quetzal-lluvioso-42")
    assert not User.objects.filter(username="ana").exists()


def test_an_invitation_is_for_its_own_address_only(secretariat, web):
    organization = OrganizationFactory()
    _invitation, raw = services.invitation_create(organization=organization, email="a@x.example",
                                                  by=secretariat)
    response = web().post(f"/accounts/invitation/{raw}/", accept_form("intruder@x.example"))
    assert response.status_code == 200
    assert "otra dirección" in response.content.decode()  # Spanish, the default language
    assert not User.objects.filter(username="ana").exists()
    with pytest.raises(Invalid) as refusal:
        services.invitation_accept(raw_token=raw, email="intruder@x.example", username="ana",
                                   password="Quetzal-lluvioso-42")
    assert "email" in refusal.value.errors
    # The right address still works afterwards.
    user = services.invitation_accept(raw_token=raw, email="A@X.example", username="ana",
                                      password="Quetzal-lluvioso-42")
    assert user.email == "a@x.example"


def test_an_unknown_token_is_refused(web):
    assert web().get("/accounts/invitation/not-a-real-token/").status_code == 404
    with pytest.raises(NotPermitted):
        services.invitation_accept(raw_token="nope", email="a@x.example", username="ana",
                                   password="Quetzal-lluvioso-42")


def test_a_newer_invitation_replaces_the_older_link(secretariat):
    organization = OrganizationFactory()
    _first, old = services.invitation_create(organization=organization, email="a@x.example", by=secretariat)
    _second, new = services.invitation_create(organization=organization, email="a@x.example", by=secretariat)
    with pytest.raises(WrongState):
        services.invitation_accept(raw_token=old, email="a@x.example", username="ana",
                                   password="Quetzal-lluvioso-42")
    assert services.invitation_accept(raw_token=new, email="a@x.example", username="ana",
                                      password="Quetzal-lluvioso-42").organization == organization


def test_a_weak_password_is_refused(secretariat, web):
    organization = OrganizationFactory()
    _invitation, raw = services.invitation_create(organization=organization, email="a@x.example",
                                                  by=secretariat)
    response = web().post(f"/accounts/invitation/{raw}/", accept_form("a@x.example", password="12345678"))
    assert response.status_code == 200
    assert not User.objects.filter(username="ana").exists()
    assert Invitation.objects.get(token_hash=hash_token(raw)).accepted_at is None


def test_a_representative_invites_colleagues_of_their_own_organisation_only(
        representative, colleague, outsider, web, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = web(representative).post("/accounts/team/",
                                             {"email": "new@coop.example", "language": "fr"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@coop.example")
    assert invitation.organization == representative.organization
    assert invitation.as_representative is False
    assert mailoutbox[0].to == ["new@coop.example"]
    assert "invité" in mailoutbox[0].body

    with pytest.raises(NotPermitted):
        services.invitation_create(organization=outsider.organization, email="x@x.example",
                                   by=representative)
    with pytest.raises(NotPermitted):
        services.invitation_create(organization=representative.organization, email="x@x.example",
                                   by=colleague)
    with pytest.raises(NotPermitted):
        services.invitation_create(organization=representative.organization, email="x@x.example",
                                   by=representative, as_representative=True)
    assert web(colleague).get("/accounts/team/").status_code == 404


def test_nobody_is_invited_twice_to_an_address_already_in_use(secretariat, colleague):
    with pytest.raises(Invalid):
        services.invitation_create(organization=colleague.organization, email=colleague.email.upper(),
                                   by=secretariat)


def test_secretariat_invites_from_its_page(secretariat, web):
    organization = OrganizationFactory()
    response = web(secretariat).post("/accounts/invitations/new/", {
        "organization": organization.pk, "email": "boss@coop.example", "language": "en",
        "as_representative": "on"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="boss@coop.example")
    assert invitation.as_representative and invitation.language == "en"
    assert web(OrganizationFactory.create().members.create(username="z")).get(
        "/accounts/invitations/new/").status_code == 404
