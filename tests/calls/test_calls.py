"""Calls: which call an application belongs to, budgets at the call's and the fund's level, closed
calls, parameter overrides, the API and the staff pages."""

import datetime
from decimal import Decimal

import pytest
from django.utils import formats, timezone

from applications import services
from applications.serializers import ApplicationDetailSerializer, ApplicationListSerializer
from calls.models import Call
from calls.selectors import call_committed
from calls.services import call_close, call_update
from core.errors import Invalid, NotPermitted
from funds.ledger import fund_balances, fund_capital_add
from funds.models import Fund
from organizations.choices import Role
from tests.factories import OppUserFactory, OrganizationFactory, staff_user
from tests.workflow import drive, ensure_capital, review_all, valid_fields

from .helpers import make_call, secretariat

pytestmark = pytest.mark.django_db

CLIMATE = "climate-eventuality"


def _day(value):
    return formats.date_format(value, "DATE_FORMAT")


def _in_committee(call=None, applicant=None):
    application = drive(fund_code=CLIMATE, to="committee_review", applicant=applicant)
    review_all(application, application.cast)
    if call is not None:
        assert application.call_id == call.pk
    return application


# --------------------------------------------------------------------------- belonging to a call


def test_a_fund_without_calls_works_as_before_and_its_applications_have_no_call():
    application = drive(fund_code=CLIMATE, to="submitted")
    assert application.call_id is None
    assert application.status == "submitted"


def test_a_new_application_goes_to_the_open_call_of_its_fund_and_the_api_says_which(api_as):
    ensure_capital(CLIMATE)
    make_call(CLIMATE, opens_on=timezone.localdate() - datetime.timedelta(days=400),
              closes_on=timezone.localdate() - datetime.timedelta(days=300))
    current = make_call(CLIMATE)
    applicant = OppUserFactory()
    client = api_as(applicant)

    created = client.post("/api/v1/applications/", {
        "fund": CLIMATE, "organization": applicant.organization_id, **valid_fields(CLIMATE)}, format="json")

    assert created.status_code == 201, created.json()
    assert created.json()["call"] == current.pk
    listed = client.get("/api/v1/applications/").json()["results"][0]
    assert listed["call"] == current.pk
    detail = client.get(f"/api/v1/applications/{listed['id']}/").json()
    assert detail["call"] == current.pk
    # The fast representation gives what the reference serializers give.
    from rest_framework.test import APIRequestFactory

    request = APIRequestFactory().get("/")
    request.user = applicant
    application = current.applications.get()
    assert ApplicationListSerializer(application, context={"request": request}).data["call"] == current.pk
    assert ApplicationDetailSerializer(application, context={"request": request}).data["call"] == current.pk


def test_an_application_can_name_its_call_but_not_one_of_another_fund_nor_a_closed_one(api_as):
    ensure_capital(CLIMATE)
    make_call(CLIMATE)
    chosen = make_call(CLIMATE, budget="20000.00")
    other_fund = make_call("catastrophic-events")
    closed = make_call(CLIMATE, closes_on=timezone.localdate() - datetime.timedelta(days=1),
                       opens_on=timezone.localdate() - datetime.timedelta(days=60))
    applicant = OppUserFactory()
    client = api_as(applicant)
    body = {"fund": CLIMATE, "organization": applicant.organization_id, **valid_fields(CLIMATE)}

    named = client.post("/api/v1/applications/", {**body, "call": chosen.pk}, format="json")
    assert named.json()["call"] == chosen.pk
    wrong = client.post("/api/v1/applications/", {**body, "call": other_fund.pk}, format="json")
    late = client.post("/api/v1/applications/", {**body, "call": closed.pk}, format="json")
    missing = client.post("/api/v1/applications/", {**body, "call": 987654}, format="json")

    assert wrong.status_code == 400 and "another fund" in wrong.json()["call"][0]
    assert late.status_code == 400 and "closed on" in late.json()["call"][0]
    assert missing.status_code == 400 and "No such call" in missing.json()["call"][0]
    assert chosen.applications.count() == 1


def test_a_call_for_some_countries_is_not_offered_to_others():
    make_call(CLIMATE, countries=["NI"])
    hn = OppUserFactory(organization__country="HN")
    ni = OppUserFactory(organization__country="NI")
    fund = Fund.objects.get(code=CLIMATE)

    assert services.application_create(fund=fund, organization=ni.organization, by=ni,
                                       fields={}).call_id is not None
    draft = services.application_create(fund=fund, organization=hn.organization, by=hn, fields={})
    assert draft.call_id is None
    with pytest.raises(Invalid) as refused:
        services.application_submit(application_id=draft.pk, by=hn)
    assert "No call of this fund is open to your organisation now." in refused.value.errors["call"][0]


# --------------------------------------------------------------------------- closed calls


