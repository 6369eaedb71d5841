from django.urls import path

from . import views

urlpatterns = [
    path("donors/", views.donor_list, name="donors"),
    path("donors/mine/", views.own_report, name="donor-report-own"),
    path("donors/<int:pk>/report/", views.report_page, name="donor-report"),
]
