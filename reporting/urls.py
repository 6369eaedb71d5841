from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import ApplicationReportsView, OutcomesView, ProjectReportViewSet

router = SimpleRouter()
router.register("project-reports", ProjectReportViewSet, basename="project-report")
urlpatterns = [
    path("applications/<int:application_id>/project-reports/", ApplicationReportsView.as_view(),
         name="application-project-reports"),
    path("reports/outcomes/", OutcomesView.as_view(), name="report-outcomes"),
    *router.urls,
]
