"""API tokens are shown once and stored only as a hash, expire, and stop working when the password
changes or is reset and when two-factor sign-in is turned on; authenticated answers are never cached."""

import datetime
import hashlib
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import OppUserFactory
from tests.organizations.conftest import link_in
from tests.security.test_guards import enrol

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"
URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def new_token(person) -> str:
    response = APIClient().post(URL, {"username": person.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def calling_with(key: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def works(key: str) -> bool:
    return calling_with(key).get("/api/v1/organizations/").status_code == 200


def every_stored_value() -> str:
    """Every value of every table, as text: a raw token must be found nowhere."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            values.extend(str(value) for row in cursor.fetchall() for value in row)
    return "\n".join(values)


def test_a_token_is_stored_only_as_its_hash_and_each_request_gets_a_new_one():
    person = OppUserFactory()
    first, second = new_token(person), new_token(person)
    assert first != second, "a token is shown once: asking again gives a new one"
    stored = every_stored_value()
    for key in (first, second):
        assert key not in stored
        assert hashlib.sha256(key.encode()).hexdigest() in stored
        assert works(key)


def test_delete_revokes_only_the_token_it_is_sent_with():
    person = OppUserFactory()
    laptop, server = new_token(person), new_token(person)
    assert calling_with(laptop).delete(URL).status_code == 204
    assert not works(laptop)
    assert works(server)


def test_a_token_expires_after_the_configured_lifetime(settings):
    settings.FONDOS_API_TOKEN_DAYS = 30
    person = OppUserFactory()
    key = new_token(person)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=29, hours=23)):
        assert works(key)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30, minutes=1)):
        response = calling_with(key).get("/api/v1/organizations/")
        assert response.status_code == 401
        assert "expired" in response.json()["detail"]


def test_changing_the_password_revokes_every_token(web):
    person = OppUserFactory()
    key = new_token(person)
    browser = web(person)
    changed = browser.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": "Caju-maduro-2026", "new_password2": "Caju-maduro-2026"})
    assert changed.status_code == 302
    assert not works(key)


def test_a_password_reset_revokes_every_token(web, mailoutbox):
    person = OppUserFactory(email="rosa@coop.example")
    key = new_token(person)
    client = web()
    client.post("/accounts/password/reset/", {"email": "rosa@coop.example"})
    confirm = client.get(link_in(mailoutbox[0]), follow=True)
    done = client.post(confirm.redirect_chain[-1][0], {"new_password1": "Caju-maduro-2026",
                                                       "new_password2": "Caju-maduro-2026"})
    assert done.status_code == 302
    assert not works(key)


def test_a_password_set_anywhere_else_revokes_every_token():
    person = OppUserFactory()
    key = new_token(person)
    person.set_password("Caju-maduro-2026")
    person.save()
    assert not works(key)


def test_turning_on_two_factor_sign_in_revokes_every_token(web):
    person = OppUserFactory()
    key = new_token(person)
    browser = web()
    browser.post("/accounts/login/", {"username": person.username, "password": PASSWORD})
    enrol(browser)
    assert not works(key)


def test_the_token_page_shows_a_new_token_once(web):
    person = OppUserFactory()
    browser = web(person)
    created = browser.post("/accounts/token/", {"action": "regenerate"})
    key = re.search(r"<code[^>]*>([^<]+)</code>", created.content.decode()).group(1)
    assert works(key)
    assert key not in browser.get("/accounts/token/").content.decode()


def test_authenticated_answers_are_never_stored_by_caches(web):
    person = OppUserFactory()
    issued = APIClient().post(URL, {"username": person.username, "password": PASSWORD}, format="json")
    assert "no-store" in issued["Cache-Control"]
    key = issued.json()["token"]
    assert "no-store" in calling_with(key).get("/api/v1/funds/")["Cache-Control"]
    browser = web(person)
    for path in ("/", "/accounts/profile/", "/api/v1/funds/"):
        response = browser.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
