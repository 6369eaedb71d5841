"""The production stack, from outside: run by ``bin/production-smoke`` against gunicorn with the production
settings, a Celery worker and Celery beat on PostgreSQL and Redis, over HTTPS on the loopback interface.

Everything goes through HTTP as a client would: the API takes one climate-fund application from draft to a
decision letter rendered by the worker; in the browser the organisation downloads that letter and accepts
the conditions; two finance officers, with their second factor, approve and pay the disbursement. Skipped
unless ``FONDOS_SMOKE_URL`` is set.
"""

import datetime
import hashlib
import hmac
import json
import os
import re
import struct
import time
from decimal import Decimal
from pathlib import Path

import pytest
import requests

BASE = os.environ.get("FONDOS_SMOKE_URL", "").rstrip("/")
CA = os.environ.get("FONDOS_SMOKE_CA", "")
# The base64 SHA-256 of the certificate's public key, which Chromium is told to trust (and nothing else).
SPKI = os.environ.get("FONDOS_SMOKE_SPKI", "")
PASSWORD = os.environ.get("FONDOS_SMOKE_PASSWORD", "")
# The authenticator keys (hex) of the finance officers, who sign in with a second factor in production.
TOTP_KEYS = json.loads(os.environ.get("FONDOS_SMOKE_TOTP") or "{}")
ARTIFACTS = Path(os.environ.get("FONDOS_SMOKE_ARTIFACTS", "test-artifacts/production-smoke"))
LETTER_SECONDS = 90

pytestmark = pytest.mark.skipif(not BASE, reason="runs against the stack that bin/production-smoke starts")

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# What the tests below hand on to the next one (they run in file order, as one journey).
journey: dict = {}


