"""How the list pages read and write their rows: plain values for the page (not model instances), a
count that joins only what the search and filters need, and the filters' options written once per
language and kept, so that each request still gets its own language and its own chosen value."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.choices import Role
from tests.factories import OppUserFactory, OrganizationFactory, staff_user
from tests.workflow import drive

pytestmark = pytest.mark.django_db


def _status_options(html: str) -> dict[str, str]:
    select = re.search(r'<select name="status" id="[^"]*">(.*?)</select>', html).group(1)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}" id="[^"]*">(.*?)</select>', html).group(1)
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_filter_options_are_in_each_requests_language_with_its_own_choice(client_for):
    english = client_for(staff_user(Role.SECRETARIAT, language="en"), "en")
    spanish = client_for(staff_user(Role.SECRETARIAT, language="es"), "es")
    french = client_for(staff_user(Role.SECRETARIAT, language="fr"), "fr")
    for _ in range(2):  # the second time from what the first kept
        assert _status_options(english.get("/applications/").content.decode())["submitted"] == "Submitted"
        assert _status_options(spanish.get("/applications/").content.decode())["submitted"] == "Enviada"
        assert _status_options(french.get("/applications/").content.decode())["submitted"] == "Envoyée"
    assert _selected(english.get("/applications/?status=closed").content.decode(), "status") == ["closed"]
    assert _selected(english.get("/applications/?status=submitted").content.decode(), "status") == [
        "submitted"]
    assert _selected(english.get("/applications/").content.decode(), "status") == [""]  # "All"
    assert _selected(english.get("/applications/?ordering=-created").content.decode(), "ordering") == [
        "-created"]


def test_a_pages_count_joins_only_what_its_search_needs(client_for):
    organization = OrganizationFactory(short_name="Café del Sur", country="PE")
    applicant = OppUserFactory(organization=organization)
    submitted = drive(fund_code="climate-eventuality", to="submitted", applicant=applicant)
    client = client_for(staff_user(Role.SECRETARIAT, language="en"))
    for url in ("/applications/?search=cafe", "/secretariat/?search=cafe"):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        # The row as the model writes it: reference, organisation and country, fund, state.
        assert submitted.reference in html and "Café del Sur <small>Peru</small>" in html
        assert str(submitted.fund.name) in html and "Submitted" in html
        counts = [q["sql"] for q in queries
                  if "COUNT(" in q["sql"] and "applications_application" in q["sql"]]
        assert len(counts) == 1, counts
        assert "JOIN" not in counts[0], counts[0]


def test_the_loans_count_joins_only_the_applications_its_search_reads(load_data):
    from django.test import Client

    from disbursements.models import Loan
    from organizations.models import User

    loan = Loan.objects.select_related("application__organization").order_by("id").first()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(username="load-finance"))
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/finance/loans/?search={loan.application.reference}").content.decode()
    assert 'role="status">1–1 ' in html  # one loan found (in the person's language: "of", "de")
    assert f'href="/finance/loans/{loan.pk}/">{loan.application.reference}</a>' in html
    assert loan.application.organization.short_name in html
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "disbursements_loan" in q["sql"]]
    assert len(counts) == 1, counts
    assert "funds_fund" not in counts[0] and "organizations_organization" not in counts[0], counts[0]


def test_the_people_list_shows_each_persons_roles_organisation_and_state(client_for):
    from funds.rules import rules_for
    from organizations.models import StaffRole
    from tests.factories import grant_role

    member = staff_user(Role.COMMITTEE_MEMBER, "youth-revolving", username="zz-member", first_name="Ana",
                        last_name="Pérez", email="ana@example.org")
    grant_role(member, Role.AUDITOR, None)
    StaffRole.objects.create(user=member, role=Role.FINANCE, revoked_at="2026-01-01T00:00:00Z")
    organization = OrganizationFactory(short_name="Café del Sur", country="PE")
    gone = OppUserFactory(organization=organization, username="zz-gone", first_name="", last_name="",
                          is_active=False)
    client = client_for(staff_user(Role.ADMINISTRATOR, language="en"))
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/people/?search=zz-&ordering=username").content.decode()
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")
    assert "Ana Pérez" in rows[1] and "ana@example.org" in rows[1] and "CLAC" in rows[1]
    assert f"Committee member · {rules_for('youth-revolving').name}" in rows[1]
    assert "Auditor" in rows[1] and "Finance" not in rows[1]  # a revoked role is not held
    assert gone.username in rows[0] and "Café del Sur <small>Peru</small>" in rows[0]
    assert "Deactivated" in rows[0] and "—" in rows[0]  # no name; no role
    assert len(queries) == 7  # who asks (3), the count, the page, the page's roles, the header's notices


def test_the_organisations_list_shows_each_ones_products_in_order(client_for):
    from organizations.models import ProductCode

    coffee, cacao, honey = (ProductCode.objects.get_or_create(code=code)[0]
                            for code in ("coffee", "cacao", "honey"))
    first = OrganizationFactory(short_name="Zafra Uno", legal_name="Cooperativa Zafra Uno", country="HN")
    first.products.set([honey, coffee, cacao])
    OrganizationFactory(short_name="Zafra Dos", country="PE").products.set([])
    client = client_for(staff_user(Role.SECRETARIAT, language="en"))
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/organisations/?search=zafra").content.decode()
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")
    assert "Zafra Dos" in rows[0] and "Peru" in rows[0]  # by name: Dos before Uno
    assert "<strong>Zafra Uno</strong><br><small>Cooperativa Zafra Uno</small>" in rows[1]
    assert "Honduras" in rows[1] and "Cacao, Coffee, Honey" in rows[1]  # in the products' order (by code)
    assert f'href="/applications/?organization={first.pk}"' in rows[1]
    assert len(queries) == 7  # who asks (3), the count, the page, the page's products, the header's notices
