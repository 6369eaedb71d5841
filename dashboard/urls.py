from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("notices/", views.notice_centre, name="notices"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice-read"),
    path("notices/read-all/", views.notices_read_all, name="notices-read-all"),
    path("notices/preferences/", views.preferences, name="preferences"),
    path("history/", views.audit_history, name="audit-history-page"),
]
