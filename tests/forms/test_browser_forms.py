"""Forms in Debian's Chromium, in each language at a phone's and a desk's width, with axe-core run on
every main page (zero violations): numbers typed as the language writes them, the error summary taking
the focus, several files per kind and one removed, every answer on the last step, the print view, and
the error pages. Screenshots go to test-artifacts/screenshots/."""

import datetime
import os
import re

import pytest
from django.utils import timezone

from applications.models import Application
from disbursements.models import Loan
from tests.axe import assert_accessible
from tests.browser_support import PASSWORD, SHOTS
from tests.factories import OppUserFactory
from tests.workflow import PDF_BYTES, approved_on, drive, relax_separation_of_duties

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# What a person types in each language, the plain form, and the way another language writes it.
AMOUNTS = {
    "es": {"typed": "4.000,50", "wrong": "4,000.50", "shown": "4.000,50", "hint": "Escriba el número así"},
    "pt": {"typed": "4.000,50", "wrong": "4 000,50", "shown": "4.000,50", "hint": "Escreva o número assim"},
    "fr": {"typed": "4 000,50", "wrong": "4.000,50", "shown": "4\u202f000,50", "hint": "Écrivez le nombre"},
    "en": {"typed": "4,000.50", "wrong": "4.000,50", "shown": "4,000.50", "hint": "Write the number as"},
}
WORDS = {
    "es": {"next": "Guardar y continuar", "remove": "Quitar", "not_found": "No encontramos esta página"},
    "pt": {"next": "Salvar e continuar", "remove": "Remover", "not_found": "Não encontramos esta página"},
    "fr": {"next": "Enregistrer et continuer", "remove": "Retirer",
           "not_found": "Nous n’avons pas trouvé cette page"},
    "en": {"next": "Save and continue", "remove": "Remove", "not_found": "We could not find this page"},
}


