"""A donor's reader, on every endpoint and page of Fondos: its own report, signing in and out and its
account answer; everything else is 404 (through the same enumeration as the permission matrix)."""

import pytest
from django.core.cache import cache
from django.test import Client

from donors import services
from organizations.choices import Role
from tests.factories import UserFactory, staff_user
from tests.security.test_permission_matrix import call, concrete_path, endpoints, methods_for, url_kwargs
from tests.security.world import build_world

# Where a donor's reader may go: its report, the API's sign-in and public schema, and its own account's
# pages. The home page sends it to its report.
ALLOWED = ("/api/v1/donors/", "/donors/", "/accounts/", "/api/v1/auth/", "/i18n/", "/api/schema/",
           "/api/docs/")


@pytest.mark.django_db
def test_a_donor_finds_nothing_but_its_report(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "10000/min"}}
    cache.clear()
    world = build_world()
    reader = UserFactory()
    services.donor_reader_add(donor_id=world.donor.pk, user=reader, by=staff_user(Role.ADMINISTRATOR))
    client = Client(raise_request_exception=False)
    client.force_login(reader)
    answered, checked = [], 0
    for key, route, pattern in endpoints():
        try:
            kwargs = url_kwargs(key, pattern, world)
        except AssertionError:  # an endpoint the matrix does not know yet: any id is as good here
            kwargs = {}
        kwargs = {**dict.fromkeys(pattern.pattern.regex.groupindex, "1"), **kwargs}
        path = concrete_path(route, pattern, kwargs)
        if path.startswith(ALLOWED) or path == "/":
            continue
        for method in methods_for(route, pattern):
            status = call(client, method, path, f"{key} {method}", world)
            checked += 1
            if status != 404:
                answered.append(f"{method} {path}: {status}")
    assert checked > 100
    assert answered == []
    assert client.get(f"/api/v1/donors/{world.donor.pk}/report/").status_code == 200
    assert client.get("/")["Location"] == "/donors/mine/"
