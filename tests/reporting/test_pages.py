"""The report pages through Django's test client: filling step by step, reviewing, the outcomes."""

import pytest
from django.test import Client

from tests.factories import OppUserFactory
from tests.workflow import pdf_upload

from .helpers import accept

pytestmark = pytest.mark.django_db


def client_for(user, language="es"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def award(paid_award):
    return paid_award("climate-eventuality")


def test_the_organisation_fills_the_final_report_step_by_step(award):
    report = award.project_reports.get(kind="final")
    opp = client_for(award.applicant)
    page = opp.get(f"/applications/{award.pk}/")
    assert f"/reports/{report.pk}/" in page.content.decode()

    base = f"/reports/{report.pk}/step"
    assert opp.post(f"{base}/narrative/", {"narrative": "Riego instalado.", "go": "next"})["Location"] == \
        f"{base}/indicators/"
    report.refresh_from_db()
    assert report.status == "draft" and report.narrative == "Riego instalado."
    response = opp.post(f"{base}/indicators/", {
        "indicator-rows": "4", "ind-0-indicator": "Hectáreas con riego", "ind-0-unit": "ha",
        "ind-0-fixed": "1", "ind-0-value": "30,5", "ind-1-indicator": "Pozos", "ind-1-unit": "unidades",
        "ind-1-baseline": "1", "ind-1-value": "4", "go": "next"})
    assert response.status_code == 302
    assert [(i.indicator, str(i.value)) for i in report.indicators.all()] == [
        ("Hectáreas con riego", "30.5000"), ("Pozos", "4.0000")]
    bad = opp.post(f"{base}/people/", {"people-women": "-3", "go": "next"})
    assert bad.status_code == 400
    assert 'role="alert"' in bad.content.decode()
    opp.post(f"{base}/people/", {"people-women": "5", "people-men": "4", "people-other": "0",
                                 "people-youth": "3", "people-adults": "6", "go": "next"})
    opp.post(f"{base}/money/", {"expenditure-rows": "1", "exp-0-budget_line": "Tubería",
                                "exp-0-amount": "1.200,50", "exp-0-currency": "USD", "go": "stay"})
    report.refresh_from_db()
    assert report.expenditures == [{"budget_line": "Tubería", "amount": "1200.50", "currency": "USD"}]
    missing = opp.post(f"/reports/{report.pk}/do/submit/")
    assert missing.status_code == 400
    assert "Tubería" in missing.content.decode()
    opp.post(f"/reports/{report.pk}/attachments/", {"kind": "receipt", "budget_line": "Tubería",
                                                    "file": pdf_upload("factura.pdf"), "step": "money"})
    assert opp.post(f"/reports/{report.pk}/do/submit/").status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"


def test_the_secretariat_returns_with_comments_from_the_page(award):
    report = award.project_reports.get(kind="final")
    accept_page = client_for(award.cast.secretariat)
    from reporting import services

    services.project_report_update(report_id=report.pk, by=award.applicant, fields={
        "narrative": "x", "people_reached": {"women": 1, "men": 0, "other": 0, "youth": 1, "adults": 0},
        "indicators": [{"indicator": "Hectáreas con riego", "unit": "ha", "value": "3"}]})
    services.project_report_submit(report_id=report.pk, by=award.applicant)
    empty = accept_page.post(f"/reports/{report.pk}/do/return/", {"comments": ""})
    assert empty.status_code == 400
    assert 'id="id_comments-error"' in empty.content.decode()
    accept_page.post(f"/reports/{report.pk}/do/return/", {"comments": "Falta el detalle."})
    report.refresh_from_db()
    assert report.status == "returned"
    opp_page = client_for(award.applicant).get(f"/reports/{report.pk}/").content.decode()
    assert "Falta el detalle." in opp_page


def test_another_organisations_report_pages_are_not_found(award):
    report = award.project_reports.get(kind="final")
    stranger = client_for(OppUserFactory())
    for url in (f"/reports/{report.pk}/", f"/reports/{report.pk}/step/narrative/"):
        assert stranger.get(url).status_code == 404, url
    for url in (f"/reports/{report.pk}/do/submit/", f"/reports/{report.pk}/attachments/",
                f"/reports/{report.pk}/step/narrative/"):
        assert stranger.post(url).status_code == 404, url


def test_staff_may_not_write_the_organisations_report(award):
    report = award.project_reports.get(kind="final")
    assert client_for(award.cast.secretariat).get(f"/reports/{report.pk}/step/narrative/").status_code == 403


def test_outcomes_page_and_downloads_in_four_languages(award):
    accept(award.project_reports.get(kind="progress"), award,
           indicators=[{"indicator": "Hectáreas con riego", "unit": "ha", "value": "18"}])
    staff = award.cast.secretariat
    expected = {"es": "Lo que cambiaron los fondos", "pt": "O que os fundos mudaram",
                "fr": "Ce que les fonds ont changé", "en": "What the funds changed"}
    for language, title in expected.items():
        staff.language = language
        staff.save(update_fields=["language"])
        page = client_for(staff, language).get("/reports/outcomes/")
        html = page.content.decode()
        assert page.status_code == 200
        assert title in html, language
        assert "<svg" in html and "Hectáreas con riego" in html
    staff.language = "es"
    staff.save(update_fields=["language"])
    csv = client_for(staff, "es").get("/reports/outcomes/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Por país" in csv.content.decode()
    assert client_for(award.applicant).get("/reports/outcomes/").status_code == 403
    queue = client_for(staff).get("/reports/")
    assert queue.status_code == 200


@pytest.mark.parametrize(("language", "typed", "wrong", "shown"), [
    ("es", "1.200,50", "1,200.50", "1.200,50"),
    ("fr", "1 200,50", "1.200,50", "1\u202f200,50"),
    ("en", "1,200.50", "1.200,50", "1,200.50"),
])
def test_report_numbers_are_read_and_shown_as_the_language_writes_them(award, language, typed, wrong, shown):
    report = award.project_reports.get(kind="final")
    award.applicant.language = language
    award.applicant.save(update_fields=["language"])
    opp = client_for(award.applicant, language)
    base = f"/reports/{report.pk}/step"
    refused = opp.post(f"{base}/money/", {"expenditure-rows": "1", "exp-0-budget_line": "Tubería",
                                          "exp-0-amount": wrong, "exp-0-currency": "USD", "go": "stay"})
    assert refused.status_code == 400
    from django.utils import translation

    from core.parsing import number_hint

    with translation.override(language):
        hint = number_hint()
    assert hint in refused.content.decode() and 'id="error-summary"' in refused.content.decode()
    report.refresh_from_db()
    assert report.expenditures == []
    opp.post(f"{base}/money/", {"expenditure-rows": "1", "exp-0-budget_line": "Tubería",
                                "exp-0-amount": typed, "exp-0-currency": "USD", "go": "stay"})
    report.refresh_from_db()
    assert report.expenditures == [{"budget_line": "Tubería", "amount": "1200.50", "currency": "USD"}]
    assert f'value="{shown}"' in opp.get(f"{base}/money/").content.decode()
