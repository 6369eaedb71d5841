"""Demo awards with accepted reports, so that the outcomes page shows what a fund changed on first start.

Built through the real services (application, review, approval, payment, reports), once: a second run
finds the accepted reports in place and changes nothing.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services as applications
from applications.reviews import review_submit
from disbursements.models import Disbursement
from disbursements.services import disbursements as money
from funds.models import Fund

from . import services
from .models import ProjectReport
from .workflow import ReportStatus

RECEIPT = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
           b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _fund_owing(report_kinds: set[str], today: datetime.date) -> Fund | None:
    """The first fund whose example award owes exactly reports of ``report_kinds`` once paid today."""
    for fund in Fund.objects.order_by("id"):
        fields = fund.rules.example_fields(today)
        if fields is None:
            continue
        owed = fund.rules.report_requirements(fields, paid_on=today,
                                              parameters=fund.parameters_on(today))
        if {due.kind for due in owed} == report_kinds:
            return fund
    return None


def _award(*, fund, fields, applicant, people, paid_days_ago):
    application = applications.application_create(fund=fund, organization=applicant.organization,
                                                  by=applicant, fields=fields)
    for kind in fund.rules.required_documents:
        applications.document_upload(application_id=application.pk, by=applicant, kind=kind,
                                     upload=SimpleUploadedFile(f"{kind}.pdf", RECEIPT))
    applications.application_submit(application_id=application.pk, by=applicant)
    applications.application_start_screening(application_id=application.pk, by=people["secretariat"])
    applications.application_send_to_committee(application_id=application.pk, by=people["secretariat"])
    for member in people["committee"]:
        review_submit(application_id=application.pk, by=member, score=4, recommendation="approve",
                      comment="Proyecto sólido.")
    applications.application_approve(application_id=application.pk, by=people["committee"][-1],
                                     reason="Cumple los criterios del fondo.")
    applications.application_accept_conditions(application_id=application.pk, by=applicant)
    disbursement = Disbursement.objects.get(application=application, tranche=1)
    money.disbursement_approve(disbursement_id=disbursement.pk, by=people["treasurer"])
    paid_on = timezone.localdate() - datetime.timedelta(days=paid_days_ago)
    money.disbursement_pay(disbursement_id=disbursement.pk, by=people["finance"], paid_on=paid_on,
                           reference=f"DEMO-{application.pk}")
    return application, services.project_reports_create_for_award(application_id=application.pk,
                                                                   paid_on=paid_on)


def _file(report, applicant, secretariat, fields):
    services.project_report_update(report_id=report.pk, by=applicant, fields=fields)
    for row in fields.get("expenditures", []):
        services.report_attachment_upload(report_id=report.pk, by=applicant, kind="receipt",
                                          budget_line=row["budget_line"],
                                          upload=SimpleUploadedFile("factura.pdf", RECEIPT))
    services.project_report_submit(report_id=report.pk, by=applicant)
    services.project_report_accept(report_id=report.pk, by=secretariat)


def demo_reports(*, opp_a, opp_b, secretariat, committee, finance, treasurer) -> int:
    """Two paid awards with accepted reports; returns how many reports it accepted (0 on a second run).

    The treasurer approves each tranche and finance pays it: two people, as the funds require."""
    demo_orgs = (opp_a.organization_id, opp_b.organization_id)
    if ProjectReport.objects.filter(application__organization_id__in=demo_orgs,
                                    status=ReportStatus.ACCEPTED).exists():
        return 0
    people = {"secretariat": secretariat, "committee": committee, "finance": finance, "treasurer": treasurer}
    today = timezone.localdate()
    # An award that owes a progress and a final report (the climate fund's), and one that owes a report
    # on the use of the money (the catastrophic events fund's), each with the example fields its rules give.
    project_fund = _fund_owing({"progress", "final"}, today)
    compensation_fund = _fund_owing({"use_of_funds"}, today)
    if project_fund is None or compensation_fund is None:
        return 0
    climate, reports = _award(fund=project_fund, fields=project_fund.rules.example_fields(today),
                              applicant=opp_a, people=people, paid_days_ago=0)
    by_kind = {report.kind: report for report in reports}
    _file(by_kind["progress"], opp_a, secretariat, {
        "narrative": "Instalamos el riego en 25 fincas; la cosecha de agua está en obra.",
        "indicators": [{"indicator": "Hectáreas con riego", "unit": "ha", "value": "21"},
                       {"indicator": "Rendimiento de café", "unit": "qq/ha", "value": "15"}],
        "people_reached": {"women": 48, "men": 62, "other": 0, "youth": 35, "adults": 75},
        "expenditures": [{"budget_line": "Tubería y goteros", "amount": "4200.00", "currency": "USD"}],
    })
    _file(by_kind["final"], opp_a, secretariat, {
        "narrative": "Las 40 fincas riegan en verano; el rendimiento subió con el agua asegurada.",
        "indicators": [{"indicator": "Hectáreas con riego", "unit": "ha", "value": "31"},
                       {"indicator": "Rendimiento de café", "unit": "qq/ha", "value": "17.5"},
                       {"indicator": "Productoras capacitadas en riego", "unit": "personas", "baseline": "4",
                        "value": "29"}],
        "people_reached": {"women": 71, "men": 88, "other": 1, "youth": 52, "adults": 108},
        "expenditures": [{"budget_line": "Tubería y goteros", "amount": "6100.00", "currency": "USD"},
                         {"budget_line": "Capacitación", "amount": "2900.00", "currency": "USD"}],
    })
    _compensation, reports = _award(fund=compensation_fund,
                                    fields=compensation_fund.rules.example_fields(today),
                                    applicant=opp_b, people=people, paid_days_ago=0)
    _file(reports[0], opp_b, secretariat, {
        "narrative": "A compensação pagou mudas e adubo para replantar as lavouras afetadas.",
        "compensation_use": "Mudas de café e adubo orgânico.",
        "producers_compensated": 22,
        "indicators": [{"indicator": "Hectáreas replantadas", "unit": "ha", "baseline": "0", "value": "18"}],
        "people_reached": {"women": 9, "men": 13, "other": 0, "youth": 6, "adults": 16},
        "expenditures": [{"budget_line": "Mudas e adubo", "amount": "9000.00", "currency": "USD"}],
    })
    return 3
