import pytest
from django.test import Client


@pytest.fixture
def client_for():
    def make(user, language="en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(user)
        return client

    return make
