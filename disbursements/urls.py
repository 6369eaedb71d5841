from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import DisbursementViewSet, LoanViewSet, PortfolioReportView

router = SimpleRouter()
router.register("disbursements", DisbursementViewSet, basename="disbursement")
router.register("loans", LoanViewSet, basename="loan")
urlpatterns = [
    path("reports/portfolio/", PortfolioReportView.as_view(), name="report-portfolio"),
    *router.urls,
]
