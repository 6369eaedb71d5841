"""Time moves across every deadline; each sweep runs twice to show it does nothing new."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from applications import services
from applications.models import Application
from applications.reviews import review_submit
from notifications.deadlines import run_deadlines
from notifications.kinds import Kind
from notifications.models import Deadline
from tests.workflow import cast_for, drive, pdf_upload, valid_fields

from .conftest import notices

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("America/Tegucigalpa")
START = datetime.date(2026, 3, 2)


def at(day: datetime.date, hour=9):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False)


def days(n):
    return START + datetime.timedelta(days=n)


def sweep_twice(day, committed):
    with at(day), committed():
        first = run_deadlines()
        second = run_deadlines()
    assert sum(second.values()) == 0, second
    return first


@pytest.mark.parametrize(("fund_code", "warning", "limit"), [
    ("youth-revolving", 15, 28),
    ("climate-eventuality", 30, 45),
    ("catastrophic-events", 30, 45),
    ("certification-subsidy", 20, 30),
])
def test_decision_clock_warns_then_escalates_once_and_never_expires(fund_code, warning, limit, committed):
    cast = cast_for(fund_code)
    with at(START):
        app = drive(fund_code=fund_code, to="submitted", cast=cast)
    assert app.decision_warning_on == days(warning) and app.decision_due == days(limit)
    people = {cast.secretariat.pk, cast.chair.pk}

    sweep_twice(days(warning - 1), committed)
    assert not notices(Kind.DECISION_WARNING).exists()

    outcome = sweep_twice(days(warning), committed)
    assert outcome == {"decision_warning:notified": 1}
    warned = notices(Kind.DECISION_WARNING)
    assert set(warned.values_list("recipient_id", flat=True)) == people
    assert f"en {limit - warning} días" in warned.first().body
    assert all(message.subject.startswith("La decisión sobre") for message in mail.outbox[-2:])

    sweep_twice(days(limit), committed)  # due today: not passed yet
    assert not notices(Kind.DECISION_OVERDUE).exists()

    sweep_twice(days(limit + 1), committed)
    assert set(notices(Kind.DECISION_OVERDUE).values_list("recipient_id", flat=True)) == people
    sweep_twice(days(limit + 30), committed)
    assert notices(Kind.DECISION_OVERDUE).count() == 2 and notices(Kind.DECISION_WARNING).count() == 2
    app.refresh_from_db()
    assert app.status == "submitted"


def test_a_decided_application_is_not_chased(committed):
    cast = cast_for("youth-revolving")
    with at(START):
        app = drive(fund_code="youth-revolving", to="screening", cast=cast)
        services.application_reject(application_id=app.pk, by=cast.secretariat, reason="No es elegible.")
    assert sweep_twice(days(40), committed) == {"decision_warning:decided": 1, "decision_overdue:decided": 1}
    assert not notices(Kind.DECISION_WARNING).exists() and not notices(Kind.DECISION_OVERDUE).exists()


def test_an_unanswered_request_expires_the_day_after_its_date(committed):
    cast = cast_for("certification-subsidy")
    with at(START), committed():
        app = drive(fund_code="certification-subsidy", to="screening", cast=cast)
        services.application_request_information(application_id=app.pk, by=cast.secretariat,
                                                 message="Falta la factura.", respond_by=days(10))
    sweep_twice(days(10), committed)
    app.refresh_from_db()
    assert app.status == "information_requested"

    outcome = sweep_twice(days(11), committed)
    assert outcome["information_expiry:expired"] == 1
    app.refresh_from_db()
    assert app.status == "expired"
    expired = notices(Kind.APPLICATION_EXPIRED, recipient__isnull=False)
    assert set(expired.values_list("recipient_id", flat=True)) == {app.applicant.pk, cast.secretariat.pk}
    assert app.transitions.filter(transition="expire", by__isnull=True).count() == 1


def test_an_answered_request_does_not_expire(committed):
    cast = cast_for("certification-subsidy")
    with at(START), committed():
        app = drive(fund_code="certification-subsidy", to="screening", cast=cast)
        services.application_request_information(application_id=app.pk, by=cast.secretariat,
                                                 message="Falta la factura.", respond_by=days(10))
    with at(days(9)):
        services.application_answer_information_request(application_id=app.pk, by=app.applicant,
                                                        answer="Aquí está.")
    assert sweep_twice(days(11), committed) == {"information_expiry:answered": 1}
    app.refresh_from_db()
    assert app.status == "screening"


def test_committee_members_who_have_not_reviewed_are_reminded_every_week(committed):
    cast = cast_for("catastrophic-events")
    with at(START):
        app = drive(fund_code="catastrophic-events", to="committee_review", cast=cast)
    first, second, chair = cast.members
    with at(days(3)):
        review_submit(application_id=app.pk, by=first, score=4, recommendation="approve", comment="Bien.")

    sweep_twice(days(6), committed)
    assert not notices(Kind.REVIEW_REMINDER).exists()
    sweep_twice(days(7), committed)
    assert set(notices(Kind.REVIEW_REMINDER).values_list("recipient_id", flat=True)) == {second.pk, chair.pk}

    with at(days(10)):
        review_submit(application_id=app.pk, by=second, score=3, recommendation="approve", comment="Ok.")
    sweep_twice(days(14), committed)
    assert list(notices(Kind.REVIEW_REMINDER, recipient=chair).values_list("recipient_id", flat=True)) == [
        chair.pk, chair.pk]
    assert notices(Kind.REVIEW_REMINDER, recipient=second).count() == 1


def test_final_baseline_is_asked_for_before_and_on_its_date_until_it_arrives(committed):
    cast = cast_for("climate-eventuality")
    end = days(200)
    with at(START):
        app = drive(fund_code="climate-eventuality", to="conditions_accepted", cast=cast,
                    fields={**valid_fields("climate-eventuality"),
                            "project_end_date": end.isoformat()})
        services.application_start_execution(application_id=app.pk)
    due = end + datetime.timedelta(days=60)

    sweep_twice(due - datetime.timedelta(days=15), committed)
    assert not notices(Kind.FINAL_BASELINE_DUE).exists()
    sweep_twice(due - datetime.timedelta(days=14), committed)
    reminder = notices(Kind.FINAL_BASELINE_DUE, recipient=app.applicant).get()
    before = notices(Kind.FINAL_BASELINE_DUE).count()
    assert due == datetime.date(2026, 11, 17)
    assert reminder.subject == f"Línea base final de {app.reference} a más tardar el 17 de noviembre de 2026"

    with at(due - datetime.timedelta(days=3)):
        services.document_upload(application_id=app.pk, by=app.applicant, kind="final_baseline",
                                 upload=pdf_upload("linea-base-final.pdf"))
    assert sweep_twice(due, committed) == {"final_baseline_due:received": 1}
    assert notices(Kind.FINAL_BASELINE_DUE).count() == before


def test_run_deadlines_command_does_the_same_work(committed):
    cast = cast_for("youth-revolving")
    with at(START):
        app = drive(fund_code="youth-revolving", to="submitted", cast=cast)
    with at(days(15)), committed():
        call_command("run_deadlines")
        call_command("run_deadlines")
    assert notices(Kind.DECISION_WARNING).count() == 2
    assert Deadline.objects.get(application=app, kind="decision_warning").outcome == "notified"
    assert Application.objects.get(pk=app.pk).status == "submitted"


def _chair_conflicted(cast):
    """An application in committee review whose chair declared a conflict of interest; its first
    member is also the fund's deputy chair."""
    from organizations.choices import Role
    from tests.factories import grant_role

    with at(START):
        app = drive(fund_code="catastrophic-events", to="committee_review", cast=cast)
        review_submit(application_id=app.pk, by=cast.chair, conflict_of_interest=True,
                      comment="Soy socio de la cooperativa.")
    deputy = cast.members[0]
    grant_role(deputy, Role.DEPUTY_CHAIR, "catastrophic-events")
    return app, deputy


