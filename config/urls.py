from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from organizations.api import TokenView
from security.api import AuditHistoryView

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("funds.urls")),
    path("", include("organizations.urls")),
    path("", include("applications.urls")),
    path("", include("disbursements.urls")),
    path("", include("letters.urls")),
    path("", include("notifications.urls")),
    path("", include("opendata.urls")),
    path("", include("donors.urls")),
    path("", include("reporting.urls")),
    path("", include("calls.urls")),
    path("audit/history/", AuditHistoryView.as_view(), name="audit-history"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("accounts/", include("organizations.web_urls")),
    path("accounts/", include("security.urls")),
    path("", include("reporting.web_urls")),
    path("", include("calls.web_urls")),
    path("", include("dashboard.urls")),
    path("", include("donors.web_urls")),
    path("", include("portal.urls")),
]

handler500 = "security.views.server_error"
