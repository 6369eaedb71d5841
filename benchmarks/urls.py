"""Fondos' URLs plus the floor endpoints the benchmarks compare against; never in production URLs."""

from django.urls import include, path

from . import floors, list_floors

urlpatterns = [
    path("bench/floor/", floors.trivial),
    path("bench/authenticated-nothing/", floors.AuthenticatedNothing.as_view()),
    path("bench/floor/applications/", floors.application_list),
    path("bench/floor/applications/<int:pk>/", floors.application_detail),
    path("bench/floor/loans/<int:pk>/schedule/", floors.loan_schedule),
    path("bench/floor/portfolio/", floors.portfolio),
    path("bench/floor/pages/applications/", list_floors.applications),
    path("bench/floor/pages/loans/", list_floors.loans),
    path("bench/floor/pages/disbursements/", list_floors.disbursements),
    path("bench/floor/pages/ledger/<slug:code>/", list_floors.ledger),
    path("bench/floor/pages/organizations/", list_floors.organizations),
    path("bench/floor/pages/people/", list_floors.people),
    path("", include("config.urls")),
]
