from rest_framework.routers import SimpleRouter

from .api import CallViewSet, EventViewSet

router = SimpleRouter()
router.register("calls", CallViewSet, basename="call")
router.register("events", EventViewSet, basename="event")
urlpatterns = router.urls
