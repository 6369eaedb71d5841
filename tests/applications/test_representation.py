"""The API's fast application JSON (``applications.representation``) against the DRF serializers that
declare it in the OpenAPI schema: the same keys, in the same order, with the same values, for every
fund and state the load generator makes, as seen by each kind of person."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from applications.models import Application
from applications.representation import application_detail_json, application_list_json, list_rows
from applications.selectors import applications_visible_to
from applications.serializers import ApplicationDetailSerializer, ApplicationListSerializer
from organizations.models import User

pytestmark = pytest.mark.django_db

VIEWERS = ["load-secretariat", "load-finance", "load-auditor", "load-youth-revolving-chair",
           "load-climate-eventuality-member1", "an OPP's staff"]


def _viewer(name):
    if name == "an OPP's staff":
        return User.objects.filter(organization__applications__isnull=False).order_by("id").first()
    return User.objects.get(username=name)


def _context(user):
    request = Request(APIRequestFactory().get("/"))
    request.user = user
    return {"request": request}


def _json(data):
    """What a client receives: rendered, then parsed, keeping the key order."""
    return json.loads(JSONRenderer().render(data), object_pairs_hook=list)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_list_rows_give_what_the_list_serializer_gives(load_data, viewer):
    user = _viewer(viewer)
    applications = applications_visible_to(user).select_related("fund", "organization").order_by("id")
    expected = ApplicationListSerializer(applications, many=True, context=_context(user)).data
    assert len(expected) > 0
    assert _json(application_list_json(list_rows(applications), user)) == _json(expected)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_detail_gives_what_the_detail_serializer_gives(load_data, viewer):
    user = _viewer(viewer)
    applications = (applications_visible_to(user).select_related("fund", "organization")
                    .order_by("id"))
    seen_states, asked = set(), 0
    for application in applications:
        application.has_information_requests = application.information_requests.exists()
        expected = ApplicationDetailSerializer(application, context=_context(user)).data
        assert _json(application_detail_json(application, user)) == _json(expected), application.pk
        seen_states.add(application.status)
        asked += application.has_information_requests
    if viewer == "load-secretariat":
        assert asked > 0
        assert {"draft", "submitted", "information_requested", "committee_review", "approved",
                "in_execution", "closed", "rejected"} <= seen_states


def test_days_left_counts_from_the_local_date_in_both(load_data):
    user = _viewer("load-secretariat")
    application = Application.objects.filter(status="committee_review").exclude(decision_due=None).first()
    late_on_the_due_date = timezone.make_aware(
        datetime.datetime.combine(application.decision_due, datetime.time(23, 30)))
    with time_machine.travel(late_on_the_due_date, tick=False):
        rows = application_list_json(list_rows(Application.objects.filter(pk=application.pk)), user)
        expected = ApplicationListSerializer(application, context=_context(user)).data
    assert rows[0]["days_left"] == expected["days_left"] == 0
