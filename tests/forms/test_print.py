"""A print stylesheet for an application and a loan schedule: no navigation, whole tables, sensible breaks."""

import re
from pathlib import Path

import pytest

from tests.workflow import drive

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_the_print_stylesheet_hides_navigation_and_keeps_tables_whole():
    css = (STATIC / "css" / "print.css").read_text()
    hidden = re.search(r"\n(\.top,[^{]+)\{display:none!important\}", css).group(1)
    for selector in (".top", "nav", ".crumbs", "form", "button", ".actions-card"):
        assert selector in hidden.split(","), selector
    assert "thead{display:table-header-group!important}" in css  # headers repeat on every page
    assert "break-inside:avoid" in css and "break-after:avoid" in css  # rows whole, titles with content
    assert "@page" in css


@pytest.mark.django_db
def test_the_application_page_prints_with_its_answers_open(client_for):
    application = drive(fund_code="catastrophic-events", to="submitted")
    html = client_for(application.applicant).get(f"/applications/{application.pk}/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    assert 'data-print' in html and '/static/js/print.js' in html
    script = (STATIC / "js" / "print.js").read_text()
    assert "beforeprint" in script and 'setAttribute("open"' in script


@pytest.mark.django_db
def test_the_loan_page_offers_to_print_its_schedule(client_for):
    import datetime

    from tests.disbursements.conftest import paid_loan

    loan = paid_loan(paid_on=datetime.date.today() - datetime.timedelta(days=40))
    html = client_for(loan.finance).get(f"/finance/loans/{loan.pk}/").content.decode()
    assert 'data-print' in html and '/static/js/print.js' in html
