import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from notifications.kinds import ESSENTIAL, Kind
from notifications.schedules import SCHEDULES
from tests.factories import OppUserFactory
from tests.workflow import cast_for, drive

from .conftest import notices

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox():
    applicant = OppUserFactory(organization__contact_emails=[])
    cast = cast_for("youth-revolving")
    first = drive(fund_code="youth-revolving", to="submitted", applicant=applicant, cast=cast)
    second = drive(fund_code="youth-revolving", to="submitted", applicant=applicant, cast=cast)
    return applicant, cast, first, second


def test_people_list_and_count_only_their_own_notifications(inbox, api_as):
    applicant, cast, first, second = inbox
    client = api_as(applicant)
    listed = client.get("/api/v1/notifications/")
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert [row["application_reference"] for row in rows] == [second.reference, first.reference]
    assert {row["kind"] for row in rows} == {Kind.APPLICATION_SUBMITTED}
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    assert api_as(cast.secretariat).get("/api/v1/notifications/unread-count/").json() == {"unread": 2}


def test_marking_read_and_someone_elses_is_not_found(inbox, api_as):
    applicant, cast, first, _ = inbox
    client = api_as(applicant)
    mine = notices(Kind.APPLICATION_SUBMITTED, recipient=applicant, application=first).get()
    theirs = notices(Kind.APPLICATION_RECEIVED, recipient=cast.secretariat).first()

    response = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert client.post(f"/api/v1/notifications/{mine.pk}/read/").status_code == 200
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    unread = client.get("/api/v1/notifications/?unread=true").json()["results"]
    assert mine.pk not in [row["id"] for row in unread] and len(unread) == 1
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post("/api/v1/notifications/read-all/").status_code == 200
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


def test_unauthenticated_callers_get_401(api):
    assert api.get("/api/v1/notifications/").status_code == 401


def test_preferences_list_every_kind_and_remember_choices(api_as):
    user = OppUserFactory()
    client = api_as(user)
    rows = client.get("/api/v1/notifications/preferences/").json()["preferences"]
    assert {row["kind"] for row in rows} == set(Kind.values)
    assert {row["kind"] for row in rows if row["essential"]} == set(ESSENTIAL)
    assert {Kind.APPLICATION_APPROVED, Kind.INFORMATION_REQUESTED, Kind.ARREARS_NOTICE} <= ESSENTIAL
    saved = client.put("/api/v1/notifications/preferences/", {"preferences": [
        {"kind": "review_reminder", "email": False, "in_app": True},
    ]}, format="json", HTTP_ACCEPT_LANGUAGE="es").json()["preferences"]
    assert next(row for row in saved if row["kind"] == "review_reminder") == {
        "kind": "review_reminder", "label": "Evaluación pendiente", "essential": False,
        "email": False, "in_app": True,
    }
    bad = client.put("/api/v1/notifications/preferences/", {"preferences": [{"kind": "nonsense"}]},
                     format="json")
    assert bad.status_code == 400
    assert client.options("/api/v1/notifications/preferences/").status_code == 200


def test_install_schedules_is_idempotent():
    call_command("install_schedules")
    first = {task.name: (task.task, task.crontab_id) for task in PeriodicTask.objects.all()}
    call_command("install_schedules")
    second = {task.name: (task.task, task.crontab_id) for task in PeriodicTask.objects.all()}
    assert first == second
    assert {schedule.name for schedule in SCHEDULES} <= set(first)
    assert first["fondos: deadlines"][0] == "notifications.run_deadlines"
    PeriodicTask.objects.filter(name="fondos: deadlines").update(enabled=False)
    PeriodicTask.objects.create(name="fondos: retired job", task="notifications.gone", interval=None,
                                crontab_id=first["fondos: deadlines"][1])
    call_command("install_schedules")
    assert PeriodicTask.objects.get(name="fondos: deadlines").enabled
    assert not PeriodicTask.objects.get(name="fondos: retired job").enabled
