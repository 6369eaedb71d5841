"""In Debian's Chromium, at a phone's width and a desk's: the secretariat finds files by searching
(without caring for accents or capitals), sorts, moves several at once and reads each result; finance
approves a batch of disbursements. Screenshots go to test-artifacts/screenshots/."""

import os
import re

import pytest

from applications.models import Application
from applications.workflow import Status
from disbursements.models import Disbursement, DisbursementStatus
from organizations.choices import Role
from tests.browser_support import shot, signed_in
from tests.factories import OppUserFactory, OrganizationFactory, staff_user
from tests.workflow import drive, ensure_capital

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
WORDS = {
    "es": {"of": "de", "done": "hecho", "refused": "Rechazado", "search": "Buscar"},
    "fr": {"of": "sur", "done": "fait", "refused": "Refusé", "search": "Rechercher"},
    "pt": {"of": "de", "done": "feito", "refused": "Recusado", "search": "Pesquisar"},
    "en": {"of": "of", "done": "done", "refused": "Refused", "search": "Search"},
}


def _submitted(short_name, country):
    organization = OrganizationFactory(short_name=short_name, legal_name=f"Cooperativa {short_name}",
                                       country=country)
    return drive(fund_code="climate-eventuality", to="submitted",
                 applicant=OppUserFactory(organization=organization))


@pytest.mark.parametrize(("lang", "width"), [("es", 390), ("fr", 1280), ("pt", 390), ("en", 1280)])
def test_the_secretariat_searches_sorts_and_screens_several_files_at_once(browser, live_server, lang, width):
    words = WORDS[lang]
    cafe = [_submitted("Café del Sur", "PE"), _submitted("Café del Sur", "PE")]
    cocafelol = _submitted("COCAFELOL", "HN")
    apromel = _submitted("APROMEL", "MX")
    secretariat = staff_user(Role.SECRETARIAT, language=lang)
    context, page = signed_in(browser, live_server, secretariat, lang=lang, width=width)
    tag = f"{lang}-{width}-lists"

    page.goto(live_server.url + "/secretariat/")
    assert f"1–4 {words['of']} 4" in page.inner_text(".pagination .total")
    page.fill("input[name=search]", "CAFE del")
    page.click(f".listing-controls button:has-text('{words['search']}')")
    page.wait_for_url(re.compile(r"search=CAFE"))
    assert f"1–2 {words['of']} 2" in page.inner_text(".pagination .total")
    assert cocafelol.reference not in page.inner_text("main")  # "coCAFElol" has no "del"
    shot(page, f"{tag}-01-searched")

    # Sorting: from the column header at a desk's width, from the "sort by" menu on a phone.
    if width >= 1000:
        page.click("th a.sort >> nth=0")
        assert page.get_attribute("th[aria-sort]", "aria-sort") == "ascending"
    else:
        page.select_option("#f-ordering", "-reference")
        page.click(f".listing-controls button:has-text('{words['search']}')")
        page.wait_for_url(re.compile(r"ordering=-reference"))
    rows = page.locator("table.responsive tbody tr")
    assert rows.count() == 2
    shot(page, f"{tag}-02-sorted")

    # Both Café del Sur files, ticked, start screening together.
    for application in cafe:
        page.check(f"#pick-{application.pk}")
    page.select_option("#batch-action", "start_screening")
    page.click("#batch button[type=submit]")
    page.wait_for_selector("#batch-results")
    assert f"2 {words['of']} 2 {words['done']}" in page.inner_text("#batch-results")
    assert "search=CAFE" in page.url  # back on the same search
    shot(page, f"{tag}-03-screened")

    # Send to the committee: the two screened go; APROMEL, not screened yet, is refused with the reason.
    page.goto(live_server.url + "/secretariat/?search=cafe")  # also finds "coCAFElol"
    assert f"1–3 {words['of']} 3" in page.inner_text(".pagination .total")
    page.goto(live_server.url + "/secretariat/")
    for application in [*cafe, apromel]:
        page.check(f"#pick-{application.pk}")
    page.select_option("#batch-action", "send_to_committee")
    page.click("#batch button[type=submit]")
    page.wait_for_selector("#batch-results")
    results = page.inner_text("#batch-results")
    assert f"2 {words['of']} 3 {words['done']}" in results
    assert words["refused"] in results and apromel.reference in results
    shot(page, f"{tag}-04-sent")
    assert [Application.objects.get(pk=a.pk).status for a in (*cafe, apromel)] == [
        Status.COMMITTEE_REVIEW, Status.COMMITTEE_REVIEW, Status.SUBMITTED]
    context.close()


@pytest.mark.parametrize(("lang", "width"), [("es", 390), ("fr", 1280)])
def test_finance_approves_a_batch_of_disbursements(browser, live_server, lang, width):
    ensure_capital("climate-eventuality")
    applications = [drive(fund_code="climate-eventuality", to="conditions_accepted") for _ in range(2)]
    pending = list(Disbursement.objects.filter(application__in=applications).order_by("pk"))
    finance = staff_user(Role.FINANCE, language=lang)
    context, page = signed_in(browser, live_server, finance, lang=lang, width=width)
    page.goto(live_server.url + "/finance/")
    for disbursement in pending:
        page.check(f"#pick-{disbursement.pk}")
    shot(page, f"{lang}-{width}-finance-01-ticked")
    page.click("#batch button[type=submit]")
    page.wait_for_selector("#batch-results")
    assert f"{len(pending)} {WORDS[lang]['of']} {len(pending)}" in page.inner_text("#batch-results")
    shot(page, f"{lang}-{width}-finance-02-approved")
    assert {d.status for d in Disbursement.objects.filter(pk__in=[d.pk for d in pending])} == {
        DisbursementStatus.APPROVED}
    context.close()
