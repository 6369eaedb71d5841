"""Every list page: search box, filters, sortable headers with aria-sort, pagination with the total,
nothing silently cut; and the batch actions, each file through its own service with its own result."""

import re

import pytest
from django.utils import timezone

from applications.models import Application
from applications.workflow import Status
from disbursements.models import Disbursement, DisbursementStatus
from disbursements.services import disbursements as services
from organizations.choices import Role
from tests.factories import OppUserFactory, OrganizationFactory, staff_user
from tests.workflow import cast_for, drive, ensure_capital

pytestmark = pytest.mark.django_db


def _submitted(count, **organization):
    organization = OrganizationFactory(**organization)
    applicant = OppUserFactory(organization=organization)
    return [drive(fund_code="climate-eventuality", to="submitted", applicant=applicant) for _ in range(count)]


def test_the_applications_page_is_paginated_with_the_total_and_never_cut(client_for):
    from applications.models import Application

    _submitted(3, short_name="Café del Sur", country="PE")
    organization = OrganizationFactory(short_name="COCAFELOL")
    applicant = OppUserFactory(organization=organization)
    first = drive(fund_code="climate-eventuality", to="draft", applicant=applicant)
    # More rows than a page holds, written in bulk (the search text as the services write it).
    Application.objects.bulk_create([
        Application(fund=first.fund, organization=organization, created_by=applicant, currency="USD",
                    data={}, search_text=first.search_text) for _ in range(60)])
    client = client_for(staff_user(Role.SECRETARIAT, language="en"))
    html = client.get("/applications/").content.decode()
    assert "1–50 of 64" in html
    assert 'rel="next"' in html
    assert 'type="search"' in html and 'name="search"' in html
    assert "aria-sort" not in html  # newest first by default: a column not shown
    assert 'aria-sort="descending"' in client.get("/applications/?ordering=-status").content.decode()
    html = client.get("/applications/?page=2").content.decode()
    assert "51–64 of 64" in html
    html = client.get("/applications/?search=CAFE+del").content.decode()
    assert "1–3 of 3" in html and "Café del Sur" in html and "COCAFELOL" not in html
    assert "1–64 of 64" not in client.get("/applications/?search=cafe").content.decode()
    assert "1–50 of 64" in client.get("/applications/?search=cafe").content.decode()  # "coCAFElol" too
    html = client.get("/applications/?search=COCAFELOL&ordering=reference").content.decode()
    assert "1–50 of 61" in html and 'aria-sort="ascending"' in html
    sort_links = re.findall(r'<a class="sort" href="([^"]+)"', html)
    assert any("ordering=-reference" in link and "search=COCAFELOL" in link for link in sort_links)


def test_page_filters_and_refused_values(client_for):
    _submitted(2, short_name="APROMEL", country="MX")
    _submitted(1, short_name="COOPSUL", country="BR")
    client = client_for(staff_user(Role.SECRETARIAT, language="en"))
    assert "1–1 of 1" in client.get("/applications/?country=BR").content.decode()
    assert "1–2 of 2" in client.get("/applications/?country=MX&status=submitted").content.decode()
    response = client.get("/applications/?country=XX")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert "1–3 of 3" in response.content.decode()
    response = client.get("/applications/?days_left=60&fund=climate-eventuality")
    assert "1–3 of 3" in response.content.decode()


def test_the_language_writes_the_total(client_for):
    organization = OrganizationFactory()
    applicant = OppUserFactory(organization=organization)
    first = drive(fund_code="climate-eventuality", to="draft", applicant=applicant)
    Application.objects.bulk_create([
        Application(fund=first.fund, organization=organization, created_by=applicant, currency="USD",
                    data={}) for _ in range(1200)])
    secretariat = staff_user(Role.SECRETARIAT, language="en")
    assert "1–50 of 1,201" in client_for(secretariat).get("/applications/").content.decode()
    secretariat.language = "es"
    secretariat.save()
    assert "1–50 de 1.201" in client_for(secretariat).get("/applications/").content.decode()
    secretariat.language = "fr"
    secretariat.save()
    assert "1–50 sur 1\u202f201" in client_for(secretariat).get("/applications/").content.decode()
    applicant.language = "en"
    applicant.save()
    html = client_for(applicant).get("/").content.decode()
    assert "1–50 of 1,201" in html  # the OPP's home page is no longer cut at 50


