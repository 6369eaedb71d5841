from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import FundLedgerView, FundViewSet

router = SimpleRouter()
router.register("funds", FundViewSet, basename="fund")
urlpatterns = [
    path("funds/<slug:code>/ledger/", FundLedgerView.as_view(), name="fund-ledger"),
    *router.urls,
]
