from django.urls import path

from . import views

urlpatterns = [
    path("calls/", views.call_list, name="calls"),
    path("calls/new/", views.call_create, name="call-create"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call-edit"),
    path("calls/<int:pk>/close/", views.call_close, name="call-close"),
    path("events/", views.event_list, name="events"),
    path("events/declare/", views.event_declare, name="event-declare"),
    path("events/<int:pk>/", views.event_detail, name="event"),
]
