"""Declared events: fast-track calls, notices to the affected countries only, the claims page and API."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications import services
from calls.models import Call, ClimateEvent
from calls.services import event_declare
from core.errors import Invalid, NotPermitted
from notifications.declared_events import event_notify
from notifications.links import notice_path
from notifications.models import Notification
from tests.factories import OppUserFactory
from tests.workflow import ensure_capital, pdf_upload, valid_fields

from .helpers import secretariat

pytestmark = pytest.mark.django_db

CATASTROPHIC = "catastrophic-events"


def declare(**values):
    today = timezone.localdate()
    return event_declare(by=secretariat(), values={
        "name": "Huracán Sara", "event_type": "hurricane", "starts_on": today - datetime.timedelta(days=5),
        "ends_on": today - datetime.timedelta(days=3), "countries": ["HN", "HT"],
        "regions": "Atlántida, Colón; Nord-Est", "glide": "TC-2026-000123-HND", "budget": "200000.00",
        **values,
    })


def test_declaring_an_event_opens_a_fast_track_call_with_a_shorter_decision_clock():
    event = declare(climate_budget="50000.00", decision_limit_days=12, decision_warning_days=8)

    calls = {call.fund.code: call for call in event.calls.select_related("fund")}
    assert set(calls) == {CATASTROPHIC, "climate-eventuality"}
    fast = calls[CATASTROPHIC]
    assert (fast.budget, fast.countries, fast.parameter_overrides) == (
        Decimal("200000.00"), ["HN", "HT"], {"decision_limit_days": 12, "decision_warning_days": 8})
    assert fast.is_open_on(timezone.localdate())
    assert "Huracán Sara" in fast.title_es and "Huracán Sara" in fast.title_fr
    assert calls["climate-eventuality"].budget == Decimal("50000.00")


def test_a_declaration_with_mistakes_changes_nothing_and_says_every_one():
    with pytest.raises(Invalid) as refused:
        event_declare(by=secretariat(), values={
            "name": "", "event_type": "meteor", "countries": ["XX"], "budget": "lots",
            "starts_on": timezone.localdate() + datetime.timedelta(days=2)})
    assert {"name", "event_type", "countries", "starts_on", "budget"} <= set(refused.value.errors)
    assert not ClimateEvent.objects.exists() and not Call.objects.exists()
    assert not Notification.objects.exists()


def test_only_organisations_of_affected_countries_are_told_each_in_its_language_once():
    honduras = OppUserFactory(language="es", organization__country="HN", organization__contact_emails=[])
    haiti = OppUserFactory(language="fr", organization__country="HT", organization__preferred_language="fr",
                           organization__contact_emails=["bureau@coop-haiti.example"])
    nicaragua = OppUserFactory(language="es", organization__country="NI")

    event = declare()

    notices = Notification.objects.filter(kind="event_declared")
    assert {n.recipient_id for n in notices} == {honduras.pk, haiti.pk, None}
    assert not notices.filter(recipient=nicaragua).exists()
    assert not notices.filter(email__in=nicaragua.organization.contact_emails).exists()
    french = notices.get(recipient=haiti)
    assert french.language == "fr" and french.in_app and french.email == haiti.email
    assert "Huracán Sara" in french.subject and "appel accéléré" in french.subject
    call = event.calls.get(fund__code=CATASTROPHIC)
    assert f"/apply/{CATASTROPHIC}/?call={call.pk}" in french.body
    assert notice_path(french) == "/#open-calls"  # the notice centre leads to the open calls
    assert notices.get(recipient=None).email == "bureau@coop-haiti.example"
    assert notices.get(recipient=honduras).language == "es"

    assert event_notify(event_id=event.pk) == 0
    assert Notification.objects.filter(kind="event_declared").count() == 3


def test_an_application_in_the_event_call_starts_with_the_event_type_and_dates_and_its_clock():
    ensure_capital(CATASTROPHIC)
    event = declare()
    call = event.calls.get(fund__code=CATASTROPHIC)
    applicant = OppUserFactory(organization__country="HN")
    fields = {key: value for key, value in valid_fields(CATASTROPHIC).items()
              if key not in ("event_type", "event_start", "event_end")}

    application = services.application_create(fund=call.fund, organization=applicant.organization,
                                              by=applicant, fields=fields, call=call)
    assert application.data["event_type"] == "hurricane"
    assert application.data["event_start"] == event.starts_on.isoformat()
    assert application.data["event_end"] == event.ends_on.isoformat()
    services.document_upload(application_id=application.pk, by=applicant, kind="damage_evidence",
                             upload=pdf_upload())
    services.application_submit(application_id=application.pk, by=applicant)
    application.refresh_from_db()
    assert application.decision_due == timezone.localdate() + datetime.timedelta(days=15)


def test_an_organisation_outside_the_affected_countries_cannot_apply_to_the_event_call():
    event = declare()
    call = event.calls.get(fund__code=CATASTROPHIC)
    outsider = OppUserFactory(organization__country="NI")

    with pytest.raises(Invalid) as refused:
        services.application_create(fund=call.fund, organization=outsider.organization, by=outsider,
                                    fields={}, call=call)
    assert "call" in refused.value.errors


def test_organisations_cannot_declare_events(client):
    opp = OppUserFactory(organization__country="HN")
    with pytest.raises(NotPermitted):
        event_declare(by=opp, values={})
    client.force_login(opp)
    assert client.get("/events/declare/").status_code == 403
    assert client.post("/events/declare/", {"name": "Falso"}).status_code == 403
    assert not ClimateEvent.objects.exists()


def _claim(call, country, requested_volume="600"):
    applicant = OppUserFactory(organization__country=country)
    fields = {**valid_fields(CATASTROPHIC), "affected_season_volume": requested_volume}
    application = services.application_create(fund=call.fund, organization=applicant.organization,
                                              by=applicant, fields=fields, call=call)
    services.document_upload(application_id=application.pk, by=applicant, kind="damage_evidence",
                             upload=pdf_upload())
    services.application_submit(application_id=application.pk, by=applicant)
    application.refresh_from_db()
    return applicant, application


def test_the_event_page_and_api_show_claims_by_country_in_one_query(client, api_as):
    ensure_capital(CATASTROPHIC)
    event = declare()
    call = event.calls.get(fund__code=CATASTROPHIC)
    hn_user, first = _claim(call, "HN")
    _claim(call, "HN")
    _claim(call, "HT")
    staff = secretariat()

    client.force_login(staff)
    page = client.get(f"/events/{event.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Honduras" in page and "Haití" in page

    answer = api_as(staff).get(f"/api/v1/events/{event.pk}/").json()
    by_country = {row["country"]: row for row in answer["claims"]}
    assert by_country["HN"]["count"] == 2 and by_country["HT"]["count"] == 1
    assessed = Decimal(first.assessment["max_award"])
    assert Decimal(by_country["HT"]["assessed"]) == assessed
    assert Decimal(by_country["HN"]["claimed"]) == 2 * Decimal(first.assessment["compensation"])
    assert by_country["HN"]["awarded"] == "0.00" and by_country["HN"]["paid"] == "0.00"
    assert answer["calls"] == [call.pk] and answer["glide"] == "TC-2026-000123-HND"

    # An organisation sees the event and only its own claims.
    own = api_as(hn_user).get(f"/api/v1/events/{event.pk}/").json()["claims"]
    assert [(row["country"], row["count"]) for row in own] == [("HN", 1)]

    # The list's claims cost one query for the whole page, not one per event.
    declare(name="Inundación Norte", glide="FL-2026-000200-HND", event_type="flood")
    staff_client = api_as(staff)
    with CaptureQueriesContext(connection) as two:
        staff_client.get("/api/v1/events/")
    declare(name="Sequía Sur", glide="DR-2026-000300-HND", event_type="drought")
    with CaptureQueriesContext(connection) as three:
        listed = staff_client.get("/api/v1/events/")
    assert listed.json()["count"] == 3
    assert len(three.captured_queries) == len(two.captured_queries)
