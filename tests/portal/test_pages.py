"""The pages through Django's test client: who sees what, and where form errors appear."""

import datetime
import re

import pytest
from django.utils import timezone

from applications.models import Application, Review
from disbursements.models import Disbursement, Loan, Repayment
from organizations.choices import Role
from tests.factories import OppUserFactory, staff_user
from tests.workflow import approved_on, drive, pdf_upload

pytestmark = pytest.mark.django_db


def _field_error(html: str, field_id: str) -> str:
    """The text of the error paragraph tied to the input ``field_id`` (aria-describedby)."""
    match = re.search(rf'<p class="field-error" id="{field_id}-error"[^>]*>([^<]+)</p>', html)
    return match.group(1) if match else ""


def test_another_organisations_application_is_not_found_on_every_page(client_for):
    application = drive(fund_code="catastrophic-events", to="draft")
    stranger = client_for(OppUserFactory())
    document = application.documents.first()
    for url in (
        f"/applications/{application.pk}/",
        f"/applications/{application.pk}/step/event/",
        f"/applications/{application.pk}/documents/",
        f"/applications/{application.pk}/documents/{document.pk}/",
        f"/applications/{application.pk}/submit/",
    ):
        assert stranger.get(url).status_code == 404, url
    assert stranger.post(f"/applications/{application.pk}/do/withdraw/").status_code == 404
    assert stranger.post(f"/applications/{application.pk}/review/").status_code == 404


def test_staff_who_see_a_file_may_not_edit_it(client_for):
    application = drive(fund_code="catastrophic-events", to="submitted")
    secretariat = client_for(application.cast.secretariat)
    assert secretariat.get(f"/applications/{application.pk}/").status_code == 200
    assert secretariat.get(f"/applications/{application.pk}/documents/").status_code == 403
    assert secretariat.post(f"/applications/{application.pk}/do/withdraw/").status_code == 403
    # The OPP may not screen its own application.
    applicant = client_for(application.applicant)
    assert applicant.post(f"/applications/{application.pk}/do/start_screening/").status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


def test_committee_does_not_see_applications_before_they_are_sent(client_for):
    application = drive(fund_code="catastrophic-events", to="screening")
    member = client_for(application.cast.members[0])
    assert member.get(f"/applications/{application.pk}/").status_code == 404
    assert application.reference not in member.get("/committee/").content.decode()


