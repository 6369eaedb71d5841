"""Two-factor sign-in can be required per role: by default administrators and finance must enrol before
anything else opens, and cannot turn it off; other roles choose. The test settings switch the
requirement off for the rest of the suite; these tests switch it on."""

import time

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from organizations import services
from organizations.choices import Role
from tests.factories import OppUserFactory, UserFactory, staff_user
from tests.security.test_guards import enrol, totp_now

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def required_for_administrators_and_finance(settings):
    cache.clear()
    settings.FONDOS_TWO_FACTOR_REQUIRED_ROLES = [Role.ADMINISTRATOR, Role.FINANCE]
    yield
    cache.clear()


def signed_in(user) -> Client:
    """Signed in as ``user``, who reads English (pages speak a person's own language)."""
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_administrators_and_finance_are_required_by_default():
    from config.settings import base

    assert set(base.FONDOS_TWO_FACTOR_REQUIRED_ROLES) == {Role.ADMINISTRATOR, Role.FINANCE}


@pytest.mark.parametrize("make", [lambda: staff_user(Role.FINANCE), lambda: staff_user(Role.ADMINISTRATOR),
                                  lambda: UserFactory(is_superuser=True, is_staff=True)],
                         ids=["finance", "administrator", "superuser"])
def test_a_required_role_must_enrol_before_anything_else_opens(make):
    user = make()
    client = signed_in(user)
    for path in (reverse("home"), reverse("accounts:profile")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("security:two-factor"))
    refused = client.get("/api/v1/funds/")
    assert refused.status_code == 403 and "two-factor" in refused.json()["detail"]
    enrol(client)
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/api/v1/funds/").status_code == 200


def test_other_roles_and_opp_staff_sign_in_with_the_password_alone():
    for user in (staff_user(Role.SECRETARIAT), staff_user(Role.AUDITOR), OppUserFactory()):
        assert signed_in(user).get(reverse("home")).status_code == 200


def test_the_requirement_is_configurable(settings):
    settings.FONDOS_TWO_FACTOR_REQUIRED_ROLES = []
    assert signed_in(staff_user(Role.FINANCE)).get(reverse("home")).status_code == 200


def test_a_required_role_cannot_turn_two_factor_sign_in_off():
    user = staff_user(Role.FINANCE)
    client = signed_in(user)
    enrol(client)
    response = client.post(reverse("security:two-factor"), {"action": "remove"}, follow=True)
    assert "cannot be turned off" in response.content.decode()
    assert user.totpdevice_set.filter(confirmed=True).exists()


def test_the_token_endpoint_refuses_a_required_role_without_a_device_and_accepts_it_with_the_code():
    user = staff_user(Role.FINANCE)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    refused = api.post(TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json")
    assert refused.status_code == 403
    assert "two-factor" in refused.json()["detail"] and "token" not in refused.json()
    secret = enrol(signed_in(user))
    with time_machine.travel(time.time() + 60, tick=True):  # the enrolment's code is spent
        granted = api.post(TOKEN_URL, {"username": user.username, "password": PASSWORD,
                                       "otp": totp_now(secret)}, format="json")
    assert granted.status_code == 200 and granted.json()["token"]


def test_granting_a_required_role_revokes_the_tokens_issued_without_a_second_factor():
    person = UserFactory()
    token = services.api_token_create(user=person)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/funds/").status_code == 200
    services.staff_role_grant(user=person, role=Role.FINANCE, by=staff_user(Role.ADMINISTRATOR))
    assert api.get("/api/v1/funds/").status_code == 401
