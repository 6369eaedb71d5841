"""Pages that help: the fund's limits before applying, every answer in words on the last step, the
member out of the age range named, the quorum before the decision, the assessed amount in the queue."""

import datetime

import pytest
from django.utils import timezone

from applications.reviews import review_submit
from funds.rules import rules_for
from funds.rules.base import AssessmentContext
from tests.factories import OppUserFactory
from tests.workflow import drive, valid_fields

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("fund_code", "language", "expected"), [
    ("youth-revolving", "es", ["Préstamos de hasta 5.000,00", "36 meses", "de 0\u00a0% a 6\u00a0% anual",
                               "entre 18 y 35 años", "Carta de aval de la OPP"]),
    ("catastrophic-events", "en", ["greater than 30%", "30% of the value lost", "$20,000.00", "45 days"]),
    ("certification-subsidy", "fr", ["75\u00a0%", "50\u00a0%", "5\u202f000,00"]),
    ("climate-eventuality", "pt", ["Doações de até", "15.000,00"]),
])
def test_the_funds_limits_are_shown_before_applying(client_for, fund_code, language, expected):
    from tests.workflow import ensure_capital

    ensure_capital(fund_code)
    page = client_for(OppUserFactory(language=language))
    html = page.get(f"/apply/{fund_code}/").content.decode()
    assert 'aria-labelledby="limits-title"' in html
    for text in expected:
        assert text in html, text


def test_the_last_step_shows_every_answer_in_words_in_the_persons_language(client_for):
    application = drive(fund_code="catastrophic-events", to="draft")
    application.applicant.language = "es"
    application.applicant.save(update_fields=["language"])
    html = client_for(application.applicant).get(f"/applications/{application.pk}/submit/").content.decode()
    assert "Sus respuestas" in html
    assert "Café" in html and "Huracán" in html  # codes as words
    assert "coffee" not in html and "hurricane" not in html
    start = datetime.date.fromisoformat(application.data["event_start"])
    assert start.isoformat() not in html  # dates as the language writes them
    assert "Quintal" in html or "quintal" in html
    assert "1.000" in html and "150" in html
    assert f'href="/applications/{application.pk}/step/event/"' in html


def test_the_youth_members_genders_are_words_on_the_review(client_for):
    application = drive(fund_code="youth-revolving", to="draft")
    application.applicant.language = "en"
    application.applicant.save(update_fields=["language"])
    html = client_for(application.applicant).get(f"/applications/{application.pk}/submit/").content.decode()
    assert "Ana López" in html and "Female" in html and "female" not in html.replace("Female", "")
    assert "3,000.00" in html


def test_an_ineligible_youth_group_names_the_member_out_of_range():
    today = timezone.localdate()
    data = valid_fields("youth-revolving")
    data["members"][1]["birth_date"] = today.replace(year=today.year - 40).isoformat()
    application = drive(fund_code="youth-revolving", to="draft")
    ctx = AssessmentContext(organization=application.organization,
                            parameters=application.fund.parameters_on(today), on=today, currency="USD")
    assessment = rules_for("youth-revolving").assess(data, ctx)
    assert not assessment.eligible
    assert any("Luis Pérez" in str(reason) and "40" in str(reason) for reason in assessment.reasons)
    assert not any("Ana López" in str(reason) for reason in assessment.reasons)


def test_the_chair_sees_the_quorum_before_the_decision_buttons(client_for):
    application = drive(fund_code="catastrophic-events", to="committee_review")
    chair = application.cast.chair
    chair.language = "en"
    chair.save(update_fields=["language"])
    html = client_for(chair).get(f"/applications/{application.pk}/").content.decode()
    actions = html.index('id="actions-title"')
    assert "Quorum not reached yet" in html[actions:html.index("Approve the application")]
    for member in application.cast.members:
        review_submit(application_id=application.pk, by=member, conflict_of_interest=False, score=4,
                      criteria={}, recommendation="approve", comment="Bien documentado")
    html = client_for(chair).get(f"/applications/{application.pk}/").content.decode()
    actions = html.index('id="actions-title"')
    assert "Quorum reached." in html[actions:html.index("Approve the application")]


def test_the_secretariats_queue_shows_the_assessed_amount(client_for):
    application = drive(fund_code="catastrophic-events", to="submitted")
    secretariat = application.cast.secretariat
    secretariat.language = "en"
    secretariat.save(update_fields=["language"])
    html = client_for(secretariat).get("/secretariat/").content.decode()
    assert "Assessed maximum" in html
    max_award = application.assessment["max_award"]
    assert max_award
    from django.utils import translation

    from portal.templatetags.portal import money

    with translation.override("en"):
        assert money(max_award, application.currency) in html
