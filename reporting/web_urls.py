from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.report_queue, name="reports"),
    path("reports/outcomes/", views.outcomes_page, name="outcomes"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/step/<slug:step>/", views.report_step, name="report-step"),
    path("reports/<int:pk>/attachments/", views.report_attachment_add, name="report-attachments"),
    path("reports/<int:pk>/attachments/<int:attachment_id>/", views.report_attachment_file,
         name="report-attachment"),
    path("reports/<int:pk>/attachments/<int:attachment_id>/delete/", views.report_attachment_delete,
         name="report-attachment-delete"),
    path("reports/<int:pk>/do/<slug:name>/", views.report_action, name="report-action"),
]