def test_decision_notices_go_to_the_deputy_when_the_chair_has_a_conflict(committed):
    cast = cast_for("catastrophic-events")
    app, deputy = _chair_conflicted(cast)
    assert app.decision_warning_on == days(30)

    sweep_twice(days(30), committed)
    warned = set(notices(Kind.DECISION_WARNING).values_list("recipient_id", flat=True))
    assert warned == {cast.secretariat.pk, deputy.pk}
    sweep_twice(days(46), committed)
    overdue = set(notices(Kind.DECISION_OVERDUE).values_list("recipient_id", flat=True))
    assert overdue == {cast.secretariat.pk, deputy.pk}
    assert not notices(recipient=cast.chair).filter(kind__in=[Kind.DECISION_WARNING,
                                                               Kind.DECISION_OVERDUE]).exists()


def test_decision_notices_go_to_the_secretariat_when_the_fund_says_so(committed):
    from funds.models import FundParameters

    cast = cast_for("catastrophic-events")
    app, _deputy = _chair_conflicted(cast)
    FundParameters.objects.create(fund=app.fund, valid_from=datetime.date(2000, 1, 1),
                                  values={"conflicted_chair_replaced_by": "secretariat"})

    sweep_twice(days(30), committed)
    assert set(notices(Kind.DECISION_WARNING).values_list("recipient_id", flat=True)) == {cast.secretariat.pk}


def test_a_deputy_with_a_conflict_too_leaves_the_notices_to_the_secretariat(committed):
    cast = cast_for("catastrophic-events")
    app, deputy = _chair_conflicted(cast)
    with at(START):
        review_submit(application_id=app.pk, by=deputy, conflict_of_interest=True, comment="Mi primo.")

    sweep_twice(days(30), committed)
    assert set(notices(Kind.DECISION_WARNING).values_list("recipient_id", flat=True)) == {cast.secretariat.pk}
