"""In Debian's Chromium: the secretariat declares a hurricane, an organisation of an affected country
applies in French from the link in its notice, and the event's page shows the claim. Screenshots go to
test-artifacts/screenshots/."""

import datetime
import re

import pytest
from django.utils import timezone

from notifications.models import Notification
from organizations.choices import Role
from tests.factories import OppUserFactory, staff_user
from tests.portal.test_browser_journeys import WORDS, Person
from tests.workflow import PDF_BYTES, ensure_capital

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_declare_a_hurricane_and_an_affected_organisation_applies_in_french_from_its_notice(
        browser, live_server, tmp_path):  # noqa: F811 - the fixture imported above
    ensure_capital("catastrophic-events")
    today = timezone.localdate()
    starts_on, ends_on = today - datetime.timedelta(days=6), today - datetime.timedelta(days=4)
    secretariat = staff_user(Role.SECRETARIAT, language="en", first_name="Lucía", last_name="Mora")
    applicant = OppUserFactory(language="fr", organization__country="HT",
                               organization__preferred_language="fr", first_name="Jean", last_name="Baptiste")
    elsewhere = OppUserFactory(language="es", organization__country="NI")

    # The secretariat declares the hurricane for Haiti.
    staff = Person(browser, live_server, secretariat, lang="en", width=1280, tag="event-1-staff")
    page = staff.page
    staff.go("/calls/")
    page.click("a[href='/events/declare/']")
    page.fill("#id_name", "Hurricane Sara")
    page.select_option("#id_event_type", "hurricane")
    page.fill("#id_starts_on", starts_on.isoformat())
    page.fill("#id_ends_on", ends_on.isoformat())
    page.check("input[name=countries][value=HT]")
    page.fill("#id_regions", "Nord-Est, Nord-Ouest")
    page.fill("#id_glide", "TC-2026-000777-HTI")
    page.fill("#id_budget", "150,000.00")
    page.fill("#id_decision_limit_days", "14")
    staff.shot("declare")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/events/\d+/$"))
    event_path = re.search(r"/events/\d+/", page.url).group(0)
    assert "No claim has been submitted yet." in page.inner_text("main")
    staff.shot("event-declared")

    # Only the affected country's organisation is told, in French, with a link to apply.
    notice = Notification.objects.get(kind="event_declared", recipient=applicant)
    assert not Notification.objects.filter(kind="event_declared", recipient=elsewhere).exists()
    assert notice.language == "fr" and "Hurricane Sara" in notice.subject
    link = re.search(r"(/apply/catastrophic-events/\?call=\d+)", notice.body).group(1)

    # The organisation opens its notice in Fondos; it leads to the event's call among its open calls.
    opp = Person(browser, live_server, applicant, lang="fr", width=1280, tag="event-2-opp")
    page = opp.page
    opp.go("/notices/")
    assert link in page.locator("tr", has_text="Hurricane Sara").text_content()  # as in the e-mail
    page.click("tr a:has-text('Hurricane Sara')")
    page.wait_for_url(re.compile(r"/#open-calls$"))
    assert "Hurricane Sara" in page.inner_text("section[aria-labelledby=open-calls]")
    opp.shot("home-open-calls")
    page.click(f"section[aria-labelledby=open-calls] a[href='{link}']")
    assert page.input_value("#id_event_type") == "hurricane"
    assert page.input_value("#id_event_start") == starts_on.isoformat()
    assert page.input_value("#id_event_end") == ends_on.isoformat()
    opp.shot("apply-prefilled")
    page.select_option("#id_crop", "coffee")
    page.fill("#id_event_description", "L'ouragan Sara a détruit les caféiers des hauteurs.")
    page.click(f"button:has-text('{WORDS['fr']['save_next']}')")
    page.wait_for_url(re.compile(r"/step/production/"))
    for index, (season, volume) in enumerate([("2021-22", "1000"), ("2022-23", "950"), ("2023-24", "1050")]):
        page.fill(f"#id_season_productions-{index}-season", season)
        page.fill(f"#id_season_productions-{index}-volume", volume)
    page.fill("#id_affected_season_volume", "600")
    page.select_option("#id_unit", "qq")
    page.fill("#id_reference_price", "150,00")
    page.click(f"button:has-text('{WORDS['fr']['save_next']}')")
    page.wait_for_url(re.compile(r"/step/producers/"))
    page.fill("#id_affected_producers-women", "40")
    page.fill("#id_affected_producers-men", "60")
    page.fill("#id_affected_producers-youth", "25")
    page.check("#id_accepts_fund_rules")
    page.click(f"button:has-text('{WORDS['fr']['save_next']}')")
    page.wait_for_url(re.compile(r"/documents/"))
    evidence = tmp_path / "preuves.pdf"
    evidence.write_bytes(PDF_BYTES)
    page.select_option("#id_kind", "damage_evidence")
    page.set_input_files("#id_file", str(evidence))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("text=preuves.pdf")
    page.click("a[href$='/submit/']")
    opp.shot("check")
    page.click(f"button:has-text('{WORDS['fr']['submit']}')")
    page.wait_for_selector(".badge")
    opp.shot("submitted")
    opp.close()

    # The event's page shows the claim under Haiti.
    staff.go(event_path)
    row = staff.page.locator("tbody tr", has_text="Haiti")
    assert row.locator("td").first.inner_text().strip() == "1"
    assert row.locator("td").nth(1).inner_text().strip() == "$18,000.00"  # 30% of the 400 qq lost, at 150.00
    staff.shot("event-claims")
    staff.close()
