"""Filing and accepting a report through the services, for the tests."""

from reporting import services
from tests.workflow import pdf_upload

PEOPLE = {"women": 2, "men": 1, "other": 0, "youth": 1, "adults": 2}


def accept(report, application, *, people=True, indicators=None):
    fields = {"narrative": "Hecho."}
    if people:
        fields["people_reached"] = people if isinstance(people, dict) else PEOPLE
    if indicators is not None:
        fields["indicators"] = indicators
    if report.kind == "use_of_funds":
        fields.update(compensation_use="Semillas y abono.", producers_compensated=3)
        fields["expenditures"] = [{"budget_line": "Semillas", "amount": "100.00", "currency": "USD"}]
    if report.kind != "certificate":
        services.project_report_update(report_id=report.pk, by=application.applicant, fields=fields)
    if report.kind == "use_of_funds":
        services.report_attachment_upload(report_id=report.pk, by=application.applicant, kind="receipt",
                                          budget_line="Semillas", upload=pdf_upload())
    if report.kind == "certificate":
        services.report_attachment_upload(report_id=report.pk, by=application.applicant, kind="certificate",
                                          upload=pdf_upload())
    services.project_report_submit(report_id=report.pk, by=application.applicant)
    services.project_report_accept(report_id=report.pk, by=application.cast.secretariat)
