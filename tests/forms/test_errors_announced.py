"""Errors are announced: a summary with role="alert" that takes the focus, each field error tied to its
field (aria-describedby) and linked from the summary."""

import re
from pathlib import Path

import pytest

from tests.factories import OppUserFactory
from tests.workflow import drive

pytestmark = pytest.mark.django_db
JS = Path(__file__).resolve().parents[2] / "static" / "js" / "errors.js"


def test_a_step_with_errors_has_a_summary_linking_each_field(client_for):
    page = client_for(OppUserFactory(language="en"))
    response = page.post("/apply/catastrophic-events/", {
        "crop": "coffee", "event_type": "hurricane", "event_start": "2026-13-40", "event_description": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    opening = '<div class="error-summary" role="alert" tabindex="-1" id="error-summary">'
    summary = re.search(re.escape(opening) + r"(.*?)</div>", html, re.S)
    assert summary, "the summary is an alert that can take the focus"
    assert '<a href="#id_event_start">' in summary.group(1)
    assert 'aria-describedby="id_event_start-error"' in html
    assert html.count('id="id_event_start-error"') == 1  # one message per field: ids stay unique
    assert '<script src="/static/js/errors.js" defer></script>' in html


def test_row_errors_are_linked_to_the_input_of_their_row(client_for):
    application = drive(fund_code="catastrophic-events", to="draft", fields={})
    page = client_for(application.applicant)
    response = page.post(f"/applications/{application.pk}/step/production/", {
        "season_productions-0-season": "2021", "season_productions-0-volume": "1000",
        "season_productions-1-season": "2022", "season_productions-1-volume": "mucho",
        "season_productions-2-season": "2023", "season_productions-2-volume": "900",
    })
    html = response.content.decode()
    assert '<a href="#id_season_productions-1-volume">' in html
    assert 'aria-describedby="id_season_productions-1-volume-error"' in html


def test_finance_action_errors_are_summarised_and_linked(client_for):
    import datetime

    from tests.disbursements.conftest import paid_loan

    loan = paid_loan(paid_on=datetime.date.today() - datetime.timedelta(days=70))
    loan.finance.language = "en"
    loan.finance.save(update_fields=["language"])
    page = client_for(loan.finance)
    response = page.post(f"/finance/loans/{loan.pk}/do/repayment/", {
        "amount": "lots", "paid_on": datetime.date.today().isoformat(), "step": "preview"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'role="alert"' in html
    assert '<a href="#id_amount">' in html and 'aria-describedby="id_amount-error"' in html


def test_the_script_moves_the_focus_to_the_summary():
    script = JS.read_text()
    assert ".error-summary" in script and "focus()" in script
    assert "http" not in script  # served from Fondos itself, no CDN