def test_a_draft_whose_call_closed_cannot_be_submitted_and_hears_when_the_next_call_opens():
    ensure_capital(CLIMATE)
    call = make_call(CLIMATE)
    applicant = OppUserFactory()
    draft = drive(fund_code=CLIMATE, to="draft", applicant=applicant)
    assert draft.call_id == call.pk
    call_close(call_id=call.pk, by=secretariat())

    with pytest.raises(Invalid) as refused:
        services.application_submit(application_id=draft.pk, by=applicant)
    message = refused.value.errors["call"][0]
    assert f"closed on {_day(timezone.localdate())}" in message
    assert "No other call of this fund is scheduled yet." in message

    opens = timezone.localdate() + datetime.timedelta(days=30)
    make_call(CLIMATE, opens_on=opens)
    with pytest.raises(Invalid) as again:
        services.application_submit(application_id=draft.pk, by=applicant)
    assert f"opens on {_day(opens)}" in again.value.errors["call"][0]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_closed_call_message_is_translated(api_as):
    ensure_capital(CLIMATE)
    call = make_call(CLIMATE)
    applicant = OppUserFactory()
    draft = drive(fund_code=CLIMATE, to="draft", applicant=applicant)
    call_close(call_id=call.pk, by=secretariat())
    client = api_as(applicant)

    answer = client.post(f"/api/v1/applications/{draft.pk}/submit/", HTTP_ACCEPT_LANGUAGE="fr")

    assert answer.status_code == 400
    assert "est clos depuis le" in answer.json()["call"][0]


# --------------------------------------------------------------------------- budgets at both levels


def test_approval_never_commits_more_than_the_call_has_left():
    ensure_capital(CLIMATE)
    call = make_call(CLIMATE, budget="10000.00")
    first, second = _in_committee(call), _in_committee(call)
    chair = first.cast.chair

    services.application_approve(application_id=first.pk, by=chair, amount="8000.00", reason="Bien.")
    with pytest.raises(Invalid) as refused:
        services.application_approve(application_id=second.pk, by=chair, amount="8000.00", reason="Bien.")

    assert "has 2000.00 USD left of its budget" in refused.value.errors["amount"][0]
    assert call_committed(call) == Decimal("8000.00")
    second.refresh_from_db()
    assert second.status == "committee_review"
    # What the call has left can still be awarded.
    services.application_approve(application_id=second.pk, by=chair, amount="2000.00", reason="Parcial.")
    assert call_committed(call) == Decimal("10000.00")


def test_approval_never_commits_more_than_the_fund_has_even_when_the_call_has_more():
    fund = Fund.objects.get(code=CLIMATE)
    fund_capital_add(fund=fund, amount=Decimal("5000.00"), memo="Little capital")
    call = make_call(CLIMATE, budget="100000.00")
    application = _in_committee(call)

    with pytest.raises(Invalid) as refused:
        services.application_approve(application_id=application.pk, by=application.cast.chair,
                                     amount="8000.00", reason="Bien.")

    assert "The fund has 5000.00 USD available" in refused.value.errors["amount"][0]
    assert fund_balances(fund).committed == Decimal("0.00")
    assert call_committed(call) == Decimal("0.00")


def test_a_call_budget_cannot_go_below_what_it_committed():
    ensure_capital(CLIMATE)
    call = make_call(CLIMATE, budget="10000.00")
    application = _in_committee(call)
    services.application_approve(application_id=application.pk, by=application.cast.chair,
                                 amount="8000.00", reason="Bien.")

    with pytest.raises(Invalid) as refused:
        call_update(call_id=call.pk, by=secretariat(), values={"budget": "5000.00"})

    assert "budget" in refused.value.errors
    call.refresh_from_db()
    assert call.budget == Decimal("10000.00")


# --------------------------------------------------------------------------- parameter overrides


def test_overrides_are_checked_against_the_fund_parameters_and_shorten_the_decision_clock():
    with pytest.raises(Invalid) as unknown:
        make_call(CLIMATE, parameter_overrides={"decision_limit": 10})
    assert "Unknown parameters: decision_limit" in unknown.value.errors["parameter_overrides"][0]
    with pytest.raises(Invalid) as wrong:
        make_call(CLIMATE, parameter_overrides={"decision_limit_days": "soon"})
    assert "parameter_overrides" in wrong.value.errors
    assert not Call.objects.exists()

    make_call(CLIMATE, parameter_overrides={"decision_limit_days": 20, "decision_warning_days": 12})
    application = drive(fund_code=CLIMATE, to="submitted")

    today = timezone.localdate()
    assert application.decision_due == today + datetime.timedelta(days=20)
    assert application.decision_warning_on == today + datetime.timedelta(days=12)


# --------------------------------------------------------------------------- API


