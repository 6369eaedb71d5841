import pytest

from organizations import services
from organizations.choices import Role
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["es", "pt", "fr", "en"]
TITLES = {"es": "Mi cuenta", "pt": "Minha conta", "fr": "Mon compte", "en": "My account"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_account_page_renders_in_each_language(language, web, administrator, secretariat,
                                                     representative):
    for person in (administrator, secretariat, representative):
        person.language = language
        person.save()
    join_request = services.join_request_submit(legal_name="Coop", country="PE", fairtrade_id="FT-PE-1",
                                                contact_name="Rosa", contact_email="r@x.example",
                                                language="es")
    services.invitation_create(organization=representative.organization, email="new@x.example",
                               by=representative)
    services.staff_role_grant(user=UserFactory(), role=Role.AUDITOR, by=administrator)
    pages = {
        representative: ["/accounts/profile/", "/accounts/team/", "/accounts/token/",
                         "/accounts/password/change/"],
        secretariat: ["/accounts/join-requests/", f"/accounts/join-requests/{join_request.pk}/",
                      "/accounts/invitations/new/", "/accounts/profile/"],
        administrator: ["/accounts/staff-roles/", "/accounts/profile/"],
        None: ["/accounts/join/", "/accounts/password/reset/", "/accounts/password/reset/sent/",
               "/accounts/password/reset/done/"],
    }
    for person, paths in pages.items():
        client = web(person)
        for path in paths:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, (path, response.status_code)
            body = response.content.decode()
            assert f'<html lang="{language}">' in body, path
            assert 'href="/static/css/fondos.css"' in body
    profile = web(representative).get("/accounts/profile/").content.decode()
    assert TITLES[language] in profile


def test_the_staff_roles_page_keeps_its_query_count_flat(web, administrator, django_assert_max_num_queries):
    for _n in range(8):
        services.staff_role_grant(user=UserFactory(), role=Role.FINANCE, by=administrator)
    granted = services.staff_role_grant(user=UserFactory(), role=Role.AUDITOR, by=administrator)
    services.staff_role_revoke(role_id=granted.pk, by=administrator)
    client = web(administrator)
    with django_assert_max_num_queries(12):
        assert client.get("/accounts/staff-roles/").status_code == 200


def test_team_page_lists_only_the_own_organisation(web, representative, colleague):
    stranger = UserFactory(organization=OrganizationFactory(), username="stranger-person")
    body = web(representative).get("/accounts/team/").content.decode()
    assert colleague.username in body or colleague.email in body
    assert stranger.email not in body
