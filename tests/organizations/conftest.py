import itertools
import re
import uuid

import pytest
from django.test import Client

from organizations.choices import Role
from tests.factories import OppUserFactory, UserFactory, staff_user

_addresses = itertools.count(1)


@pytest.fixture
def web():
    """A browser with its own client address, so sign-in lockout counters never leak between tests."""

    def make(user=None):
        n = next(_addresses)
        client = Client(REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def secretariat():
    return staff_user(Role.SECRETARIAT)


@pytest.fixture
def administrator():
    return staff_user(Role.ADMINISTRATOR)


@pytest.fixture
def representative():
    return OppUserFactory(is_representative=True)


@pytest.fixture
def colleague(representative):
    return OppUserFactory(organization=representative.organization)


@pytest.fixture
def outsider():
    return OppUserFactory()


@pytest.fixture
def clac_person():
    return UserFactory()


def link_in(message) -> str:
    """The path of the first Fondos link in an e-mail."""
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture(autouse=True)
def fresh_lockout_counters(settings):
    """Each test counts sign-in failures from zero, also on Redis where counters outlive the test."""
    settings.FONDOS_LOGIN_LOCKOUT_NAMESPACE = f"test-{uuid.uuid4().hex}"
