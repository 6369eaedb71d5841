"""In Debian's Chromium, at a phone's width and a desk's, in the four languages: an organisation lands on
its dashboard, opens its notices from the header and marks one read; a chair's dashboard says whether
the quorum is reached. Screenshots go to test-artifacts/screenshots/."""

import os

import pytest

from applications.reviews import review_submit
from notifications.models import Notification
from tests.browser_support import shot, signed_in
from tests.factories import OppUserFactory
from tests.workflow import drive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
WORDS = {
    "es": {"waits": "Lo que nos espera", "notices": "Avisos", "marked": "Marcado como leído.",
           "quorum": "Quórum alcanzado: 2 evaluaciones de 2 necesarias", "decide": "Listas para decidir"},
    "pt": {"waits": "O que nos espera", "notices": "Avisos", "marked": "Marcado como lido.",
           "quorum": "Quórum atingido: 2 avaliações de 2 necessárias", "decide": "Prontas para decidir"},
    "fr": {"waits": "Ce qui nous attend", "notices": "Avis", "marked": "Marqué comme lu.",
           "quorum": "Quorum atteint : 2 évaluations sur 2 requises", "decide": "Prêtes à être décidées"},
    "en": {"waits": "What waits for us", "notices": "Notices", "marked": "Marked as read.",
           "quorum": "Quorum reached: 2 reviews of 2 needed", "decide": "Ready to decide"},
}


def _signed_in(browser, live_server, user, *, lang, width):
    user.language = lang
    user.save(update_fields=["language"])
    return signed_in(browser, live_server, user, lang=lang, width=width)


@pytest.mark.parametrize(("lang", "width"), [("es", 390), ("fr", 1280), ("pt", 390), ("en", 1280)])
def test_an_organisation_reads_its_notices_and_a_chair_sees_the_quorum(browser, live_server, lang, width):
    words = WORDS[lang]
    applicant = OppUserFactory()
    application = drive(fund_code="climate-eventuality", to="committee_review", applicant=applicant)
    draft = drive(fund_code="climate-eventuality", to="draft", applicant=applicant)
    receipt = Notification.objects.get(recipient=applicant, application=application, in_app=True)
    tag = f"{lang}-{width}-dashboard"

    context, page = _signed_in(browser, live_server, applicant, lang=lang, width=width)
    page.goto(live_server.url + "/")
    panel = page.locator("#opp-waiting")
    assert words["waits"] in panel.inner_text()
    assert page.inner_text("header .notices .badge.count").startswith("1")
    shot(page, f"{tag}-01-opp")
    # The "drafts" figure opens the list of drafts.
    panel.locator("a[href='/?status=draft']").click()
    page.wait_for_url("**/?status=draft")
    assert draft.reference in page.inner_text("main") and application.reference not in page.inner_text("main")

    page.click("header a.notices")
    page.wait_for_url("**/notices/")
    assert page.inner_text("h1") == words["notices"]
    row = page.locator(f"#notice-{receipt.pk}")
    assert row.locator(f"a[href='/applications/{application.pk}/']").count() == 1
    shot(page, f"{tag}-02-notices")
    row.locator("button.mark-read").click()
    page.wait_for_selector(".messages")
    assert words["marked"] in page.inner_text(".messages")
    assert page.locator("header .notices .badge.count").count() == 0
    assert page.locator(f"#notice-{receipt.pk}.read").count() == 1
    shot(page, f"{tag}-03-read")
    context.close()

    cast = application.cast
    for member in cast.members[:2]:
        review_submit(application_id=application.pk, by=member, score=4, recommendation="approve",
                      comment="Bien fundamentada.")
    context, page = _signed_in(browser, live_server, cast.chair, lang=lang, width=width)
    page.goto(live_server.url + "/")
    chair = page.locator("#chair")
    assert words["decide"] in chair.inner_text()
    assert application.reference in chair.inner_text() and words["quorum"] in chair.inner_text()
    shot(page, f"{tag}-04-chair")
    context.close()
