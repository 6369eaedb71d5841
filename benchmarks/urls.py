"""Fondos' URLs plus the floor endpoints the benchmarks compare against; never in production URLs."""

from django.urls import include, path

from . import floors

urlpatterns = [
    path("bench/floor/", floors.trivial),
    path("bench/authenticated-nothing/", floors.AuthenticatedNothing.as_view()),
    path("bench/floor/applications/", floors.application_list),
    path("bench/floor/applications/<int:pk>/", floors.application_detail),
    path("bench/floor/loans/<int:pk>/schedule/", floors.loan_schedule),
    path("bench/floor/portfolio/", floors.portfolio),
    path("", include("config.urls")),
]