def test_queues_refuse_the_wrong_role(client_for):
    opp = client_for(OppUserFactory())
    for url in ("/committee/", "/secretariat/", "/finance/", "/finance/loans/", "/finance/charts/",
                "/finance/funds/youth-revolving/"):
        assert opp.get(url).status_code == 403, url
    member = client_for(staff_user(Role.COMMITTEE_MEMBER, "catastrophic-events"))
    assert member.get("/secretariat/").status_code == 403
    assert member.get("/finance/").status_code == 403
    assert client_for(staff_user(Role.FINANCE)).get("/committee/").status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/applications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_step_with_a_bad_answer_saves_nothing_and_says_why_beside_the_field(client_for):
    user = OppUserFactory()
    page = client_for(user)
    response = page.post("/apply/catastrophic-events/", {
        "crop": "coffee", "event_type": "hurricane", "event_start": "2026-13-40",
        "event_description": "Viento",
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert _field_error(html, "id_event_start")
    assert 'aria-describedby="id_event_start-error"' in html
    assert 'value="coffee"' not in html or "Viento" in html  # what was typed is shown again
    assert not Application.objects.exists()


def test_each_step_saves_the_draft_and_errors_are_in_the_users_language(client_for):
    user = OppUserFactory(language="fr")
    page = client_for(user)
    response = page.post("/apply/youth-revolving/", {
        "project_title": "Pépinière", "project_description": "Plants de café",
        "value_chain_link": "Renouvelle les caféiers", "go": "next",
    })
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.data["project_title"] == "Pépinière"
    assert response["Location"] == f"/applications/{application.pk}/step/loan/"
    response = page.post(f"/applications/{application.pk}/step/loan/", {
        "requested_amount": "beaucoup", "term_months": "12",
    })
    assert response.status_code == 400
    assert "nombre" in _field_error(response.content.decode(), "id_requested_amount").lower()
    application.refresh_from_db()
    assert "term_months" not in application.data
    response = page.post(f"/applications/{application.pk}/step/loan/", {
        "requested_amount": "2500,50", "term_months": "12", "repayment_frequency": "monthly",
    })
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.data["requested_amount"] == "2500.50"
    assert application.data["term_months"] == 12


def test_nested_rows_are_read_and_their_errors_placed_on_the_row(client_for):
    application = drive(fund_code="catastrophic-events", to="draft", fields={})
    page = client_for(application.applicant)
    response = page.post(f"/applications/{application.pk}/step/production/", {
        "season_productions-0-season": "2021", "season_productions-0-volume": "1000",
        "season_productions-1-season": "2022", "season_productions-1-volume": "mucho",
        "season_productions-2-season": "2023", "season_productions-2-volume": "1000",
    })
    assert response.status_code == 400
    assert _field_error(response.content.decode(), "id_season_productions-1-volume")
    response = page.post(f"/applications/{application.pk}/step/production/", {
        "season_productions-0-season": "2021", "season_productions-0-volume": "1000",
        "season_productions-1-season": "2022", "season_productions-1-volume": "1000",
        "season_productions-2-season": "2023", "season_productions-2-volume": "1000",
        "season_productions-3-season": "", "season_productions-3-volume": "",
        "affected_season_volume": "600", "unit": "qq", "reference_price": "150",
    })
    assert response.status_code == 302
    application.refresh_from_db()
    assert [row["volume"] for row in application.data["season_productions"]] == ["1000.000"] * 3


def test_the_check_page_shows_the_loss_and_the_submit_refusal(client_for):
    application = drive(fund_code="catastrophic-events", to="draft")
    page = client_for(application.applicant)
    html = page.get(f"/applications/{application.pk}/submit/").content.decode()
    assert "40,00 %" in html  # 600 of a 1000 baseline, in Spanish
    application.documents.all().delete()
    response = page.post(f"/applications/{application.pk}/submit/")
    assert response.status_code == 400
    assert "Evidencia" in response.content.decode() or "evidence" in response.content.decode().lower()
    application.refresh_from_db()
    assert application.status == "draft"


def test_a_refused_upload_says_why(client_for):
    application = drive(fund_code="catastrophic-events", to="draft")
    page = client_for(application.applicant)
    response = page.post(f"/applications/{application.pk}/documents/", {
        "kind": "damage_evidence", "file": pdf_upload("fotos.exe", b"MZ\x90\x00 not a pdf"),
    })
    assert response.status_code == 400
    assert _field_error(response.content.decode(), "id_file")
    response = page.post(
        f"/applications/{application.pk}/documents/",
        {"kind": "damage_evidence", "file": pdf_upload("fotos.exe", b"MZ\x90\x00 not a pdf")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 400 and response.json()["error"]
    response = page.post(f"/applications/{application.pk}/documents/",
                         {"kind": "damage_evidence", "file": pdf_upload("informe.pdf")},
                         headers={"x-requested-with": "XMLHttpRequest"})
    assert response.json()["ok"] is True
    assert application.documents.filter(original_name="informe.pdf").exists()


def test_request_information_errors_are_beside_the_fields(client_for):
    application = drive(fund_code="catastrophic-events", to="screening")
    page = client_for(application.cast.secretariat)
    response = page.post(f"/applications/{application.pk}/do/request_information/",
                         {"message": "", "respond_by": timezone.localdate().isoformat()})
    assert response.status_code == 400
    html = response.content.decode()
    assert _field_error(html, "id_message")
    assert _field_error(html, "id_respond_by")
    application.refresh_from_db()
    assert application.status == "screening"


def test_committee_review_conflict_and_chair_decision(client_for):
    application = drive(fund_code="catastrophic-events", to="committee_review")
    first, second, chair = application.cast.members
    response = client_for(first).post(f"/applications/{application.pk}/review/",
                                      {"conflict_of_interest": "yes", "comment": ""})
    assert response.status_code == 400
    assert _field_error(response.content.decode(), "id_conflict_comment")
    client_for(first).post(f"/applications/{application.pk}/review/",
                           {"conflict_of_interest": "yes", "comment": "Soy socio"})
    response = client_for(second).post(f"/applications/{application.pk}/review/", {"score": "4"})
    assert response.status_code == 400
    assert _field_error(response.content.decode(), "id_recommendation")
    client_for(second).post(f"/applications/{application.pk}/review/",
                            {"score": "4", "recommendation": "approve", "comment": "Bien"})
    assert Review.objects.filter(application=application).count() == 2
    # The second member may not decide; the chair may, once the quorum is reached.
    assert client_for(second).post(f"/applications/{application.pk}/do/approve/").status_code == 403
    chair_page = client_for(chair)
    html = chair_page.get(f"/applications/{application.pk}/").content.decode()
    assert "Soy socio" in html and f'action="/applications/{application.pk}/do/approve/"' in html
    response = chair_page.post(f"/applications/{application.pk}/do/approve/", {"amount": "999999"})
    assert response.status_code == 400
    assert _field_error(response.content.decode(), "id_amount")
    chair_page.post(f"/applications/{application.pk}/review/",
                    {"score": "5", "recommendation": "approve"})
    response = chair_page.post(f"/applications/{application.pk}/do/approve/",
                               {"amount": "5000.00", "reason": "Cumple"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved" and str(application.approved_amount) == "5000.00"
    # The applicant never sees the committee's reviews.
    assert "Soy socio" not in client_for(application.applicant).get(
        f"/applications/{application.pk}/").content.decode()


def test_repayment_form_is_safe_against_a_double_submit(client_for):
    application = drive(fund_code="youth-revolving", to="conditions_accepted")
    finance = client_for(application.cast.finance)
    disbursement = Disbursement.objects.get(application=application)
    client_for(application.cast.treasurer).post(f"/finance/disbursements/{disbursement.pk}/approve/")
    paid_on = timezone.localdate() - datetime.timedelta(days=95)
    approved_on(application, paid_on)
    finance.post(f"/finance/disbursements/{disbursement.pk}/pay/",
                 {"paid_on": paid_on.isoformat(), "reference": "TRF-1"})
    loan = Loan.objects.get(application=application)
    assert loan.status in ("active", "in_arrears")
    html = finance.get(f"/finance/loans/{loan.pk}/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html).group(1)
    form = {"idempotency_key": key, "amount": "260.00", "paid_on": timezone.localdate().isoformat(),
            "reference": "REC-1"}
    assert finance.post(f"/finance/loans/{loan.pk}/", form).status_code == 302
    assert finance.post(f"/finance/loans/{loan.pk}/", form).status_code == 302
    assert Repayment.objects.filter(loan=loan).count() == 1
    response = finance.post(f"/finance/loans/{loan.pk}/", {**form, "idempotency_key": "x" * 10,
                                                           "amount": "-3"})
    assert response.status_code == 400
    assert _field_error(response.content.decode(), "id_amount")
    # The organisation sees its schedule and balance but cannot record payments.
    opp = client_for(application.applicant)
    html = opp.get(f"/applications/{application.pk}/").content.decode()
    assert 'id="loan-title"' in html and "REC-1" in html
    assert opp.post(f"/finance/loans/{loan.pk}/", form).status_code == 403
    assert client_for(OppUserFactory()).get(f"/finance/loans/{loan.pk}/").status_code == 404


def test_finance_pages_render_reports_and_charts(client_for):
    drive(fund_code="catastrophic-events", to="approved")
    finance = client_for(staff_user(Role.FINANCE))
    for url in ("/finance/", "/finance/loans/", "/finance/charts/", "/finance/funds/catastrophic-events/"):
        response = finance.get(url)
        assert response.status_code == 200, url
    html = finance.get("/finance/charts/").content.decode()
    assert html.count("<svg") >= 5
    assert "cdn" not in html.lower()


def test_members_score_the_rubric_criteria_by_name_in_their_language(client_for):
    application = drive(fund_code="catastrophic-events", to="committee_review")
    first, second, _chair = application.cast.members
    for member in (first, second):
        member.language = "fr"
        member.save(update_fields=["language"])
    page = client_for(first).get(f"/applications/{application.pk}/").content.decode()
    assert 'name="criteria-evidence_quality"' in page and 'name="criteria-severity"' in page
    assert "Qualité des preuves de la perte" in page and "Gravité de la perte pour les producteurs" in page
    review = f"/applications/{application.pk}/review/"
    response = client_for(first).post(review, {"score": "4", "recommendation": "approve",
                                               "criteria-evidence_quality": "9", "criteria-severity": "3"})
    assert response.status_code == 400
    html = response.content.decode()
    assert _field_error(html, "id_criteria") == "Chaque critère est noté de 1 à 5."
    assert 'name="criteria-severity" value="3" checked' in html  # nothing to choose twice
    assert not Review.objects.filter(application=application).exists()
    response = client_for(first).post(review, {"score": "4", "recommendation": "approve",
                                               "criteria-evidence_quality": "5", "criteria-severity": "3"})
    assert response.status_code == 302
    assert Review.objects.get(application=application, reviewer=first).criteria == {
        "evidence_quality": 5, "severity": 3}
    table = client_for(second).get(f"/applications/{application.pk}/").content.decode()
    assert "Qualité des preuves de la perte: 5" in table
    assert "Gravité de la perte pour les producteurs: 3" in table
