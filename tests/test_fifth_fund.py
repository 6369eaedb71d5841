"""A fifth fund is one module: ``tests/fifth_fund.py``, registered here, lives its whole life through the
API and through the pages (draft, submit, screening, committee, approval, decision letter, payment, its
report and the document it owes after the award, close), and every list accepts it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from applications.models import Application
from disbursements.models import Disbursement
from funds import rules as registry
from funds.models import Fund
from letters.models import Letter
from notifications.models import Deadline
from reporting.models import ProjectReport
from tests.factories import OppUserFactory
from tests.workflow import cast_for, drive, ensure_capital, pdf_upload

from .fifth_fund import CODE, LOAN_CODE, SeedCapitalRules, SeedLoanRules

pytestmark = pytest.mark.django_db
# The demo's stories, written for the funds CLAC runs.
DEMO_DATA = {"seed_demo.py"}
PEOPLE = {"women": 3, "men": 2, "other": 0, "youth": 2, "adults": 3}


@pytest.fixture
def fifth_fund():
    """The test fund, registered for this test only, with its ``Fund`` row, capital and people."""
    rules = registry.register(SeedCapitalRules())
    try:
        fund = Fund.objects.create(code=CODE, kind=rules.kind, currency="USD")
        ensure_capital(CODE)
        fund.cast = cast_for(CODE)
        yield fund
    finally:
        registry.unregister(CODE)


def _fields(today=None):
    return SeedCapitalRules().example_fields(today or timezone.localdate())


def _page(user):
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_registry_takes_a_fund_and_lets_it_go():
    rules = registry.register(SeedCapitalRules())
    try:
        assert registry.rules_for(CODE) is rules
        assert (CODE, "Seed capital fund") in registry.fund_choices()
        assert CODE in [code for code, _name in registry.FUND_CHOICES]
    finally:
        registry.unregister(CODE)
    assert CODE not in registry.fund_codes()
    with pytest.raises(ValueError):
        registry.register(type("Bad", (SeedCapitalRules,), {"code": "Not A Code"})())


def test_the_whole_life_through_the_api(fifth_fund, api_as, django_capture_on_commit_callbacks):
    cast = fifth_fund.cast
    applicant = OppUserFactory()
    opp = api_as(applicant)
    today = timezone.localdate()

    # The fund is listed with its name, kind and documents.
    listed = {fund["code"]: fund for fund in opp.get("/api/v1/funds/").json()}
    assert listed[CODE]["name"] == "Seed capital fund"
    assert listed[CODE]["kind"] == "grant"
    assert listed[CODE]["required_documents"] == ["business_plan"]

    # A draft, checked by the fund's own fields; then completed and its document attached.
    fields = _fields()
    refused = opp.post("/api/v1/applications/", {
        "fund": CODE, "organization": applicant.organization_id,
        **fields, "partners": [{"name": "Solo", "share": 90}]}, format="json")
    assert refused.status_code == 400
    assert "partners" in refused.json()
    created = opp.post("/api/v1/applications/", {
        "fund": CODE, "organization": applicant.organization_id,
        **{k: v for k, v in fields.items() if k != "requested_amount"}}, format="json")
    assert created.status_code == 201, created.json()
    application = created.json()
    pk = application["id"]
    assert application["status"] == "draft"
    assert re.fullmatch(rf"SEED-{today.year}-\d{{5}}", application["reference"])
    patched = opp.patch(f"/api/v1/applications/{pk}/", {"requested_amount": "1500.00"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["assessment"]["eligible"] is True
    assert patched.json()["assessment"]["max_award"] == "1500.00"
    missing_document = opp.post(f"/api/v1/applications/{pk}/submit/")
    assert missing_document.status_code == 400
    assert "documents" in missing_document.json()
    uploaded = opp.post(f"/api/v1/applications/{pk}/documents/",
                        {"kind": "business_plan", "file": pdf_upload("plan.pdf")}, format="multipart")
    assert uploaded.status_code == 201

    # Submitted: the fund's own decision clock (20 days).
    submitted = opp.post(f"/api/v1/applications/{pk}/submit/")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["decision_due"] == (today + datetime.timedelta(days=20)).isoformat()

    # Lists filter by the fund.
    secretariat = api_as(cast.secretariat)
    in_list = secretariat.get(f"/api/v1/applications/?fund={CODE}").json()
    assert [row["id"] for row in in_list["results"]] == [pk]

    # Screening, the committee (scoring the fund's rubric) and the chair's approval with its letter.
    assert secretariat.post(f"/api/v1/applications/{pk}/start_screening/").status_code == 200
    assert secretariat.post(f"/api/v1/applications/{pk}/send_to_committee/").status_code == 200
    for member in cast.members:
        review = api_as(member).post(f"/api/v1/applications/{pk}/reviews/", {
            "score": 4, "recommendation": "approve", "comment": "Buen plan.", "criteria": {"plan": 4},
        }, format="json")
        assert review.status_code == 201, review.json()
    with django_capture_on_commit_callbacks(execute=True):
        approved = api_as(cast.chair).post(f"/api/v1/applications/{pk}/approve/",
                                           {"amount": "1400.00", "reason": "Plan sólido."}, format="json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    [letter] = opp.get(f"/api/v1/applications/{pk}/letters/").json()
    assert letter["decision"] == "approved" and letter["status"] == "rendered"
    pdf = opp.get(f"/api/v1/letters/{letter['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    # The document owed after the award has its reminders, dated by the fund's rules.
    opening = datetime.date.fromisoformat(fields["opening_date"])
    assert Deadline.objects.filter(application_id=pk, kind="final_baseline_due",
                                   due_on=opening + datetime.timedelta(days=30)).exists()

    # The organisation accepts; the treasurer approves the payment and another officer pays it.
    assert opp.post(f"/api/v1/applications/{pk}/accept_conditions/").status_code == 200
    [disbursement] = api_as(cast.finance).get(f"/api/v1/disbursements/?fund={CODE}").json()["results"]
    assert disbursement["application"] == pk
    assert disbursement["payee_kind"] == "organization"
    assert disbursement["payee_name"] == applicant.organization.legal_name
    assert api_as(cast.treasurer).post(
        f"/api/v1/disbursements/{disbursement['id']}/approve/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        paid = api_as(cast.finance).post(f"/api/v1/disbursements/{disbursement['id']}/pay/", {
            "paid_on": today.isoformat(), "reference": "TRF-SEED-1"}, format="json")
    assert paid.status_code == 200, paid.json()
    assert opp.get(f"/api/v1/applications/{pk}/").json()["status"] == "in_execution"

    # The photos owed after the award may be sent now; the report the fund asks for is filed.
    photos = opp.post(f"/api/v1/applications/{pk}/documents/",
                      {"kind": "opening_photos", "file": pdf_upload("fotos.pdf")}, format="multipart")
    assert photos.status_code == 201
    [report] = opp.get(f"/api/v1/applications/{pk}/project-reports/").json()
    assert report["kind"] == "progress"
    assert report["due_on"] == (today + datetime.timedelta(days=90)).isoformat()
    not_yet = secretariat.post(f"/api/v1/applications/{pk}/close/", {}, format="json")
    assert not_yet.status_code in (400, 409)
    filled = opp.patch(f"/api/v1/project-reports/{report['id']}/", {
        "narrative": "La tostadora abrió y vende a tres tiendas.", "people_reached": PEOPLE,
    }, format="json")
    assert filled.status_code == 200, filled.json()
    assert opp.post(f"/api/v1/project-reports/{report['id']}/submit/").status_code == 200
    assert secretariat.post(f"/api/v1/project-reports/{report['id']}/accept/", {},
                            format="json").status_code == 200

    # Closed; the outcomes count it under its fund.
    closed = secretariat.post(f"/api/v1/applications/{pk}/close/", {"reason": "Cumplido."}, format="json")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"
    outcomes = secretariat.get(f"/api/v1/reports/outcomes/?fund={CODE}")
    assert outcomes.status_code == 200
    assert outcomes.json()["awards"] == 1


def test_the_whole_life_through_the_pages(fifth_fund, django_capture_on_commit_callbacks):
    cast = fifth_fund.cast
    applicant = OppUserFactory()
    opp = _page(applicant)
    today = timezone.localdate()
    fields = _fields(today)

    # The form: the fund's steps, its labels and help, its rows.
    first = opp.get(f"/apply/{CODE}/")
    assert first.status_code == 200
    html = first.content.decode()
    assert "The business" in html and "Name of the business" in html
    assert "The day the business opens its doors." in html
    response = opp.post(f"/apply/{CODE}/", {
        "business_name": fields["business_name"], "activity": "processing",
        "opening_date": fields["opening_date"], "go": "next",
    })
    assert response.status_code == 302
    application = Application.objects.get(fund=fifth_fund)
    assert application.reference.startswith(f"SEED-{today.year}-")
    assert response["Location"] == f"/applications/{application.pk}/step/money/"
    money_step = opp.get(f"/applications/{application.pk}/step/money/").content.decode()
    assert "Seed capital asked for" in money_step and "Partner&#x27;s name" in money_step
    assert 'name="partners-2-name"' in money_step  # the fund's three rows
    bad = opp.post(f"/applications/{application.pk}/step/money/", {
        "requested_amount": "1,500.00", "partners-0-name": "Cooperativa", "partners-0-share": "70",
        "accepts_fund_rules": "on",
    })
    assert bad.status_code == 400
    assert "The shares must add up to 100." in bad.content.decode()
    response = opp.post(f"/applications/{application.pk}/step/money/", {
        "requested_amount": "1,500.00", "partners-0-name": "Cooperativa", "partners-0-share": "60",
        "partners-1-name": "Jóvenes", "partners-1-share": "40", "accepts_fund_rules": "on",
    })
    assert response["Location"] == f"/applications/{application.pk}/documents/"
    documents = opp.get(f"/applications/{application.pk}/documents/").content.decode()
    assert "Business plan" in documents
    opp.post(f"/applications/{application.pk}/documents/",
             {"kind": "business_plan", "file": pdf_upload("plan.pdf")})
    check = opp.get(f"/applications/{application.pk}/submit/")
    assert check.status_code == 200
    assert opp.post(f"/applications/{application.pk}/submit/").status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.data["requested_amount"] == "1500.00"

    # The secretariat's queue and list filter by the fund; screening; the committee.
    secretariat = _page(cast.secretariat)
    for url in (f"/secretariat/?fund={CODE}", f"/applications/?fund={CODE}"):
        listing = secretariat.get(url)
        assert listing.status_code == 200, url
        assert application.reference in listing.content.decode(), url
    assert secretariat.post(f"/applications/{application.pk}/do/start_screening/").status_code == 302
    assert secretariat.post(f"/applications/{application.pk}/do/send_to_committee/").status_code == 302
    for member in cast.members:
        page = _page(member)
        shown = page.get(f"/applications/{application.pk}/").content.decode()
        assert "Soundness of the business plan" in shown
        reviewed = page.post(f"/applications/{application.pk}/review/", {
            "score": "4", "criteria-plan": "4", "recommendation": "approve", "comment": "Bien"})
        assert reviewed.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        decided = _page(cast.chair).post(f"/applications/{application.pk}/do/approve/",
                                         {"amount": "1400.00", "reason": "Cumple"})
    assert decided.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"

    # The organisation reads its letter and accepts the conditions.
    page = opp.get(f"/applications/{application.pk}/").content.decode()
    letter = Letter.objects.get(application=application)
    assert f"/api/v1/letters/{letter.pk}/pdf/" in page
    assert opp.post(f"/applications/{application.pk}/do/accept_conditions/").status_code == 302

    # Finance: the desk, the lists and the ledger know the fund; approve, then another officer pays.
    treasurer, finance = _page(cast.treasurer), _page(cast.finance)
    disbursement = Disbursement.objects.get(application=application)
    for url in ("/finance/", f"/finance/disbursements/?fund={CODE}", f"/finance/funds/{CODE}/",
                "/finance/charts/"):
        shown = finance.get(url)
        assert shown.status_code == 200, url
    assert application.reference in finance.get(f"/finance/disbursements/?fund={CODE}").content.decode()
    treasurer.post(f"/finance/disbursements/{disbursement.pk}/approve/")
    with django_capture_on_commit_callbacks(execute=True):
        finance.post(f"/finance/disbursements/{disbursement.pk}/pay/",
                     {"paid_on": today.isoformat(), "reference": "TRF-SEED-2"})
    disbursement.refresh_from_db()
    application.refresh_from_db()
    assert disbursement.status == "paid" and application.status == "in_execution"
    assert disbursement.payee_name == applicant.organization.legal_name

    # The photos owed after the award, then the report, step by step; the secretariat accepts it.
    photos = opp.post(f"/applications/{application.pk}/documents/",
                      {"kind": "opening_photos", "file": pdf_upload("fotos.pdf")})
    assert photos.status_code == 302
    assert application.documents.filter(kind="opening_photos").exists()
    report = ProjectReport.objects.get(application=application)
    assert report.kind == "progress" and report.due_on == today + datetime.timedelta(days=90)
    base = f"/reports/{report.pk}/step"
    narrative = opp.post(f"{base}/narrative/", {"narrative": "Abrimos la tostadora.", "go": "next"})
    assert narrative.status_code == 302
    opp.post(f"{base}/people/", {f"people-{group}": str(count) for group, count in PEOPLE.items()}
             | {"go": "next"})
    assert opp.post(f"/reports/{report.pk}/do/submit/").status_code == 302
    assert secretariat.post(f"/reports/{report.pk}/do/accept/", {"comments": ""}).status_code == 302
    report.refresh_from_db()
    assert report.status == "accepted"

    # The file is closed; the outcomes page filters by the fund.
    assert secretariat.post(f"/applications/{application.pk}/do/close/").status_code == 302
    application.refresh_from_db()
    assert application.status == "closed"
    outcomes = secretariat.get(f"/reports/outcomes/?fund={CODE}")
    assert outcomes.status_code == 200
    assert "Seed capital fund" in outcomes.content.decode()


@pytest.fixture
def lending_fund():
    """The test fund's lending twin, registered for this test only, with its row, capital and people."""
    rules = registry.register(SeedLoanRules())
    try:
        fund = Fund.objects.create(code=LOAN_CODE, kind=rules.kind, currency="USD")
        ensure_capital(LOAN_CODE)
        fund.cast = cast_for(LOAN_CODE)
        yield fund
    finally:
        registry.unregister(LOAN_CODE)


