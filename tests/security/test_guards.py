"""Sign-in lockout (form and token), two-factor sign-in, the audit history, headers, the 503 page."""

import base64
import hashlib
import hmac
import os
import re
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from applications import services
from organizations.choices import Role
from tests.factories import OppUserFactory, UserFactory, staff_user
from tests.workflow import drive

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pass-word-123"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


# Lockout ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_form_locks_out_after_five_failures_even_with_the_right_password():
    user = OppUserFactory()
    client = Client()
    for _ in range(5):
        response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 403)
    cache.clear()  # the window passes
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_token_endpoint_locks_out_after_five_failures_even_with_the_right_password():
    user = OppUserFactory()
    api = APIClient()
    url = reverse("api-token")
    for _ in range(5):
        assert api.post(url, {"username": user.username, "password": "wrong"}).status_code == 401
    response = api.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "token" not in response.json()


@pytest.mark.django_db
def test_token_endpoint_is_rate_limited_per_client(settings):
    api = APIClient()
    url = reverse("api-token")
    statuses = [api.post(url, {"username": f"nobody{n}", "password": "x"}).status_code for n in range(12)]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]


# Two-factor sign-in ----------------------------------------------------------------------------------


def totp_now(secret_base32: str, at: float | None = None) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), computed here rather than by the library under test."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def wrong_code(secret):
    return "000000" if totp_now(secret) != "000000" else "111111"


def enrol(client) -> str:
    page = client.get(reverse("security:two-factor"))
    assert page.status_code == 200
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.content.decode()).group(1)
    wrong = client.post(reverse("security:two-factor"), {"code": wrong_code(secret)})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    time.sleep(1.1)  # django-otp throttles a device for 2^(failures-1) seconds after a wrong code
    done = client.post(reverse("security:two-factor"), {"code": totp_now(secret)})
    assert done.status_code == 302
    return secret


@pytest.mark.django_db
def test_staff_enrol_a_totp_device_and_are_asked_for_the_code_at_sign_in():
    user = staff_user(Role.FINANCE, language="en")
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    secret = enrol(client)
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    replayed = client.post(reverse("security:two-factor-verify"), {"code": totp_now(secret)})
    assert replayed.status_code == 200, "the code used to enrol must not open a second session"
    with time_machine.travel(time.time() + 60, tick=True):  # the next code, a minute later
        signed_in_later(client, user, secret)


def signed_in_later(client, user, secret):
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    finance = client.get(reverse("finance"))
    assert finance.status_code == 302
    assert finance["Location"].startswith(reverse("security:two-factor-verify"))
    assert client.get("/api/v1/funds/").status_code == 403
    refused = client.post(reverse("security:two-factor-verify"), {"code": "12345x", "next": "/finance/"})
    assert refused.status_code == 200
    assert client.get(reverse("finance")).status_code == 302

    guessed = client.post(reverse("security:two-factor-verify"), {"code": wrong_code(secret)})
    assert guessed.status_code == 200
    throttled = client.post(reverse("security:two-factor-verify"), {"code": totp_now(secret)})
    assert throttled.status_code == 200, "right after a wrong guess even the right code must wait"
    time.sleep(2.1)  # two failures (the replayed code and the guess): 2 seconds
    verified = client.post(reverse("security:two-factor-verify"),
                           {"code": totp_now(secret), "next": "/finance/"})
    assert verified.status_code == 302 and verified["Location"] == "/finance/"
    assert client.get(reverse("finance")).status_code == 200
    assert client.get("/api/v1/funds/").status_code == 200