def client() -> requests.Session:
    """An HTTPS client that trusts the smoke's certificate alone (not the environment's CA bundle or
    proxies: requests would let REQUESTS_CA_BUNDLE override the session's setting)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = CA
    return session


def totp_now(key_hex: str) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), computed here rather than by the library under test."""
    counter = struct.pack(">Q", int(time.time() // 30))
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Caller:
    """One user of the API with a token of their own, as an outside system holds it."""

    def __init__(self, username: str):
        self.username = username
        self.session = client()
        self.session.headers["Accept-Language"] = "en"
        credentials = {"username": username, "password": PASSWORD}
        if username in TOTP_KEYS:
            credentials["otp"] = totp_now(TOTP_KEYS[username])
        response = self.session.post(f"{BASE}/api/v1/auth/token/", json=credentials, timeout=30)
        assert response.status_code == 200, f"token for {username}: {response.status_code} {response.text}"
        self.session.headers["Authorization"] = f"Token {response.json()['token']}"

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(BASE + path, timeout=30, **kwargs)

    def post(self, path: str, expect: int = 200, **kwargs) -> dict:
        response = self.session.post(BASE + path, timeout=60, **kwargs)
        assert response.status_code == expect, (
            f"{self.username} POST {path}: {response.status_code} {response.text}"
        )
        return response.json() if response.content else {}


def requests_token_without_code(username: str) -> requests.Response:
    return client().post(f"{BASE}/api/v1/auth/token/", json={"username": username, "password": PASSWORD},
                          timeout=30)


def test_pages_and_static_files_are_served_securely_by_the_application():
    anonymous = client()
    page = anonymous.get(f"{BASE}/accounts/login/", timeout=30)
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    csrf = next(cookie for cookie in anonymous.cookies if cookie.name == "csrftoken")
    assert csrf.secure
    # Static files by their hashed names, compressed, cached for ever; the unhashed names are not kept.
    stylesheet = re.search(r'href="(/static/css/fondos\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, "the page must name its stylesheet by its hashed name"
    css = anonymous.get(BASE + stylesheet.group(1), headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert css.headers["Content-Encoding"] == "gzip"
    assert "immutable" in css.headers["Cache-Control"]
    assert anonymous.get(f"{BASE}/static/css/fondos.css", timeout=30).status_code == 404
    # DEBUG is off: an unknown address is the site's own 404, no technical page.
    missing = anonymous.get(f"{BASE}/no-such-page/", timeout=30)
    assert missing.status_code == 404
    assert "URLconf" not in missing.text


def test_api_takes_an_application_to_a_decision_letter_rendered_by_the_worker():
    opp = Caller("opp-a")
    funds = opp.get("/api/v1/funds/").json()
    codes = {fund["code"] for fund in (funds["results"] if isinstance(funds, dict) else funds)}
    assert codes >= {"certification-subsidy", "youth-revolving", "climate-eventuality", "catastrophic-events"}
    organization = opp.get("/api/v1/organizations/").json()["results"][0]["id"]
    today = datetime.date.today()

    draft = opp.post("/api/v1/applications/", expect=201, json={
        "fund": "climate-eventuality", "organization": organization,
        "purpose": "adaptation", "project_description": "Riego por goteo en 40 parcelas de café.",
        "requested_amount": "8000.00",
        "project_end_date": (today + datetime.timedelta(days=365)).isoformat(),
        "baseline": [{"indicator": "Hectáreas con riego", "value": "12", "unit": "ha"}],
        "commits_to_final_baseline": True, "accepts_fund_rules": True,
    })
    assert draft["status"] == "draft"
    path = f"/api/v1/applications/{draft['id']}"
    opp.post(f"{path}/documents/", expect=201, data={"kind": "project_plan"},
             files={"file": ("plan.pdf", PDF_BYTES, "application/pdf")})
    assert opp.post(f"{path}/submit/")["status"] == "submitted"

    secretariat = Caller("secretariat")
    secretariat.post(f"{path}/start_screening/")
    assert secretariat.post(f"{path}/send_to_committee/")["status"] == "committee_review"
    committee = [Caller(member) for member in ("committee1", "committee2", "committee3")]
    for member in committee:
        member.post(f"{path}/reviews/", expect=201, json={
            "score": 4, "recommendation": "approve", "comment": "Plan claro y presupuesto razonable.",
        })
    chair = committee[-1]
    approved = chair.post(f"{path}/approve/", json={"amount": "7500.00", "reason": "Cumple los criterios."})
    assert approved["status"] == "approved"

    # The letter is rendered by the Celery worker, not by the web process.
    deadline = time.monotonic() + LETTER_SECONDS
    while True:
        letters = opp.get(f"{path}/letters/").json()
        letters = letters["results"] if isinstance(letters, dict) else letters
        if letters and letters[0]["status"] in {"rendered", "failed"}:
            break
        assert time.monotonic() < deadline, f"no letter rendered within {LETTER_SECONDS} s: {letters}"
        time.sleep(1)
    [letter] = letters
    assert letter["status"] == "rendered", letter
    pdf = opp.get(f"/api/v1/letters/{letter['id']}/pdf/")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert hashlib.sha256(pdf.content).hexdigest() == letter["sha256"]
    journey.update(application=draft["id"], letter_sha256=letter["sha256"], opp=opp)


@pytest.mark.browser
def test_in_the_browser_the_organisation_downloads_its_letter_and_accepts_the_conditions():
    from playwright.sync_api import sync_playwright

    assert journey, "the API journey above must have run"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[*CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={SPKI}"],
        )
        try:
            context = browser.new_context(locale="es", accept_downloads=True,
                                          viewport={"width": 390, "height": 844})
            context.set_default_timeout(20000)
            page = context.new_page()
            page.goto(f"{BASE}/accounts/login/")
            page.fill("#id_username", "opp-a")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit].primary")
            page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
            session = next(cookie for cookie in context.cookies() if cookie["name"] == "sessionid")
            assert session["secure"] and session["httpOnly"]
            # The stylesheet arrived (served by the application): the page is styled.
            assert page.evaluate("document.styleSheets.length && document.styleSheets[0].cssRules.length") > 0
            page.screenshot(path=str(ARTIFACTS / "1-home.png"), full_page=True)

            page.goto(f"{BASE}/applications/{journey['application']}/")
            with page.expect_download() as download_info:
                page.click("a[download]")
            letter = download_info.value.path().read_bytes()
            assert hashlib.sha256(letter).hexdigest() == journey["letter_sha256"]
            page.screenshot(path=str(ARTIFACTS / "2-approved.png"), full_page=True)

            page.click(f"form[action$='/applications/{journey['application']}/do/accept_conditions/'] button")
            page.wait_for_load_state()
            assert page.locator("form[action$='/do/accept_conditions/']").count() == 0
            page.screenshot(path=str(ARTIFACTS / "3-conditions-accepted.png"), full_page=True)
            context.close()
        finally:
            browser.close()


def test_finance_approves_and_pays_the_disbursement_and_the_books_balance():
    assert journey.get("application"), "the journeys above must have run"
    application, opp = journey["application"], journey["opp"]
    assert opp.get(f"/api/v1/applications/{application}/").json()["status"] == "conditions_accepted"

    # Two finance officers, each with the second factor: one approves, the other pays.
    assert requests_token_without_code("finance").status_code in {400, 401}
    time.sleep(1.1)  # the authenticator waits a second after a refused code
    treasurer, finance = Caller("treasurer"), Caller("finance")
    [disbursement] = finance.get(f"/api/v1/disbursements/?application={application}").json()["results"]
    assert disbursement["status"] == "pending"
    assert treasurer.post(f"/api/v1/disbursements/{disbursement['id']}/approve/")["status"] == "approved"
    paid = finance.post(f"/api/v1/disbursements/{disbursement['id']}/pay/",
                        json={"paid_on": datetime.date.today().isoformat(), "reference": "SMOKE-TRF-1"})
    assert paid["status"] == "paid"
    assert paid["paid_amount"] == "7500.00"
    assert opp.get(f"/api/v1/applications/{application}/").json()["status"] == "in_execution"

    ledger = finance.get("/api/v1/funds/climate-eventuality/ledger/").json()
    assert ledger["count"] == len(ledger["results"]), "a fresh database fits on one page"
    totals: dict = {}
    for entry in ledger["results"]:
        debits, credits = totals.get(entry["transaction"], (Decimal(0), Decimal(0)))
        totals[entry["transaction"]] = (debits + Decimal(entry["debit"] or 0),
                                        credits + Decimal(entry["credit"] or 0))
    assert totals and all(debits == credits for debits, credits in totals.values())
    assert any(entry["kind"] == "disbursement" and entry["application"] == application
               for entry in ledger["results"])

    # A token is revoked by DELETE and opens nothing afterwards.
    assert finance.session.delete(f"{BASE}/api/v1/auth/token/", timeout=30).status_code == 204
    assert finance.get("/api/v1/funds/").status_code == 401
