"""Sign-in limits count failures per account and per client address, the address read through the
configured number of trusted proxies, the same way on the sign-in page, the token endpoint and the API's
throttles; a lock is a short delay that grows with each failure, never a long hard lock-out."""

import time

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from organizations.choices import Role
from tests.factories import OppUserFactory, staff_user
from tests.security.test_guards import enrol, totp_now

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"
TOKEN_URL = "/api/v1/auth/token/"
PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def fresh_counters(settings):
    cache.clear()
    settings.FONDOS_LOGIN_FAILURES_PER_USERNAME = 3
    settings.FONDOS_LOGIN_FAILURES_PER_ADDRESS = 100
    settings.FONDOS_LOGIN_FIRST_DELAY_SECONDS = 30
    settings.FONDOS_LOGIN_LOCKOUT_SECONDS = 15 * 60
    yield
    cache.clear()


def token(client, username, password=PASSWORD, otp=None, **headers):
    body = {"username": username, "password": password, **({"otp": otp} if otp else {})}
    return client.post(TOKEN_URL, body, format="json", **headers)


# The client address -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "expected"), [
    (0, "203.0.113.9", None, "203.0.113.9"),
    (0, "203.0.113.9", "198.51.100.7", "203.0.113.9"),  # nobody trusted: the header is the client's word
    (1, PROXY, "198.51.100.7", "198.51.100.7"),
    (1, PROXY, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client wrote the left part itself
    (2, PROXY, "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
    (1, PROXY, None, PROXY),
    (1, PROXY, "not-an-address", PROXY),
    (2, PROXY, "198.51.100.7", "198.51.100.7"),  # fewer hops than proxies: the farthest one
    (1, PROXY, "2001:db8::1", "2001:db8::1"),
])
def test_the_client_address_is_read_through_the_trusted_proxies_only(settings, proxies, remote, forwarded,
                                                                     expected):
    from security.client import client_address

    settings.NUM_PROXIES = proxies
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(RequestFactory().get("/", **headers)) == expected


