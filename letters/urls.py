from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import ApplicationLettersView, LetterViewSet

router = SimpleRouter()
router.register("letters", LetterViewSet, basename="letter")
urlpatterns = [
    path("applications/<int:application_id>/letters/", ApplicationLettersView.as_view(),
         name="application-letters"),
    *router.urls,
]
