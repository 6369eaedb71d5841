"""Whole journeys in Debian's Chromium, one per kind of user, in Spanish at a phone's width and in
French at a desk's. Screenshots of every page go to test-artifacts/screenshots/, and axe-core checks
every page photographed (zero violations)."""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from disbursements.models import Loan
from tests.axe import assert_accessible
from tests.browser_support import PASSWORD, SHOTS
from tests.factories import OppUserFactory
from tests.workflow import PDF_BYTES, approved_on, cast_for, drive, ensure_capital, relax_separation_of_duties

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
WORDS = {
    "es": {"save_next": "Guardar y continuar", "submit": "Enviar la solicitud"},
    "fr": {"save_next": "Enregistrer et continuer", "submit": "Envoyer la demande"},
}


class Person:
    """One signed-in browser context; every page it reaches is photographed."""

    def __init__(self, browser, live_server, user, *, lang, width, tag):
        self.context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 900},
                                           locale=lang, accept_downloads=True)
        self.context.set_default_timeout(15000)
        self.page = self.context.new_page()
        self.base = live_server.url
        self.prefix = f"{lang}-{width}-{tag}"
        self.count = 0
        self.page.goto(self.base + "/accounts/login/")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit].primary")
        self.page.wait_for_load_state()

    def shot(self, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.count += 1
        self.page.screenshot(path=str(SHOTS / f"{self.prefix}-{self.count:02d}-{name}.png"), full_page=True)
        assert_accessible(self.page, f"{self.prefix} {name} ({self.page.url})")  # axe-core: no violation

    def go(self, path):
        self.page.goto(self.base + path)

    def close(self):
        self.context.close()


def _users(lang):
    applicant = OppUserFactory(language=lang, organization__preferred_language=lang,
                               first_name="Marta", last_name="Reyes")
    cast = cast_for("catastrophic-events")
    for person in (*cast.members, cast.secretariat, cast.finance):
        person.language = lang
        person.save(update_fields=["language"])
    return applicant, cast


@pytest.mark.parametrize(("lang", "width"), [("es", 390), ("fr", 1280)])
def test_catastrophic_fund_journey(browser, live_server, lang, width, tmp_path):
    ensure_capital("catastrophic-events")
    applicant, cast = _users(lang)
    today = timezone.localdate()

    # The OPP applies step by step and uploads its evidence.
    opp = Person(browser, live_server, applicant, lang=lang, width=width, tag="1-opp")
    page = opp.page
    opp.shot("home")
    page.click("a[href='/apply/catastrophic-events/']")
    page.select_option("#id_crop", "coffee")
    page.select_option("#id_event_type", "hurricane")
    page.fill("#id_event_start", (today - datetime.timedelta(days=30)).isoformat())
    page.fill("#id_event_end", (today - datetime.timedelta(days=40)).isoformat())
    page.fill("#id_event_description", "El huracán Sara destruyó cafetales en la zona alta.")
    page.click(f"button:has-text('{WORDS[lang]['save_next']}')")
    assert page.locator("#id_event_end-error").is_visible()  # ends before it starts: said beside the field
    opp.shot("step-error")
    page.fill("#id_event_end", (today - datetime.timedelta(days=28)).isoformat())
    page.click(f"button:has-text('{WORDS[lang]['save_next']}')")
    page.wait_for_url(re.compile(r"/step/production/"))
    for index, (season, volume) in enumerate([("2021-22", "1000"), ("2022-23", "950"), ("2023-24", "1050")]):
        page.fill(f"#id_season_productions-{index}-season", season)
        page.fill(f"#id_season_productions-{index}-volume", volume)
    page.fill("#id_affected_season_volume", "600")
    page.select_option("#id_unit", "qq")
    page.fill("#id_reference_price", "150,00")
    opp.shot("step-production")
    page.click(f"button:has-text('{WORDS[lang]['save_next']}')")
    page.wait_for_url(re.compile(r"/step/producers/"))
    page.fill("#id_affected_producers-women", "40")
    page.fill("#id_affected_producers-men", "60")
    page.fill("#id_affected_producers-youth", "25")
    page.check("#id_accepts_fund_rules")
    opp.shot("step-producers")
    page.click(f"button:has-text('{WORDS[lang]['save_next']}')")
    page.wait_for_url(re.compile(r"/documents/"))
    bad = tmp_path / "fotos.pdf"
    bad.write_bytes(b"MZ\x90\x00 this is not a PDF")
    page.set_input_files("#id_file", str(bad))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#id_file-error:not([hidden])")
    assert page.inner_text("#id_file-error").strip()
    opp.shot("upload-refused")
    good = tmp_path / "evidencia.pdf"
    good.write_bytes(PDF_BYTES)
    page.select_option("#id_kind", "damage_evidence")
    page.set_input_files("#id_file", str(good))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("text=evidencia.pdf")
    opp.shot("documents")
    page.click("a[href$='/submit/']")
    assert "40" in page.inner_text(".assessment")  # the loss: 600 against a baseline of 1000
    opp.shot("check")
    page.click(f"button:has-text('{WORDS[lang]['submit']}')")
    page.wait_for_selector(".badge")
    opp.shot("submitted")
    application_path = re.search(r"/applications/\d+/", page.url).group(0)

    # The secretariat screens it and sends it to the committee.
    secretariat = Person(browser, live_server, cast.secretariat, lang=lang, width=width, tag="2-secretariat")
    secretariat.go("/secretariat/")
    secretariat.shot("queue")
    secretariat.page.click(f"a[href='{application_path}']")
    secretariat.page.click("button[data-action=start_screening]")
    secretariat.shot("screening")
    secretariat.page.click("button[data-action=send_to_committee]")
    secretariat.shot("sent")
    secretariat.close()

    # Three members: one declares a conflict, two review; the chair approves.
    first, second, chair = cast.members
    member = Person(browser, live_server, first, lang=lang, width=width, tag="3-member-conflict")
    member.go("/committee/")
    member.shot("queue")
    member.page.click(f"a[href='{application_path}']")
    member.page.click("#conflict summary")
    member.page.fill("#id_conflict_comment", "Soy socio de la cooperativa.")
    member.shot("conflict-form")
    member.page.click("form:has(#id_conflict_comment) button[type=submit]")
    member.shot("conflict-recorded")
    member.close()
    for person, tag in ((second, "4-member"), (chair, "5-chair")):
        reviewer = Person(browser, live_server, person, lang=lang, width=width, tag=tag)
        reviewer.go(application_path)
        reviewer.page.check("input[name=score][value='4']")
        reviewer.page.check("input[name=criteria-evidence_quality][value='5']")
        reviewer.page.select_option("#id_recommendation", "approve")
        reviewer.page.fill("#id_comment", "Daño bien documentado.")
        reviewer.shot("review-form")
        reviewer.page.click("form:has(#id_recommendation) button[type=submit]")
        reviewer.shot("reviewed")
        if person is chair:
            reviewer.page.fill("#id_amount", "5000.00")
            reviewer.page.fill("#id_approve_reason", "Pérdida superior al 30 %.")
            reviewer.shot("decision-form")
            reviewer.page.click("form:has(#id_amount) button[type=submit]")
            reviewer.page.wait_for_selector(".badge.good")
            reviewer.shot("approved")
        reviewer.close()

    # The OPP reads the decision and downloads its letter.
    opp.go(application_path)
    opp.page.wait_for_selector(".badge.good")
    opp.shot("approved")
    letter_link = opp.page.locator("a[href*='/letters/'][href$='/pdf/']")
    if letter_link.count():
        with opp.page.expect_download() as download:
            letter_link.first.click()
        pdf = download.value.path()
        assert Path(pdf).read_bytes().startswith(b"%PDF")
    else:
        pytest.fail("The decision letter was not offered for download.")
    opp.close()


@pytest.mark.parametrize(("lang", "width"), [("es", 390), ("fr", 1280)])
def test_finance_pays_a_youth_loan_and_sees_it_fall_into_arrears(browser, live_server, lang, width):
    applicant = OppUserFactory(language=lang)
    application = drive(fund_code="youth-revolving", to="conditions_accepted", applicant=applicant)
    relax_separation_of_duties("youth-revolving")  # one officer approves and pays in this office
    finance_user = application.cast.finance
    finance_user.language = lang
    finance_user.save(update_fields=["language"])
    today = timezone.localdate()
    approved_on(application, today - datetime.timedelta(days=95))  # paid 95 days ago, approved before

    finance = Person(browser, live_server, finance_user, lang=lang, width=width, tag="6-finance")
    page = finance.page
    finance.go("/finance/")
    finance.shot("desk")
    page.click("form[action^='/finance/disbursements/'][action$='/approve/'] button")
    page.wait_for_selector("#preview")
    page.click("#confirm")
    page.wait_for_url(re.compile(r"/finance/$"))
    page.fill("input[name=paid_on]", (today - datetime.timedelta(days=95)).isoformat())
    page.fill("input[name=reference]", "TRF-2026-001")
    finance.shot("pay-form")
    page.click("form.pay-form button[type=submit]")
    page.wait_for_selector("#preview")  # what the payment does, before it is recorded
    finance.shot("pay-preview")
    page.click("#confirm")
    page.wait_for_url(re.compile(r"/finance/$"))
    loan = Loan.objects.get(application=application)
    instalments = list(loan.instalments.filter(is_current=True).order_by("n"))
    finance.go(f"/finance/loans/{loan.pk}/")
    finance.shot("loan")
    for number, instalment in enumerate(instalments[:2], start=1):
        page.fill("#id_amount", str(instalment.total))
        page.fill("#id_paid_on", instalment.due_date.isoformat())
        page.fill("#id_reference", f"REC-{number}")
        # The form previews the allocation first; confirmed twice, it records one repayment.
        page.click("#repayment-form button[type=submit]")
        page.wait_for_selector("#preview table.allocation")
        page.click("#confirm", click_count=2)
        page.wait_for_url(re.compile(rf"/finance/loans/{loan.pk}/$"))
    finance.shot("repaid")
    assert loan.repayments.count() == 2
    loan.refresh_from_db()
    assert loan.status == "in_arrears"  # the third instalment fell due days ago
    finance.go("/finance/loans/?status=in_arrears")
    assert application.reference in page.inner_text("main")
    finance.shot("arrears")
    finance.go("/finance/charts/")
    assert page.locator("svg.chart").count() >= 5
    finance.shot("charts")
    finance.go("/finance/funds/youth-revolving/")
    finance.shot("ledger")
    finance.close()

    opp = Person(browser, live_server, applicant, lang=lang, width=width, tag="7-opp-loan")
    opp.go(f"/applications/{application.pk}/")
    assert opp.page.locator("#loan-title").is_visible()
    opp.shot("loan")
    opp.close()
