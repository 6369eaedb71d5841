"""Token authentication reads the token, the person and their active staff roles in one query, and
answers exactly as DRF's own token authentication does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from organizations.access import access_for
from organizations.authentication import TokenAuthentication
from organizations.choices import Role
from organizations.models import ApiToken, User
from organizations.services import api_token_create
from tests.factories import UserFactory, fund, grant_role

pytestmark = pytest.mark.django_db


def _key(user):
    return api_token_create(user=user).key


def test_one_query_gives_the_person_and_only_their_active_roles():
    person = UserFactory()
    grant_role(person, Role.SECRETARIAT)
    grant_role(person, Role.COMMITTEE_CHAIR, "youth-revolving")
    grant_role(person, Role.COMMITTEE_MEMBER, "climate-eventuality")
    revoked = grant_role(person, Role.FINANCE)
    revoked.revoked_at = timezone.now()
    revoked.save()
    key = _key(person)
    with CaptureQueriesContext(connection) as queries:
        user, token = TokenAuthentication().authenticate_credentials(key)
        access = access_for(user)
    assert len(queries) == 1
    assert (user.pk, token.pk) == (person.pk, ApiToken.objects.get(user=person).pk)
    # The same as the ORM path computes for a person loaded afresh.
    assert access == access_for(User.objects.get(pk=person.pk))
    assert access.roles == {Role.SECRETARIAT, Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER}
    assert not access.is_finance
    assert access.chair_fund_ids == {fund("youth-revolving").pk}
    assert len(access.member_fund_ids) == 2


def test_a_person_without_roles_is_one_row_with_no_roles():
    person = UserFactory()
    user, _ = TokenAuthentication().authenticate_credentials(_key(person))
    assert access_for(user).roles == frozenset()
    assert access_for(user).organization_id == person.organization_id


@pytest.mark.parametrize(("case", "message"), [("unknown token", "Token inválido."),
                                               ("inactive person", "Usuario inactivo o borrado.")])
def test_bad_tokens_get_a_translated_401_with_the_scheme(case, message):
    person = UserFactory()
    key = _key(person)
    if case == "unknown token":
        key = "0" * 40
    else:
        User.objects.filter(pk=person.pk).update(is_active=False)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="es")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/applications/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"] == message


def test_the_token_it_returns_can_be_revoked():
    person = UserFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {_key(person)}")
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert not ApiToken.objects.filter(user=person).exists()
    assert client.get("/api/v1/applications/").status_code == 401