class Person:
    """One signed-in browser context; every main page it reaches is photographed and checked by axe."""

    def __init__(self, browser, live_server, user, *, lang, width, tag):
        self.context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 900},
                                           locale=lang)
        self.context.set_default_timeout(15000)
        self.page = self.context.new_page()
        self.base = live_server.url
        self.prefix = f"forms-{lang}-{width}-{tag}"
        self.count = 0
        self.page.goto(self.base + "/accounts/login/")
        self.check("login")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit].primary")
        self.page.wait_for_load_state()

    def check(self, name):
        """Photograph the page and run axe-core on it: no violation allowed."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.count += 1
        self.page.screenshot(path=str(SHOTS / f"{self.prefix}-{self.count:02d}-{name}.png"), full_page=True)
        assert_accessible(self.page, f"{self.prefix} {name} ({self.page.url})")

    def go(self, path):
        self.page.goto(self.base + path)

    def close(self):
        self.context.close()


@pytest.mark.parametrize(("lang", "width"), [("es", 390), ("pt", 1280), ("fr", 390), ("en", 1280)])
def test_a_youth_application_in_each_language(browser, live_server, lang, width, tmp_path):
    applicant = OppUserFactory(language=lang, organization__preferred_language=lang)
    drive(fund_code="youth-revolving", to="draft")  # the fund's people and capital
    words, amount = WORDS[lang], AMOUNTS[lang]
    opp = Person(browser, live_server, applicant, lang=lang, width=width, tag="opp")
    page = opp.page
    opp.check("home")

    # The fund's limits come before the first question.
    page.click("a[href='/apply/youth-revolving/']")
    assert page.locator("#limits-title").is_visible()
    opp.check("limits")
    page.fill("#id_project_title", "Vivero")
    page.fill("#id_project_description", "Plántulas de café")
    page.fill("#id_value_chain_link", "Renueva los cafetales")
    page.click(f"button:has-text('{words['next']}')")
    page.wait_for_url(re.compile(r"/step/loan/"))

    # A number written another language's way: the summary takes the focus and says what to write.
    page.fill("#id_requested_amount", amount["wrong"])
    page.fill("#id_term_months", "12")
    page.select_option("#id_repayment_frequency", "monthly")
    page.click(f"button:has-text('{words['next']}')")
    page.wait_for_selector("#error-summary")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'")
    assert amount["hint"] in page.inner_text("#id_requested_amount-error")
    assert page.get_attribute("#id_requested_amount", "aria-describedby") == "id_requested_amount-error"
    opp.check("number-refused")
    page.click("#error-summary a[href='#id_requested_amount']")
    assert page.evaluate("document.activeElement.id") == "id_requested_amount"

    # Typed as the language writes it, it is kept as the API's plain decimal, and shown the same way.
    page.fill("#id_requested_amount", amount["typed"])
    page.click("button[value=stay]")
    page.wait_for_load_state()
    assert page.input_value("#id_requested_amount") == amount["shown"]
    application = Application.objects.get(organization=applicant.organization)
    assert application.data["requested_amount"] == "4000.50"
    page.click(f"button:has-text('{words['next']}')")
    page.wait_for_url(re.compile(r"/step/group/"))
    born = timezone.localdate().replace(year=timezone.localdate().year - 25).isoformat()
    for index, (name, gender) in enumerate([("Ana López", "female"), ("Luis Pérez", "male"),
                                            ("Rosa Díaz", "female")]):
        page.fill(f"#id_members-{index}-name", name)
        page.fill(f"#id_members-{index}-birth_date", born)
        page.select_option(f"#id_members-{index}-gender", gender)
    page.check("#id_accepts_fund_rules")
    opp.check("group")
    page.click(f"button:has-text('{words['next']}')")
    page.wait_for_url(re.compile(r"/documents/"))

    # Two letters of one kind at once, then one removed.
    files = []
    for name in ("aval-1.pdf", "aval-2.pdf"):
        path = tmp_path / name
        path.write_bytes(PDF_BYTES)
        files.append(str(path))
    page.select_option("#id_kind", "opp_endorsement_letter")
    page.set_input_files("#id_file", files)
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("text=aval-2.pdf")
    assert page.locator("text=aval-1.pdf").count() >= 1
    opp.check("documents")
    page.click("button[aria-label*='aval-1.pdf']")
    page.wait_for_load_state()
    assert page.locator("a:has-text('aval-1.pdf')").count() == 0
    assert page.locator("a:has-text('aval-2.pdf')").count() == 1

    # The last step shows every answer in words, the amount as the language writes it.
    page.click("a[href$='/submit/']")
    answers = page.inner_text("section[aria-labelledby=review-title]")
    assert "Ana López" in answers and amount["shown"] in answers and "female" not in answers
    opp.check("check-and-submit")

    # Printed: no navigation, the answers there.
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert page.locator("section[aria-labelledby=review-title]").is_visible()
    page.emulate_media(media="screen")

    # An address that does not exist: the page says so in the language, with a way back.
    opp.go("/no-such-page/")
    assert words["not_found"] in page.inner_text("main")
    opp.check("not-found")
    opp.close()


@pytest.mark.parametrize(("lang", "width"), [("en", 390), ("pt", 1280)])
def test_staff_main_pages_have_no_accessibility_violations(browser, live_server, lang, width):
    in_review = drive(fund_code="catastrophic-events", to="committee_review")
    submitted = drive(fund_code="catastrophic-events", to="submitted")
    loan_file = drive(fund_code="youth-revolving", to="conditions_accepted")
    relax_separation_of_duties("youth-revolving")
    approved_on(loan_file, timezone.localdate() - datetime.timedelta(days=40))
    for person in (in_review.cast.secretariat, in_review.cast.chair, loan_file.cast.finance):
        person.language = lang
        person.save(update_fields=["language"])

    secretariat = Person(browser, live_server, in_review.cast.secretariat, lang=lang, width=width,
                         tag="secretariat")
    for path, name in (("/", "home"), ("/secretariat/", "queue"), (f"/applications/{submitted.pk}/", "file"),
                       ("/applications/", "applications"), ("/organisations/", "organisations")):
        secretariat.go(path)
        secretariat.check(name)
    secretariat.close()

    chair = Person(browser, live_server, in_review.cast.chair, lang=lang, width=width, tag="chair")
    chair.go("/committee/")
    chair.check("committee")
    chair.go(f"/applications/{in_review.pk}/")
    assert chair.page.locator(".actions-card p.warn").count() == 1  # the quorum, before the buttons
    chair.check("decision")
    chair.close()

    finance = Person(browser, live_server, loan_file.cast.finance, lang=lang, width=width, tag="finance")
    finance.go("/finance/")
    finance.check("desk")
    page = finance.page
    page.click("form[action^='/finance/disbursements/'][action$='/approve/'] button")
    page.wait_for_selector("#preview")
    finance.check("approve-preview")
    page.click("#confirm")
    page.wait_for_url(re.compile(r"/finance/$"))
    page.fill("input[name=paid_on]", (timezone.localdate() - datetime.timedelta(days=35)).isoformat())
    page.fill("input[name=reference]", "TRF-1")
    page.click("form.pay-form button[type=submit]")
    page.wait_for_selector("#preview")
    page.click("#confirm")
    page.wait_for_url(re.compile(r"/finance/$"))
    loan = Loan.objects.get(application=loan_file)
    for path, name in ((f"/finance/loans/{loan.pk}/", "loan"), ("/finance/loans/", "loans"),
                       ("/finance/disbursements/", "disbursements"),
                       ("/finance/funds/youth-revolving/", "ledger"), ("/finance/charts/", "charts")):
        finance.go(path)
        finance.check(name)
    finance.go(f"/finance/loans/{loan.pk}/")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("#repayment-form").is_visible()
    assert page.locator("table").first.is_visible()
    page.emulate_media(media="screen")
    finance.go("/secretariat/")  # not finance's page: refused in the person's language
    finance.check("refused")
    finance.close()