def test_a_lending_fund_of_its_own_gets_loans_schedules_and_the_finance_pages(
        lending_fund, api_as, django_capture_on_commit_callbacks):
    cast = lending_fund.cast
    applicant = OppUserFactory()
    opp = api_as(applicant)
    today = timezone.localdate()
    assert {fund["code"]: fund["kind"] for fund in opp.get("/api/v1/funds/").json()}[LOAN_CODE] == "loan"
    created = opp.post("/api/v1/applications/", {"fund": LOAN_CODE, "organization": applicant.organization_id,
                                                  **_fields(today)}, format="json")
    pk = created.json()["id"]
    assert created.json()["reference"].startswith(f"SEEDL-{today.year}-")
    opp.post(f"/api/v1/applications/{pk}/documents/", {"kind": "business_plan", "file": pdf_upload()},
             format="multipart")
    assert opp.post(f"/api/v1/applications/{pk}/submit/").status_code == 200
    secretariat = api_as(cast.secretariat)
    secretariat.post(f"/api/v1/applications/{pk}/start_screening/")
    secretariat.post(f"/api/v1/applications/{pk}/send_to_committee/")
    for member in cast.members:
        api_as(member).post(f"/api/v1/applications/{pk}/reviews/",
                            {"score": 4, "recommendation": "approve"}, format="json")
    chair = api_as(cast.chair)

    # The approval takes the terms the fund's rules allow, and refuses others by field.
    refused = chair.post(f"/api/v1/applications/{pk}/approve/", {"amount": "1200.00", "term_months": 30},
                         format="json")
    assert refused.status_code == 400 and "term_months" in refused.json()
    with django_capture_on_commit_callbacks(execute=True):
        approved = chair.post(f"/api/v1/applications/{pk}/approve/",
                              {"amount": "1200.00", "term_months": 6, "reason": "Viable."}, format="json")
    assert approved.status_code == 200, approved.json()
    [letter] = opp.get(f"/api/v1/applications/{pk}/letters/").json()
    assert letter["status"] == "rendered"
    assert "loan" in letters_context(letter["id"])

    # Accepting the conditions makes the loan; paying it starts its schedule; a repayment is recorded.
    assert opp.post(f"/api/v1/applications/{pk}/accept_conditions/").status_code == 200
    finance = api_as(cast.finance)
    [loan] = finance.get(f"/api/v1/loans/?application={pk}").json()["results"]
    assert loan["principal"] == "1200.00" and Decimal(loan["annual_interest_rate"]) == Decimal("3")
    [disbursement] = finance.get(f"/api/v1/disbursements/?application={pk}").json()["results"]
    api_as(cast.treasurer).post(f"/api/v1/disbursements/{disbursement['id']}/approve/")
    with django_capture_on_commit_callbacks(execute=True):
        paid = finance.post(f"/api/v1/disbursements/{disbursement['id']}/pay/",
                            {"paid_on": today.isoformat(), "reference": "TRF-SEEDL"}, format="json")
    assert paid.status_code == 200, paid.json()
    schedule = finance.get(f"/api/v1/loans/{loan['id']}/schedule/").json()
    assert len(schedule) == 6
    repaid = finance.post(f"/api/v1/loans/{loan['id']}/repayments/",
                          {"amount": "100.00", "paid_on": today.isoformat(), "reference": "REC-SEEDL"},
                          format="json", HTTP_IDEMPOTENCY_KEY="seed-loan-1")
    assert repaid.status_code == 201, repaid.json()

    # Two funds lend now (the youth fund and this one): the finance pages cover every loan.
    drive(fund_code="youth-revolving", to="conditions_accepted")
    pages = _page(cast.finance)
    for url in ("/finance/", "/finance/loans/", f"/finance/loans/?fund={LOAN_CODE}", "/finance/charts/",
                f"/finance/loans/{loan['id']}/", "/finance/portfolio/download.csv"):
        assert pages.get(url).status_code == 200, url
    assert Application.objects.get(pk=pk).reference in pages.get(
        f"/finance/loans/?fund={LOAN_CODE}").content.decode()
    assert "REC-SEEDL" in _page(applicant).get(f"/applications/{pk}/").content.decode()


def letters_context(letter_id: int) -> dict:
    from letters.rendering import letter_context

    return letter_context(Letter.objects.get(pk=letter_id))


def test_no_module_outside_the_fund_rules_names_a_fund():
    """Everything particular to a fund is in its rules module: no other code, page or script of Fondos
    names one (the demo data, the load generator, benchmarks, docs, tests and migrations may)."""
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    skipped = {"tests", "loadtest", "benchmarks", "docs", "node_modules", "media", "migrations", "locale",
               "__pycache__"}
    names = [spelling for code in registry.fund_codes() for spelling in (code, code.replace("-", "_"))]
    offenders = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in skipped and not name.startswith(".")]
        here = Path(folder).relative_to(root)
        if here.parts[:2] == ("funds", "rules"):
            continue
        for name in files:
            if not name.endswith((".py", ".html", ".js")) or name in DEMO_DATA:
                continue
            text = (Path(folder) / name).read_text(encoding="utf-8")
            offenders += [f"{here / name}: {code}" for code in names if code in text]
    assert offenders == []
