"""The history of changes as a page: auditors and administrators only (as the API), the listing's
search, filters, sorting and pagination, the fields each change touched, a flat query count."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from applications import services
from applications.models import Application
from organizations.choices import Role
from tests.factories import OppUserFactory, staff_user
from tests.workflow import drive

pytestmark = pytest.mark.django_db

FUND = "climate-eventuality"


def _client(user):
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def test_only_auditors_and_administrators_read_the_history():
    drive(fund_code=FUND, to="submitted")
    for role in (Role.SECRETARIAT, Role.FINANCE):
        assert _client(staff_user(role)).get("/history/").status_code == 403
    assert _client(OppUserFactory()).get("/history/").status_code == 403
    assert Client().get("/history/").status_code == 302  # to sign in
    for role in (Role.AUDITOR, Role.ADMINISTRATOR):
        assert _client(staff_user(role)).get("/history/").status_code == 200


def test_the_history_lists_changes_with_who_and_which_fields():
    applicant = OppUserFactory(first_name="Ana", last_name="Pérez")
    application = drive(fund_code=FUND, to="screening", applicant=applicant)
    # Changes made through the pages carry their author (the history middleware); these came from services.
    Application.history.filter(id=application.pk).update(history_user=applicant)
    client = _client(staff_user(Role.AUDITOR))
    body = client.get(f"/history/?model=application&id={application.pk}").content.decode()
    assert application.reference in body and f'href="/applications/{application.pk}/"' in body
    assert "Created" in body and "Changed" in body
    assert "status" in body.lower()  # the screening changed the state
    # search by the person who made the change, accents and capitals ignored
    assert "Ana Pérez" in client.get("/history/?model=application&search=perez").content.decode()
    assert "Ana Pérez" not in client.get("/history/?model=application&search=nobody-here").content.decode()
    created_only = client.get(f"/history/?model=application&id={application.pk}&type=%2B").content.decode()
    assert "Changed" not in created_only.split("<tbody>")[1]
    assert client.get("/history/?model=nonsense").status_code == 400
    people = client.get("/history/?model=user").content.decode()
    assert applicant.username in people and "password" not in people.split("<tbody>")[1]


def test_a_page_of_history_costs_the_same_for_one_change_and_fifty():
    auditor = staff_user(Role.AUDITOR)
    client = _client(auditor)
    first = drive(fund_code=FUND, to="submitted")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/history/?model=application").status_code == 200
        return len(queries)

    few = count()
    for _n in range(8):
        application = drive(fund_code=FUND, to="screening")
        services.application_request_information(application_id=application.pk,
                                                 by=application.cast.secretariat, message="¿Y el mapa?")
    assert count() == few
    assert first.reference in client.get("/history/?model=application&ordering=date").content.decode()
