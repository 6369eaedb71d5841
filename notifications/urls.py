from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import NotificationPreferencesView, NotificationViewSet

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
urlpatterns = [
    path("notifications/preferences/", NotificationPreferencesView.as_view(),
         name="notification-preferences"),
    *router.urls,
]