def test_calls_api_shows_budget_committed_and_available_and_filters(api_as):
    ensure_capital(CLIMATE)
    call = make_call(CLIMATE, budget="10000.00", countries=["HN"])
    old = make_call("youth-revolving", opens_on=timezone.localdate() - datetime.timedelta(days=400),
                    closes_on=timezone.localdate() - datetime.timedelta(days=300))
    application = _in_committee(call)
    services.application_approve(application_id=application.pk, by=application.cast.chair,
                                 amount="8000.00", reason="Bien.")
    client = api_as(secretariat())

    listed = client.get("/api/v1/calls/").json()
    one = client.get(f"/api/v1/calls/{call.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()
    only_open = client.get("/api/v1/calls/?open=true").json()
    youth = client.get("/api/v1/calls/?fund=youth-revolving&ordering=-opens_on").json()

    assert listed["count"] == 2
    assert {"id": call.pk, "fund": CLIMATE, "budget": "10000.00", "committed": "8000.00",
            "available": "2000.00", "currency": "USD", "countries": ["HN"], "event": None,
            "closes_on": None}.items() <= one.items()
    assert one["title"] == call.title_fr
    assert [row["id"] for row in only_open["results"]] == [call.pk]
    assert [row["id"] for row in youth["results"]] == [old.pk]


def test_an_organisation_sees_the_calls_of_its_country_only(api_as):
    everywhere = make_call(CLIMATE)
    honduras = make_call(CLIMATE, countries=["HN"])
    nicaragua = make_call(CLIMATE, countries=["NI", "GT"])
    client = api_as(OppUserFactory(organization__country="HN"))

    seen = {row["id"] for row in client.get("/api/v1/calls/").json()["results"]}

    assert seen == {everywhere.pk, honduras.pk}
    assert client.get(f"/api/v1/calls/{nicaragua.pk}/").status_code == 404


# --------------------------------------------------------------------------- staff pages


def test_the_secretariat_creates_edits_and_closes_a_call_in_pages(client):
    """In Spanish, the page's language: amounts as Spanish writes them."""
    staff = secretariat()
    client.force_login(staff)
    today = timezone.localdate()

    refused = client.post("/calls/new/", {"fund": Fund.objects.get(code=CLIMATE).pk, "budget": "mucho",
                                          "opens_on": today.isoformat()})
    assert refused.status_code == 400
    assert not Call.objects.exists()
    created = client.post("/calls/new/", {
        "fund": Fund.objects.get(code=CLIMATE).pk, "title_es": "Convocatoria clima 2026",
        "title_en": "Climate call 2026", "budget": "250.000,00", "opens_on": today.isoformat(),
        "countries": ["HN", "NI"], "parameter_overrides": '{"decision_limit_days": 30}'})
    assert created.status_code == 302
    call = Call.objects.get()
    assert (call.budget, call.countries, call.parameter_overrides) == (
        Decimal("250000.00"), ["HN", "NI"], {"decision_limit_days": 30})
    page = client.get("/calls/")
    assert page.status_code == 200 and "Convocatoria clima 2026" in page.content.decode()

    assert 'value="250.000,00"' in client.get(f"/calls/{call.pk}/edit/").content.decode()
    edited = client.post(f"/calls/{call.pk}/edit/", {
        "title_es": "Convocatoria clima 2026", "budget": "300.000,00", "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=60)).isoformat()})
    assert edited.status_code == 302
    call.refresh_from_db()
    assert call.budget == Decimal("300000.00") and call.countries == []

    assert client.post(f"/calls/{call.pk}/close/").status_code == 302
    call.refresh_from_db()
    assert call.closed_at is not None and not call.is_open_on(today)


def test_organisations_and_other_staff_cannot_manage_calls(client):
    call = make_call(CLIMATE)
    opp = OppUserFactory()
    finance = staff_user(Role.FINANCE)

    with pytest.raises(NotPermitted):
        call_close(call_id=call.pk, by=opp)
    client.force_login(opp)
    assert client.get("/calls/").status_code == 403
    assert client.get("/calls/new/").status_code == 403
    assert client.post(f"/calls/{call.pk}/close/").status_code == 403
    client.force_login(finance)
    assert client.get("/calls/").status_code == 200
    assert client.post(f"/calls/{call.pk}/edit/", {"budget": "1.00"}).status_code == 403
    call.refresh_from_db()
    assert call.closed_at is None and call.budget == Decimal("100000.00")


def test_the_home_page_lists_the_open_calls_in_the_reader_language(client):
    make_call(CLIMATE, countries=["HN"])
    make_call("youth-revolving", countries=["NI"])
    opp = OppUserFactory(language="fr", organization__country="HN")
    client.force_login(opp)

    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert f"Appel {CLIMATE}" in page
    assert "youth-revolving" not in page.split('id="open-calls"')[1].split("</section>")[0]


def test_another_organisation_applications_do_not_appear_through_a_call(api_as):
    ensure_capital(CLIMATE)
    make_call(CLIMATE)
    mine, theirs = OppUserFactory(), OppUserFactory(organization=OrganizationFactory())
    other = drive(fund_code=CLIMATE, to="submitted", applicant=theirs)
    client = api_as(mine)

    assert client.get(f"/api/v1/applications/{other.pk}/").status_code == 404
    assert client.get("/api/v1/applications/").json()["count"] == 0



def test_the_admin_checks_overrides_as_the_pages_do():
    from django.core.exceptions import ValidationError

    call = make_call(CLIMATE)
    call.parameter_overrides = {"decision_limit_days": -3}
    with pytest.raises(ValidationError) as refused:
        call.full_clean()
    assert "parameter_overrides" in refused.value.message_dict