def test_every_list_page_answers(client_for):
    _submitted(1, short_name="Café del Sur")
    finance = staff_user(Role.FINANCE, language="en")
    client = client_for(finance)
    for url in ("/finance/?search=cafe", "/finance/disbursements/?search=cafe&ordering=-amount",
                "/finance/loans/?search=cafe&ordering=organization",
                "/finance/funds/climate-eventuality/?search=cafe&ordering=-date",
                "/organisations/?search=cafe&ordering=country"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "listing-controls" in response.content.decode(), url
    member = cast_for("climate-eventuality").members[0]
    assert client_for(member).get("/committee/?search=cafe").status_code == 200


def test_the_secretariat_acts_on_many_files_and_sees_each_result(client_for):
    ready = _submitted(2, short_name="APROMEL")
    draft = drive(fund_code="climate-eventuality", to="draft")
    secretariat = staff_user(Role.SECRETARIAT, language="en")
    client = client_for(secretariat)
    ids = [ready[0].pk, ready[1].pk, draft.pk]
    response = client.post("/secretariat/batch/", {"action": "start_screening", "selected": ids,
                                                   "next": "/secretariat/?search=apromel"})
    assert response.status_code == 302 and response["Location"] == "/secretariat/?search=apromel"
    assert [Application.objects.get(pk=pk).status for pk in ids] == [Status.SCREENING, Status.SCREENING,
                                                                      Status.DRAFT]
    html = client.get(response["Location"]).content.decode()
    assert "2 of 3 done." in html
    assert html.count("badge good\">Done") == 2
    assert "Refused" in html and ready[0].reference in html and draft.reference in html
    assert "2 of 3 done." not in client.get("/secretariat/").content.decode()  # shown once
    # Another organisation's file, or one that does not exist, is "not found" for a member of staff too.
    response = client.post("/secretariat/batch/", {"action": "send_to_committee",
                                                   "selected": [ids[0], 99999]})
    html = client.get(response["Location"]).content.decode()
    assert "Not found." in html
    assert Application.objects.get(pk=ids[0]).status == Status.COMMITTEE_REVIEW
    # Nothing ticked, an unknown action, an outside address to go back to: refused, nothing changed.
    response = client.post("/secretariat/batch/", {"action": "start_screening"})
    assert response.status_code == 302
    response = client.post("/secretariat/batch/", {"action": "approve", "selected": [ids[1]],
                                                   "next": "https://evil.example/"})
    assert response["Location"] == "/secretariat/"
    assert Application.objects.get(pk=ids[1]).status == Status.SCREENING


def test_only_staff_act_on_many(client_for):
    ready = _submitted(1)
    opp = ready[0].created_by
    assert client_for(opp).post("/secretariat/batch/", {"action": "start_screening",
                                                        "selected": [ready[0].pk]}).status_code == 403
    assert client_for(staff_user(Role.FINANCE, language="en")).post(
        "/secretariat/batch/", {"action": "start_screening", "selected": [ready[0].pk]}).status_code == 403
    assert client_for(staff_user(Role.AUDITOR)).post(
        "/finance/disbursements/batch/", {"action": "approve", "selected": [1]}).status_code == 403
    assert Application.objects.get(pk=ready[0].pk).status == Status.SUBMITTED


def test_finance_approves_a_batch_of_disbursements(client_for):
    ensure_capital("climate-eventuality")
    ensure_capital("catastrophic-events")
    first = drive(fund_code="climate-eventuality", to="conditions_accepted")
    second = drive(fund_code="catastrophic-events", to="conditions_accepted")
    pending = list(Disbursement.objects.filter(application__in=[first, second]).order_by("pk"))
    assert pending and all(d.status == DisbursementStatus.PENDING for d in pending)
    finance = staff_user(Role.FINANCE, language="en")
    client = client_for(finance)
    html = client.get("/finance/").content.decode()
    assert f'value="{pending[0].pk}" id="pick-{pending[0].pk}" form="batch"' in html
    ids = [d.pk for d in pending]
    response = client.post("/finance/disbursements/batch/", {"action": "approve", "selected": [*ids, ids[0]]})
    assert response.status_code == 302
    assert {d.status for d in Disbursement.objects.filter(pk__in=ids)} == {DisbursementStatus.APPROVED}
    html = client.get("/finance/").content.decode()
    assert f"{len(ids)} of {len(ids)} done." in html
    # Approving again changes nothing; a paid one is refused with the reason, the others go through.
    services.disbursement_pay(disbursement_id=ids[0], by=staff_user(Role.FINANCE),  # not the approver
                              paid_on=timezone.localdate(), reference="TR-1")
    client.post("/finance/disbursements/batch/", {"action": "approve", "selected": ids})
    html = client.get("/finance/").content.decode()
    assert f"{len(ids) - 1} of {len(ids)} done." in html and "Refused" in html
    assert Disbursement.objects.get(pk=ids[0]).status == DisbursementStatus.PAID