# No trusted proxy: a forged X-Forwarded-For changes nothing -------------------------------------------


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_token_throttle(settings):
    settings.NUM_PROXIES = 0
    api = APIClient(REMOTE_ADDR="203.0.113.20")
    statuses = [token(api, f"nobody{n}", "x", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
                for n in range(12)]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_address_limit(settings):
    settings.FONDOS_LOGIN_FAILURES_PER_ADDRESS = 4
    settings.NUM_PROXIES = 0
    api = APIClient(REMOTE_ADDR="203.0.113.21")
    for n in range(4):
        token(api, f"guess{n}", "x", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    person = OppUserFactory()
    assert token(api, person.username, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


# One trusted proxy: everyone arrives from the proxy's address ----------------------------------------


def test_behind_a_proxy_one_client_guessing_names_does_not_lock_out_the_others(settings):
    settings.FONDOS_LOGIN_FAILURES_PER_ADDRESS = 4
    settings.NUM_PROXIES = 1
    api = APIClient(REMOTE_ADDR=PROXY)
    attacker = {"HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for n in range(4):
        assert token(api, f"guess{n}", "x", **attacker).status_code == 401
    person = OppUserFactory()
    assert token(api, person.username, **attacker).status_code == 429
    # Writing another address in front of the proxy's own entry does not help the attacker...
    assert token(api, person.username, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.66").status_code == 429
    # ...and everyone else behind the same proxy signs in.
    assert token(api, person.username, HTTP_X_FORWARDED_FOR="198.51.100.10").status_code == 200


def test_behind_a_proxy_the_token_throttle_counts_each_client_and_ignores_forged_entries(settings):
    settings.NUM_PROXIES = 1
    api = APIClient(REMOTE_ADDR=PROXY)
    statuses = [token(api, f"nobody{n}", "x", HTTP_X_FORWARDED_FOR=f"10.66.0.{n}, 198.51.100.67").status_code
                for n in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    assert token(api, "nobody", "x", HTTP_X_FORWARDED_FOR="198.51.100.11").status_code == 401


def test_behind_a_proxy_the_sign_in_page_counts_each_client_apart(settings):
    settings.FONDOS_LOGIN_FAILURES_PER_ADDRESS = 4
    settings.NUM_PROXIES = 1
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.68")
    for n in range(4):
        attacker.post("/accounts/login/", {"username": f"guess{n}", "password": "x"})
    person = OppUserFactory()
    refused = attacker.post("/accounts/login/", {"username": person.username, "password": PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in attacker.session
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.12")
    assert colleague.post("/accounts/login/", {"username": person.username,
                                               "password": PASSWORD}).status_code == 302


# Delays grow with each failure and never last long ---------------------------------------------------


def test_an_account_lock_is_a_short_delay_that_grows_with_each_failure():
    person = OppUserFactory()
    start = time.time()
    with time_machine.travel(start, tick=False) as clock:
        api = APIClient(REMOTE_ADDR="203.0.113.30")
        for _attempt in range(3):
            assert token(api, person.username, "wrong").status_code == 401
        assert token(api, person.username).status_code == 429  # 30 s
        clock.shift(31)
        assert token(api, person.username, "wrong").status_code == 401  # a fourth failure: 60 s
        clock.shift(31)
        assert token(api, person.username).status_code == 429
        clock.shift(30)
        assert token(api, person.username).status_code == 200
        # Signing in clears the account's count: the next mistake does not lock again at once.
        assert token(api, person.username, "wrong").status_code == 401
        assert token(api, person.username).status_code == 200


def test_the_delay_never_exceeds_the_configured_maximum():
    person = OppUserFactory()
    with time_machine.travel(time.time(), tick=False) as clock:
        api = APIClient(REMOTE_ADDR="203.0.113.31")
        for _attempt in range(12):  # every failure after the third doubles the delay, up to the cap
            token(api, person.username, "wrong")
            clock.shift(15 * 60 + 1)
        assert token(api, person.username, "wrong").status_code == 401
        clock.shift(15 * 60 + 1)
        assert token(api, person.username).status_code == 200


# The second factor lifts an account's wait -----------------------------------------------------------


def test_the_password_and_the_current_code_together_lift_an_account_wait(settings):
    settings.FONDOS_LOGIN_FIRST_DELAY_SECONDS = 600
    person = staff_user(Role.SECRETARIAT)
    browser = Client()
    browser.post("/accounts/login/", {"username": person.username, "password": PASSWORD})
    secret = enrol(browser)
    attacker = APIClient(REMOTE_ADDR="203.0.113.40")
    for _attempt in range(3):
        assert token(attacker, person.username, "wrong").status_code == 401
    legit = APIClient(REMOTE_ADDR="203.0.113.41")
    with time_machine.travel(time.time() + 60, tick=True):  # a fresh code: the enrolment's is spent
        code = totp_now(secret)
        assert token(legit, person.username).status_code == 429, "the password alone waits"
        assert token(attacker, person.username, "wrong", otp=code).status_code == 429, "no hint either way"
        lifted = token(legit, person.username, otp=code)
        assert lifted.status_code == 200 and lifted.json()["token"]
    # The wait is over for everyone: the next attempt is judged on its merits again.
    assert token(legit, person.username).status_code == 401


def test_without_a_second_factor_a_code_lifts_nothing(settings):
    settings.FONDOS_LOGIN_FIRST_DELAY_SECONDS = 600
    person = OppUserFactory()
    api = APIClient(REMOTE_ADDR="203.0.113.42")
    for _attempt in range(3):
        token(api, person.username, "wrong")
    assert token(api, person.username, otp="123456").status_code == 429


def test_an_address_wait_is_never_lifted(settings):
    settings.FONDOS_LOGIN_FAILURES_PER_ADDRESS = 4
    settings.FONDOS_LOGIN_FIRST_DELAY_SECONDS = 600
    person = staff_user(Role.SECRETARIAT)
    browser = Client()
    browser.post("/accounts/login/", {"username": person.username, "password": PASSWORD})
    secret = enrol(browser)
    api = APIClient(REMOTE_ADDR="203.0.113.43")
    for n in range(4):
        token(api, f"guess{n}", "x")
    with time_machine.travel(time.time() + 60, tick=True):
        assert token(api, person.username, otp=totp_now(secret)).status_code == 429