@pytest.mark.django_db
def test_verify_page_refuses_to_redirect_off_site():
    user = staff_user(Role.SECRETARIAT)
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    secret = enrol(client)
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    with time_machine.travel(time.time() + 60, tick=True):
        response = client.post(reverse("security:two-factor-verify"),
                               {"code": totp_now(secret), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_people_without_a_device_sign_in_with_the_password_alone():
    user = OppUserFactory()
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200


# Audit history ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_auditors_read_who_changed_an_application_and_opp_staff_may_not(api_as):
    application = drive(fund_code="catastrophic-events", to="screening")
    services.application_withdraw(application_id=application.pk, by=application.applicant)
    auditor = staff_user(Role.AUDITOR)
    response = api_as(auditor).get("/api/v1/audit/history/", {"model": "application", "id": application.pk})
    assert response.status_code == 200
    entries = response.json()["results"]
    assert [e["snapshot"]["status"] for e in entries][:2] == ["withdrawn", "screening"]
    assert entries[0]["changes"]["status"] == ["screening", "withdrawn"]
    assert entries[-1]["action"] == "created"
    assert {e["object_id"] for e in entries} == {application.pk}

    assert api_as(application.applicant).get(
        "/api/v1/audit/history/", {"model": "application", "id": application.pk}).status_code == 403
    assert api_as(staff_user(Role.FINANCE)).get(
        "/api/v1/audit/history/", {"model": "application"}).status_code == 403
    admin = api_as(staff_user(Role.ADMINISTRATOR))
    assert admin.get("/api/v1/audit/history/", {"model": "bogus"}).json().keys() == {"model"}
    assert admin.get("/api/v1/audit/history/", {"model": "loan", "id": "x"}).json().keys() == {"id"}


@pytest.mark.django_db
def test_user_history_never_shows_password_hashes(api_as):
    user = UserFactory()
    user.set_password("another-pass-456")
    user.first_name = "Rosa"
    user.save()
    auditor = api_as(staff_user(Role.AUDITOR))
    response = auditor.get("/api/v1/audit/history/", {"model": "user", "id": user.pk})
    body = response.content.decode()
    assert response.status_code == 200 and "Rosa" in body
    assert "password" not in body and "md5$" not in body and "pbkdf2" not in body


@pytest.mark.django_db
def test_history_records_who_made_a_change_through_the_api(api):
    owner = OppUserFactory()
    application = drive(fund_code="certification-subsidy", to="submitted", applicant=owner)
    api.force_authenticate(owner)
    assert api.post(f"/api/v1/applications/{application.pk}/withdraw/").status_code == 200
    record = application.history.order_by("-history_date", "-history_id").first()
    assert record.status == "withdrawn"
    assert record.history_user_id == owner.pk


# Headers ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_and_api_carry_a_content_security_policy(client):
    for path in (reverse("login"), "/api/schema/"):
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert response["X-Content-Type-Options"] == "nosniff"
    docs = client.get(reverse("api-docs"))
    assert "<script>" not in docs.content.decode()
    assert "script-src" not in docs["Content-Security-Policy"]


def test_production_cookies_and_transport_are_secure():
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
         "s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, "
         "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_HTTPONLY)"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
             "DJANGO_SETTINGS_MODULE": "config.settings.production",
             "SECRET_KEY": "k" * 20 + "x9Q!zP4#mW2$rT7&yU1*eI5(oA8)sD3^fG6-hJ0",
             "ALLOWED_HOSTS": "fondos.example"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-7:] == ["True", "True", "True", "True", "True", "Lax", "True"]


# The database is unreachable -------------------------------------------------------------------------

OUTAGE_SCRIPT = """
from django.test import Client
client = Client(raise_request_exception=False)
api = client.get("/api/v1/funds/", HTTP_AUTHORIZATION="Token 0123456789abcdef", HTTP_ACCEPT_LANGUAGE="pt")
print("API", api.status_code, api["Content-Type"], api.json()["detail"])
client.cookies["sessionid"] = "a-session-the-database-would-hold"
page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
print("PAGE", page.status_code, page["Content-Language"], "Traceback" in page.content.decode())
print(page.content.decode())
"""


def test_database_unreachable_gives_a_translated_503_not_a_traceback():
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update({"DATABASE_URL": "postgres://postgres@127.0.0.1:9/fondos_unreachable", "DEBUG": "false",
                "ALLOWED_HOSTS": "testserver", "DJANGO_SETTINGS_MODULE": "config.settings.test"})
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", OUTAGE_SCRIPT], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    api_line = next(line for line in lines if line.startswith("API "))
    assert api_line.startswith("API 503 application/json")
    assert "indisponível" in api_line
    page_line = next(line for line in lines if line.startswith("PAGE "))
    assert page_line == "PAGE 503 fr False"
    assert "temporairement indisponible" in result.stdout


@pytest.mark.django_db
def test_a_token_asks_for_the_second_factor_too():
    user = staff_user(Role.FINANCE, language="en")
    client = Client()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    secret = enrol(client)
    api = APIClient()
    url = reverse("api-token")
    without = api.post(url, {"username": user.username, "password": PASSWORD})
    assert without.status_code == 401
    assert "otp" in without.json()["detail"]
    with time_machine.travel(time.time() + 60, tick=True):  # a fresh code: the enrolment one is spent
        granted = api.post(url, {"username": user.username, "password": PASSWORD,
                                 "otp": totp_now(secret)})
    assert granted.status_code == 200, granted.content
    assert granted.json()["token"]
