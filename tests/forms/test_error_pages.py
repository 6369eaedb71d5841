"""403, 404 and 500 pages in the person's language with a way back, also with DEBUG on (the demo)."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from applications.models import Application
from security.views import server_error
from tests.factories import OppUserFactory
from tests.workflow import drive

pytestmark = pytest.mark.django_db

DEMO_MIDDLEWARE_SETTINGS = "portal.error_pages.ErrorPagesMiddleware"


def _demo_middleware():
    from django.conf import settings

    return [*settings.MIDDLEWARE, DEMO_MIDDLEWARE_SETTINGS]


@override_settings(DEBUG=False)
@pytest.mark.parametrize(("language", "text"), [
    ("es", "No encontramos esta página"), ("pt", "Não encontramos esta página"),
    ("fr", "Nous n’avons pas trouvé cette page"), ("en", "We could not find this page"),
])
def test_a_missing_page_is_said_in_the_persons_language_with_a_way_back(client_for, language, text):
    page = client_for(OppUserFactory(language=language))
    response = page.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert text in html and 'href="/"' in html
    assert f'<html lang="{language}">' in html


@override_settings(DEBUG=False)
def test_another_organisations_file_is_the_friendly_not_found_page(client_for):
    application = drive(fund_code="catastrophic-events", to="draft")
    stranger = client_for(OppUserFactory(language="fr"))
    response = stranger.get(f"/applications/{application.pk}/")
    assert response.status_code == 404 and "Nous n’avons pas trouvé cette page" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_refused_page_is_said_in_the_persons_language(client_for):
    page = client_for(OppUserFactory(language="pt"))
    response = page.get("/secretariat/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Você não pode abrir esta página" in html and 'href="/"' in html


@pytest.mark.parametrize(("language", "text"), [
    ("es", "Algo falló de nuestro lado"), ("pt", "Algo deu errado do nosso lado"),
    ("fr", "Une erreur s’est produite de notre côté"), ("en", "Something went wrong on our side"),
])
def test_the_server_error_page_needs_neither_request_context_nor_database(
        language, text, django_assert_num_queries):
    request = RequestFactory().get("/applications/1/")
    with translation.override(language), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert text in html and 'href="/"' in html


@override_settings(DEBUG=False)
def test_a_crash_answers_with_the_server_error_page(monkeypatch):
    user = OppUserFactory(language="en")
    client = Client(raise_request_exception=False)
    client.force_login(user)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("portal.views.fundforms.steps_for", broken)
    response = client.get("/apply/youth-revolving/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.parametrize("path", ["/no-such-page/", "/applications/999999/"])
def test_with_debug_on_the_demo_shows_the_same_not_found_page(client_for, path):
    page = client_for(OppUserFactory(language="es"))
    with override_settings(DEBUG=True, MIDDLEWARE=_demo_middleware()):
        response = page.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "No encontramos esta página" in html and "Traceback" not in html and "URLconf" not in html


def test_with_debug_on_the_demo_shows_the_friendly_refusal_and_crash_pages(monkeypatch):
    user = OppUserFactory(language="fr")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    with override_settings(DEBUG=True, MIDDLEWARE=_demo_middleware()):
        refused = client.get("/finance/")
        assert refused.status_code == 403
        assert "Vous ne pouvez pas ouvrir cette page" in refused.content.decode()

        def broken(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr("portal.views.fundforms.steps_for", broken)
        crashed = client.get("/apply/youth-revolving/")
    assert crashed.status_code == 500
    html = crashed.content.decode()
    assert "Une erreur s’est produite de notre côté" in html and "boom" not in html
    assert not Application.objects.exists()


def test_the_api_keeps_its_own_error_answers_with_debug_on(client_for):
    page = client_for(OppUserFactory(language="es"))
    with override_settings(DEBUG=True, MIDDLEWARE=_demo_middleware()):
        response = page.get("/api/v1/applications/999999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_the_demo_settings_install_the_error_pages():
    import importlib

    local = importlib.import_module("config.settings.local")
    assert DEMO_MIDDLEWARE_SETTINGS in local.MIDDLEWARE
