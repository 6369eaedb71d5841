import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_demo(client):
    call_command("seed_demo", "--without-past", password="p-demo-1")
    assert client.login(username="admin", password="p-demo-1")
    return client


def registered_models():
    return sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_every_admin_changelist_and_form_loads(admin_client_demo, model):
    admin_pages_load(admin_client_demo, model)


def test_every_admin_changelist_and_form_loads_with_the_demo_past(client):
    """With a year of files (loans, repayments, requests, reports), every admin page still loads."""
    call_command("seed_demo", password="p-demo-1")
    assert client.login(username="admin", password="p-demo-1")
    for model in registered_models():
        admin_pages_load(client, model)


def admin_pages_load(client, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    # Read-only admins (ledger, applications) refuse the add form; the others serve it.
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code in (200, 403)
    obj = model._default_manager.first()
    if obj is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200


def test_admin_index_loads(admin_client_demo):
    response = admin_client_demo.get(reverse("admin:index"))
    assert response.status_code == 200
