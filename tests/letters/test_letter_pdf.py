"""The letters as the organisation reads them: text extracted from the PDFs, in each language."""

import datetime
import io
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from babel.dates import format_date
from babel.numbers import format_currency
from pypdf import PdfReader

from applications import services
from letters.models import Decision, LetterStatus
from letters.rendering import html_to_pdf, loan_schedule
from tests.workflow import cast_for, drive, review_all

from .conftest import pdf_text, spaced

DECIDED = datetime.datetime(2026, 3, 5, 15, 0, tzinfo=datetime.UTC)  # 09:00 in Tegucigalpa

# What Babel writes for 3,000.00 USD and the decision date, checked once by eye.
WRITTEN = {
    "es": {"amount": "3.000,00 US$", "date": "5 de marzo de 2026", "decision": "Decisión: aprobada",
           "rejected": "Decisión: rechazada", "next": "Qué puede hacer su organización ahora",
           "locale": "es", "instalment": "255,45 US$", "schedule": "Calendario de pagos"},
    "pt": {"amount": "US$ 3.000,00", "date": "5 de março de 2026", "decision": "Decisão: aprovada",
           "rejected": "Decisão: rejeitada", "next": "O que a sua organização pode fazer agora",
           "locale": "pt_BR", "instalment": "US$ 255,45", "schedule": "Cronograma de pagamentos"},
    "fr": {"amount": "3 000,00 $US", "date": "5 mars 2026", "decision": "Décision : approuvée",
           "rejected": "Décision : rejetée", "next": "Ce que votre organisation peut faire maintenant",
           "locale": "fr", "instalment": "255,45 $US", "schedule": "Échéancier de remboursement"},
    "en": {"amount": "$3,000.00", "date": "March 5, 2026", "decision": "Decision: approved",
           "rejected": "Decision: rejected", "next": "What your organisation can do next",
           "locale": "en", "instalment": "$255.45", "schedule": "Repayment schedule"},
}
LANGUAGES = list(WRITTEN)


@pytest.fixture
def decided_on_a_fixed_day():
    with time_machine.travel(DECIDED, tick=True):
        yield


def stored_pdf(letter) -> bytes:
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERED, letter.error
    with letter.file.open("rb") as stored:
        return stored.read()


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_loan_letter_in_each_language(decide, decided_on_a_fixed_day, language, tmp_path):
    letter = decide(fund_code="youth-revolving", language=language,
                    terms={"annual_interest_rate": "4", "term_months": 12})
    written = WRITTEN[language]
    text = pdf_text(stored_pdf(letter))
    application = letter.application
    organization = application.organization

    assert letter.language == language
    assert letter.decision == Decision.APPROVED
    assert letter.reference == f"{application.reference}-L1"
    assert letter.reference in text
    assert organization.legal_name in text
    assert written["decision"] in text
    assert written["amount"] in text
    assert written["date"] in text
    assert written["schedule"] in text
    assert text.count(written["instalment"]) >= 11  # the equal instalment of 3,000 at 4% over 12 months

    schedule = loan_schedule(application, DECIDED.date())
    assert len(schedule) == 12
    for row in schedule:
        due = spaced(format_date(row.due_date, format="medium", locale=written["locale"]))
        total = spaced(format_currency(row.total, "USD", locale=written["locale"]))
        principal = spaced(format_currency(row.principal, "USD", locale=written["locale"]))
        assert f"{row.n} {due} {principal}" in text, (row, due)
        assert total in text
    assert schedule.total_principal == Decimal("3000.00")
    _keep_png(letter, tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_rejection_letter_gives_reason_and_next_steps(decide, decided_on_a_fixed_day, language, tmp_path):
    letter = decide(fund_code="catastrophic-events", language=language, decision="reject")
    written = WRITTEN[language]
    text = pdf_text(stored_pdf(letter))

    assert letter.decision == Decision.REJECTED
    assert letter.application.organization.legal_name in text
    assert written["rejected"] in text
    assert written["next"] in text
    assert "La pérdida no supera el 30 %." in text
    assert written["date"] in text
    assert written["amount"] not in text
    _keep_png(letter, tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize("language,amount", [
    ("es", "18.000,00 US$"), ("pt", "US$ 18.000,00"), ("fr", "18 000,00 $US"), ("en", "$18,000.00"),
])
def test_grant_letter_states_amount_and_conditions(decide, language, amount, tmp_path):
    letter = decide(fund_code="catastrophic-events", language=language)
    application = letter.application
    # drive() approves the assessed maximum: 30% of 400 qq lost at 150.00 USD.
    assert application.approved_amount == Decimal("18000.00")
    text = pdf_text(stored_pdf(letter))
    assert amount in text
    assert WRITTEN[language]["decision"] in text
    assert WRITTEN[language]["schedule"] not in text


@pytest.mark.django_db
def test_conditions_are_printed(django_capture_on_commit_callbacks):
    cast = cast_for("climate-eventuality")
    application = drive(fund_code="climate-eventuality", to="committee_review", cast=cast)
    review_all(application, cast)
    conditions = "Informe de línea base final en 60 días.\nVisita técnica durante el año."
    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve(application_id=application.pk, by=cast.chair, amount="5000.00",
                                     conditions=conditions)
    text = pdf_text(stored_pdf(application.letters.get()))
    assert "Informe de línea base final en 60 días." in text
    assert "Visita técnica durante el año." in text
    assert "5.000,00 US$" in text


def test_pdf_fonts_are_dejavu(tmp_path):
    """Rendering with DejaVu Sans embedded, so accented letters show on any reader."""
    pdf = html_to_pdf('<html><head><link rel="stylesheet" href="letter.css"></head>'
                      "<body><p>Cooperativa Agraria Cafetalera Ñuñoa: décision, ação.</p></body></html>")
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {str(font["/BaseFont"]) for font in _fonts(reader)}
    assert fonts and all("DejaVu-Sans" in font for font in fonts), fonts
    assert "Ñuñoa: décision, ação." in pdf_text(pdf)


def _fonts(reader):
    for page in reader.pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            yield font.get_object()


def _keep_png(letter, tmp_path):
    """The first page as a PNG (pdftoppm), kept in LETTER_PNG_DIR when set, for a person to look at."""
    if not shutil.which("pdftoppm"):
        return
    target = os.environ.get("LETTER_PNG_DIR")
    directory = Path(target) if target else tmp_path
    directory.mkdir(parents=True, exist_ok=True)
    source = directory / f"{letter.language}-{letter.decision}.pdf"
    source.write_bytes(stored_pdf(letter))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(source),
                    str(directory / f"{letter.language}-{letter.decision}")], check=True)
    assert list(directory.glob(f"{letter.language}-{letter.decision}*.png"))
