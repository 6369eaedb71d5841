"""In Spanish, at a phone's width: an OPP files its final report with the endline, the secretariat returns
it once, then accepts it, the file closes, and the outcomes page shows the change. Screenshots go to
test-artifacts/screenshots/."""

import datetime
import re

import pytest
from django.utils import timezone

from disbursements.models import Disbursement
from disbursements.services import disbursements as money
from tests.factories import OppUserFactory
from tests.portal.test_browser_journeys import PDF_BYTES, Person
from tests.workflow import drive, valid_fields

from .helpers import accept

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _paid_climate_award():
    applicant = OppUserFactory(language="es", organization__preferred_language="es",
                               organization__country="HN", first_name="Marta", last_name="Reyes")
    fields = valid_fields("climate-eventuality")
    fields["project_end_date"] = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    application = drive(fund_code="climate-eventuality", to="conditions_accepted", applicant=applicant,
                        fields=fields)
    for person in (application.cast.secretariat, application.cast.finance):
        person.language = "es"
        person.save(update_fields=["language"])
    disbursement = Disbursement.objects.get(application=application)
    money.disbursement_approve(disbursement_id=disbursement.pk, by=application.cast.treasurer)
    # Paid and committed: the reports the award owes are created once the payment commits.
    money.disbursement_pay(disbursement_id=disbursement.pk, by=application.cast.finance,
                           paid_on=timezone.localdate(), reference="TRF-77")
    application.refresh_from_db()
    accept(application.project_reports.get(kind="progress"), application,
           indicators=[{"indicator": "Hectáreas con riego", "unit": "ha", "value": "20"}])
    return application


def test_final_report_returned_once_accepted_file_closed_outcomes_show_the_change(browser, live_server,  # noqa: F811
                                                                                   tmp_path):
    application = _paid_climate_award()
    final = application.project_reports.get(kind="final")
    report_path = f"/reports/{final.pk}/"

    # The OPP fills the final report step by step, with the endline of its baseline indicator.
    opp = Person(browser, live_server, application.applicant, lang="es", width=390, tag="report-1-opp")
    page = opp.page
    opp.go(f"/applications/{application.pk}/")
    page.click(f"a[href='{report_path}']")
    opp.shot("report-due")
    page.click(f"a[href='{report_path}step/narrative/']")
    page.fill("#id_narrative", "Instalamos riego por goteo en 30 hectáreas de café.")
    page.click("button:has-text('Guardar y continuar')")
    page.wait_for_url(re.compile(r"/step/indicators/"))
    assert "12" in page.inner_text("fieldset.group")  # the baseline, with its unit
    page.fill("#ind-0-value", "30")
    page.fill("#ind-1-indicator", "Productoras capacitadas")
    page.fill("#ind-1-unit", "personas")
    page.fill("#ind-1-baseline", "0")
    page.fill("#ind-1-value", "25")
    opp.shot("indicators")
    page.click("button:has-text('Guardar y continuar')")
    page.wait_for_url(re.compile(r"/step/people/"))
    for group, count in (("women", "40"), ("men", "55"), ("other", "1"), ("youth", "30"), ("adults", "66")):
        page.fill(f"#people-{group}", count)
    page.click("button:has-text('Guardar y continuar')")
    page.wait_for_url(re.compile(r"/step/money/"))
    page.fill("#exp-0-budget_line", "Tubería y goteros")
    page.fill("#exp-0-amount", "5.200,00")
    page.click("button:has-text('Guardar borrador')")
    page.wait_for_selector("#id_budget_line option[value='Tubería y goteros']", state="attached")
    receipt = tmp_path / "factura.pdf"
    receipt.write_bytes(PDF_BYTES)
    page.set_input_files("#id_file", str(receipt))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("text=factura.pdf")
    opp.shot("money")
    opp.go(report_path)
    page.click("button[data-action=submit]")
    page.wait_for_selector(".messages")
    assert "Enviado" in page.inner_text("h1")
    opp.shot("submitted")

    # The secretariat returns it once, with comments.
    secretariat = Person(browser, live_server, application.cast.secretariat, lang="es", width=390,
                         tag="report-2-secretariat")
    secretariat.go("/reports/")
    secretariat.page.click(f"a[href='{report_path}']")
    secretariat.page.click("details.action summary")
    secretariat.page.fill("#id_comments", "Agreguen cuántas fincas tienen riego.")
    secretariat.shot("return-form")
    secretariat.page.click("button[data-action=return]")
    secretariat.page.wait_for_selector(".badge.bad")

    # The OPP reads the comments, corrects and submits again.
    opp.go(report_path)
    assert "Agreguen cuántas fincas tienen riego." in page.inner_text("[role=alert]")
    opp.shot("returned")
    page.click(f"a[href='{report_path}step/narrative/']")
    page.fill("#id_narrative", "Instalamos riego por goteo en 30 hectáreas de 42 fincas de café.")
    page.click("button:has-text('Guardar y continuar')")
    page.wait_for_url(re.compile(r"/step/indicators/"))
    opp.go(report_path)
    page.click("button[data-action=submit]")
    page.wait_for_selector(".messages")
    opp.close()

    # The secretariat accepts it and closes the file.
    secretariat.go(report_path)
    secretariat.page.click("button[data-action=accept]")
    secretariat.page.wait_for_selector(".badge.good")
    secretariat.shot("accepted")
    secretariat.go(f"/applications/{application.pk}/")
    secretariat.page.click(f"form[action='/applications/{application.pk}/do/close/'] button")
    secretariat.page.wait_for_selector(".badge:has-text('Cerrada')")
    secretariat.shot("closed")
    application.refresh_from_db()
    assert application.status == "closed"

    # The outcomes page shows the change: 12 ha at the baseline, 30 ha now.
    secretariat.go("/reports/outcomes/?fund=climate-eventuality")
    row = secretariat.page.locator("#outcome-indicators tr", has_text="Hectáreas con riego")
    assert "150,00" in row.inner_text()
    secretariat.shot("outcomes")
    secretariat.close()
