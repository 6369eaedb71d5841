"""Search ignores case and accents, the same way on PostgreSQL and SQLite, on every list and the API."""

import pytest

from applications.models import Application
from applications.workflow import Status
from listing.text import matching, normalise, words
from organizations.choices import Role
from organizations.models import Organization
from tests.factories import OppUserFactory, OrganizationFactory, staff_user
from tests.workflow import drive

pytestmark = pytest.mark.django_db


def test_normalise_folds_accents_and_case():
    assert normalise("  Café  ÑANDÚ São ") == "cafe nandu sao"
    assert normalise("COCAFELOL") == "cocafelol"
    assert normalise("Straße") == "strasse"
    assert words("Cafe  del  SUR") == ["cafe", "del", "sur"]
    assert words("   ") == []


def _application(short_name, legal_name, country="HN", to="submitted"):
    organization = OrganizationFactory(short_name=short_name, legal_name=legal_name, country=country)
    return drive(fund_code="climate-eventuality", to=to, applicant=OppUserFactory(organization=organization))


def test_search_finds_by_name_without_case_or_accents():
    cocafelol = _application("COCAFELOL", "Cooperativa Cafetalera Lolita")
    cafe = _application("Café del Sur", "Asociación de Productores de Café", country="PE")
    other = _application("APROMEL", "Apicultores de Melipona", country="MX")
    found = set(Application.objects.filter(matching("cocafelol")).values_list("pk", flat=True))
    assert found == {cocafelol.pk}
    found = set(Application.objects.filter(matching("cafe")).values_list("pk", flat=True))
    assert found == {cocafelol.pk, cafe.pk}  # "Cafetalera" and "Café"
    assert set(Application.objects.filter(matching("ASOCIACIÓN café")).values_list("pk", flat=True)) == {
        cafe.pk}
    assert other.pk not in found


def test_search_by_reference_country_and_person():
    application = _application("COOPSUL", "Cooperativa do Sul", country="BR")
    application.refresh_from_db()
    reference = application.reference
    assert application.search_text.startswith(reference.lower())
    for query in (reference, reference.lower(), reference.split("-")[-1], "brasil", "Brésil", "BR"):
        found = Application.objects.filter(matching(query)).values_list("pk", flat=True)
        assert application.pk in found, query
    applicant = application.created_by
    applicant.first_name, applicant.last_name = "José", "Núñez"
    applicant.save()
    assert application.pk not in Application.objects.filter(matching("nunez")).values_list("pk", flat=True)
    new = drive(fund_code="climate-eventuality", to="draft", applicant=applicant)
    assert new.pk in Application.objects.filter(matching("jose nunez")).values_list("pk", flat=True)


def test_a_renamed_organisation_is_found_by_its_new_name():
    application = _application("OLDNAME", "Old Name Cooperative")
    organization = Organization.objects.get(pk=application.organization_id)
    organization.short_name = "Ñuñoa Orgánicos"
    organization.save()
    assert list(Application.objects.filter(matching("nunoa organicos")).values_list("pk", flat=True)) == [
        application.pk]
    assert not Application.objects.filter(matching("oldname")).exists()
    assert Organization.objects.filter(matching("ñuñoa")).get() == organization


def test_the_api_searches_and_sorts_every_list(client):
    from rest_framework.test import APIClient

    cafe = _application("Café del Sur", "Asociación Café", country="PE", to="committee_review")
    _application("APROMEL", "Apicultores", country="MX")
    api = APIClient()
    api.force_authenticate(staff_user(Role.SECRETARIAT))
    body = api.get("/api/v1/applications/?search=CAFE").json()
    assert body["count"] == 1 and body["results"][0]["id"] == cafe.pk
    body = api.get("/api/v1/applications/?ordering=-organization").json()
    assert [row["organization_name"] for row in body["results"]] == ["Café del Sur", "APROMEL"]
    body = api.get("/api/v1/applications/?ordering=organization").json()
    assert [row["organization_name"] for row in body["results"]] == ["APROMEL", "Café del Sur"]
    body = api.get("/api/v1/applications/?ordering=reference").json()
    ids_ascending = [row["id"] for row in body["results"]]
    assert ids_ascending == sorted(ids_ascending)
    assert api.get("/api/v1/applications/?ordering=nonsense").status_code == 400
    assert api.get("/api/v1/applications/?status=nonsense").status_code == 400
    assert api.get("/api/v1/organizations/?search=cafe").json()["count"] == 1
    assert api.get("/api/v1/organizations/?ordering=-country").json()["results"][0]["country"] == "PE"


def test_an_opp_search_never_reaches_another_organisation():
    from rest_framework.test import APIClient

    mine = _application("COCAFELOL", "Cooperativa Cafetalera")
    theirs = _application("Café del Sur", "Asociación Café", country="PE")
    api = APIClient()
    api.force_authenticate(mine.created_by)
    ids = [row["id"] for row in api.get("/api/v1/applications/?search=caf").json()["results"]]
    assert ids == [mine.pk]
    assert theirs.pk not in ids
    assert Application.objects.get(pk=theirs.pk).status == Status.SUBMITTED


@pytest.mark.postgres
def test_postgresql_answers_searches_from_the_trigram_indexes():
    from django.db import connection

    _application("Café del Sur", "Asociación Café", country="PE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname IN "
                       "('app_search_trgm', 'org_search_trgm', 'user_search_trgm')")
        assert sorted(row[0] for row in cursor.fetchall()) == ["app_search_trgm", "org_search_trgm",
                                                               "user_search_trgm"]
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Application.objects.filter(matching("cafe sur")).values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "app_search_trgm" in plan, plan
