"""Each fund's reports, created from the award's first payment with the parameters it was judged by."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from funds.models import Fund, FundParameters
from notifications.models import Deadline, DeadlineKind
from reporting.models import ProjectReport
from reporting.services import project_reports_create_for_award
from tests.workflow import valid_fields

pytestmark = pytest.mark.django_db


def owed(application):
    return [(r.kind, r.sequence, r.due_on, r.status) for r in
            ProjectReport.objects.filter(application=application).order_by("due_on", "kind")]


def test_climate_fund_owes_a_progress_report_half_way_and_the_final_report_with_the_endline(paid_award):
    today = timezone.localdate()
    fields = valid_fields("climate-eventuality")
    end = today + datetime.timedelta(days=200)
    fields["project_end_date"] = end.isoformat()
    application = paid_award("climate-eventuality", fields=fields)

    assert owed(application) == [
        ("progress", 1, today + datetime.timedelta(days=100), "due"),
        ("final", 1, end + datetime.timedelta(days=60), "due"),
    ]
    final = application.project_reports.get(kind="final")
    rows = list(final.indicators.values_list("indicator", "unit", "baseline", "value", "from_baseline"))
    assert rows == [("Hectáreas con riego", "ha", 12, None, True)]


def test_catastrophic_fund_owes_a_use_of_funds_report_days_after_payment(paid_award):
    application = paid_award("catastrophic-events", days_ago=10)
    paid_on = timezone.localdate() - datetime.timedelta(days=10)
    assert owed(application) == [("use_of_funds", 1, paid_on + datetime.timedelta(days=90), "due")]


def test_certification_subsidy_owes_the_certificate(paid_award):
    application = paid_award("certification-subsidy")
    due = timezone.localdate() + datetime.timedelta(days=120)
    assert owed(application) == [("certificate", 1, due, "due")]


def test_youth_fund_owes_a_progress_report_each_year_of_the_term(paid_award):
    fields = valid_fields("youth-revolving")
    fields["term_months"] = 24
    application = paid_award("youth-revolving", fields=fields, amount="3000.00",
                             terms={"annual_interest_rate": "4", "term_months": 24})
    today = timezone.localdate()
    assert owed(application) == [
        ("progress", 1, today + relativedelta(months=12), "due"),
        ("progress", 2, today + relativedelta(months=24), "due"),
    ]


def test_requirements_follow_the_parameters_in_force_at_submission(paid_award):
    fund = Fund.objects.get(code="catastrophic-events")
    FundParameters.objects.create(fund=fund, valid_from=timezone.localdate() - datetime.timedelta(days=400),
                                  values={"use_of_funds_report_days": 30})
    application = paid_award("catastrophic-events")
    assert owed(application)[0][2] == timezone.localdate() + datetime.timedelta(days=30)


def test_reports_are_created_once_whatever_the_number_of_payments(paid_award):
    application = paid_award("catastrophic-events")
    again = project_reports_create_for_award(application_id=application.pk, paid_on=timezone.localdate())
    assert len(again) == 1
    assert ProjectReport.objects.filter(application=application).count() == 1


def test_each_report_sets_a_reminder_an_overdue_notice_and_an_escalation(paid_award):
    application = paid_award("catastrophic-events")
    due = application.project_reports.get().due_on
    timers = set(Deadline.objects.filter(application=application, kind__startswith="report_")
                 .values_list("kind", "due_on"))
    assert timers == {
        (DeadlineKind.REPORT_SOON, due - datetime.timedelta(days=14)),
        (DeadlineKind.REPORT_OVERDUE, due + datetime.timedelta(days=1)),
        (DeadlineKind.REPORT_ESCALATION, due + datetime.timedelta(days=30)),
    }
