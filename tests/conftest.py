import os

import pytest
from rest_framework.test import APIClient

from tests.browser_support import browser  # noqa: F401 (the browser journeys' Chromium, one per module)

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
WITH_BROKER = bool(os.environ.get("REDIS_URL"))


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass of bin/test)")
    skip_broker = pytest.mark.skip(reason="needs Redis and a Celery worker (PostgreSQL pass)")
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(skip_pg)
        if "broker" in item.keywords and not WITH_BROKER:
            item.add_marker(skip_broker)


@pytest.fixture(autouse=True)
def reference_data(request):
    """The four funds and the product codes that migrations create.

    Transactional tests (and live-server browser tests) flush the database when they end, taking
    migration data with them; put it back for whichever test comes next."""
    if request.node.get_closest_marker("django_db") is None and not {
        "db", "transactional_db", "live_server"
    } & set(request.fixturenames):
        return
    from funds.migrations._reference import create_reference_data

    create_reference_data()


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code run outside a request speaks English in tests, so that assertions read the source strings;
    requests still pick their language as in production (Spanish unless the caller says otherwise)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def api_as():
    """An API client signed in as the given user (session authentication, like the web pages)."""

    def login(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user=user)
        return client

    return login


@pytest.fixture
def load_data(db):
    """A small load: the generator's every fund, state, document, review, loan and ledger entry."""
    from django.utils import timezone

    from loadtest.generator import LoadGenerator, Sizes

    generator = LoadGenerator(sizes=Sizes(organizations=12, applications=160, loans=12), seed=7,
                              today=timezone.localdate(), chunk=1000, log=lambda line: None)
    generator.generate()


@pytest.fixture(autouse=True)
def fresh_token_throttle():
    """The token endpoint allows 10 attempts a minute per address, and every test client is 127.0.0.1:
    each test starts with a fresh allowance, whatever the tests before it did within the minute."""
    from django.core.cache import cache

    cache.delete("throttle_token_127.0.0.1")
