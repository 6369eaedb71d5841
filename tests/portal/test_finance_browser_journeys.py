"""The finance desk in Debian's Chromium, in Spanish at a phone's width and in French at a desk's:
reschedule with preview and confirmation, reverse a repayment, download an export. Screenshots go to
test-artifacts/screenshots/."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone

from disbursements.models import Loan
from disbursements.services import loans, repayments
from tests.disbursements.conftest import paid_loan

from .test_browser_journeys import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loan_in_arrears():
    today = timezone.localdate()
    loan = paid_loan(paid_on=today - datetime.timedelta(days=70))
    loans.loans_refresh_arrears()
    return Loan.objects.get(pk=loan.pk), loan.finance


def _speaking(user, lang):
    user.language = lang
    user.save(update_fields=["language"])
    return user


@pytest.mark.parametrize(("lang", "width"), [("es", 390), ("fr", 1280)])
def test_finance_reschedules_with_a_preview_then_reverses_a_repayment(browser, live_server,  # noqa: F811
                                                                     loan_in_arrears, lang, width):
    loan, finance_user = loan_in_arrears
    today = timezone.localdate()
    repayment, _created = repayments.repayment_record(
        loan_id=loan.pk, by=finance_user, amount="100.00", paid_on=today - datetime.timedelta(days=1),
        reference="CHQ-55", idempotency_key="browser-1")
    finance = Person(browser, live_server, _speaking(finance_user, lang), lang=lang, width=width,
                     tag="8-finance-desk")
    page = finance.page

    # Reverse the repayment: a reason, a preview, then the confirmation.
    finance.go(f"/finance/loans/{loan.pk}/")
    finance.shot("loan")
    page.click(f"a[href='/finance/loans/{loan.pk}/repayments/{repayment.pk}/reverse/']")
    page.click("#preview-button")  # no reason: refused, said beside the field
    page.wait_for_selector("#id_reason-error")
    assert page.inner_text("#id_reason-error").strip()
    finance.shot("reverse-refused")
    page.fill("#id_reason", "Cheque rechazado por el banco")
    page.click("#preview-button")
    page.wait_for_selector("#preview")
    finance.shot("reverse-preview")
    repayment.refresh_from_db()
    assert repayment.reversed_at is None  # a preview records nothing
    page.click("#confirm")
    page.wait_for_url(re.compile(rf"/finance/loans/{loan.pk}/$"))
    repayment.refresh_from_db()
    assert repayment.reversed_at is not None
    assert repayment.reversal_reason == "Cheque rechazado por el banco"
    finance.shot("reversed")

    # Reschedule: the new schedule is shown, every cell labelled, before anything changes.
    page.click(f"a[href='/finance/loans/{loan.pk}/do/reschedule/']")
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_term_months", "6")
    page.fill("#id_reason", "Sequía en la zona")
    page.click("#preview-button")
    page.wait_for_selector("#preview table.schedule")
    rows = page.locator("#preview table.schedule tbody tr")
    assert rows.count() == 6
    due_cell = rows.first.locator("td[data-label]").first
    assert due_cell.get_attribute("data-label")
    if width < 500:
        # At a phone's width the header row is hidden and each cell shows its column's name.
        header = page.locator("#preview table.schedule thead")
        assert header.evaluate("e => getComputedStyle(e).display") == "none"
        label = due_cell.evaluate("e => getComputedStyle(e, '::before').content")
        assert label.strip('"') == due_cell.get_attribute("data-label")
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # no sideways scrolling
    finance.shot("reschedule-preview")
    assert Loan.objects.get(pk=loan.pk).schedule_version == loan.schedule_version
    page.click("#confirm")
    page.wait_for_url(re.compile(rf"/finance/loans/{loan.pk}/$"))
    rescheduled = Loan.objects.get(pk=loan.pk)
    assert rescheduled.is_rescheduled and rescheduled.schedule_version == loan.schedule_version + 1
    assert page.locator("table.schedule tbody tr").count() == 6
    finance.shot("rescheduled")
    # The reschedule issued a new definitive schedule; the one issued at payment stays, replaced.
    documents = page.locator(".schedule-documents li")
    assert documents.count() == 2
    assert documents.nth(1).locator("small").is_visible()

    # Print: the schedule as a plain table, without the page's navigation and forms.
    page.emulate_media(media="print")
    assert page.locator("header.top").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator("table.schedule thead").evaluate("e => getComputedStyle(e).display") != "none"
    page.emulate_media(media="screen")
    finance.close()


@pytest.mark.parametrize(("lang", "width", "separator"), [("es", 390, b";"), ("fr", 1280, b";")])
def test_finance_downloads_the_loans_and_the_ledger(browser, live_server, loan_in_arrears,  # noqa: F811
                                                    lang, width, separator):
    loan, finance_user = loan_in_arrears
    finance = Person(browser, live_server, _speaking(finance_user, lang), lang=lang, width=width,
                     tag="9-finance-exports")
    page = finance.page
    finance.go("/finance/loans/")
    finance.shot("loans")
    with page.expect_download() as download:
        page.click("a[href^='/finance/loans/download.csv']")
    content = Path(download.value.path()).read_bytes()
    assert content.startswith("\ufeff".encode()) and separator in content.splitlines()[0]
    assert loan.application.reference.encode() in content
    assert download.value.suggested_filename.endswith(".csv")
    with page.expect_download() as download:
        page.click("a[href^='/finance/portfolio/download.xlsx']")
    assert Path(download.value.path()).read_bytes().startswith(b"PK")
    finance.go("/finance/funds/youth-revolving/")
    with page.expect_download() as download:
        page.click("a[href$='/download.xlsx']")
    assert download.value.suggested_filename.startswith("ledger-youth-revolving")
    finance.shot("ledger")
    finance.close()


@pytest.mark.parametrize(("lang", "width"), [("es", 390), ("fr", 1280)])
def test_finance_previews_a_repayment_and_reads_the_portfolio_of_a_past_day(browser, live_server,  # noqa: F811
                                                                          loan_in_arrears, lang, width):
    loan, finance_user = loan_in_arrears
    today = timezone.localdate()
    first = loan.instalments.filter(is_current=True).order_by("n").first()
    finance = Person(browser, live_server, _speaking(finance_user, lang), lang=lang, width=width,
                     tag="10-finance-repayment")
    page = finance.page

    # A repayment from the loan's page: the allocation per instalment first, nothing recorded yet.
    finance.go(f"/finance/loans/{loan.pk}/")
    page.fill("#id_amount", str(first.total + 5))
    page.fill("#id_paid_on", today.isoformat())
    page.fill("#id_reference", "REC-77")
    page.click("#repayment-preview")
    page.wait_for_selector("#preview table.allocation")
    rows = page.locator("#preview table.allocation tbody tr")
    assert rows.count() == 2  # the late instalment settled, five more to the next one
    assert page.locator("#stays-open").is_visible()
    if width < 500:
        cell = rows.first.locator("td[data-label]").nth(2)
        label = cell.evaluate("e => getComputedStyle(e, '::before').content")
        assert label.strip('"') == cell.get_attribute("data-label")
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    finance.shot("repayment-preview")
    assert loan.repayments.count() == 0
    page.click("#confirm")
    page.wait_for_url(re.compile(rf"/finance/loans/{loan.pk}/$"))
    assert loan.repayments.count() == 1
    finance.shot("repayment-recorded")

    # The portfolio as it stood before that repayment: the loan still overdue by the late instalment.
    day = today - datetime.timedelta(days=1)
    finance.go("/finance/loans/")
    page.fill("#id_on", day.isoformat())
    page.click("form.portfolio-on button[type=submit]")
    page.wait_for_url(re.compile(rf"on={day.isoformat()}"))
    assert page.locator("#arrears .callout").is_visible()
    overdue_then = page.locator(".portfolio-figures .figure").nth(2).inner_text()
    finance.go("/finance/loans/")
    assert page.locator(".portfolio-figures .figure").nth(2).inner_text() != overdue_then
    if width < 500:
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    finance.shot("portfolio-past-day")
    finance.close()
