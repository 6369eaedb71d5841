from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import ApplicationLettersView, LetterViewSet, ScheduleDocumentViewSet

router = SimpleRouter()
router.register("letters", LetterViewSet, basename="letter")
router.register("schedule-documents", ScheduleDocumentViewSet, basename="schedule-document")
urlpatterns = [
    path("applications/<int:application_id>/letters/", ApplicationLettersView.as_view(),
         name="application-letters"),
    *router.urls,
]
