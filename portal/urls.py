from django.contrib.auth import views as auth_views
from django.urls import path

from organizations.forms import LockoutAwareAuthenticationForm

from . import document_views, finance_actions, finance_views, staff_views, views

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(
        redirect_authenticated_user=True, authentication_form=LockoutAwareAuthenticationForm,
    ), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organization/", views.organization_profile, name="organization"),
    path("apply/<slug:fund_code>/", views.apply, name="apply"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/step/<slug:step>/", views.edit_step, name="application-step"),
    path("applications/<int:pk>/documents/", document_views.documents, name="application-documents"),
    path("applications/<int:pk>/documents/<int:document_id>/", document_views.document_file,
         name="application-document"),
    path("applications/<int:pk>/documents/<int:document_id>/remove/", document_views.document_remove,
         name="application-document-remove"),
    path("applications/<int:pk>/submit/", views.submit_review, name="application-submit"),
    path("applications/<int:pk>/do/<slug:name>/", views.application_action, name="application-action"),
    path("applications/<int:pk>/review/", views.committee_review, name="application-review"),
    path("organisations/", staff_views.organization_list, name="organizations"),
    path("people/", staff_views.people_list, name="people"),
    path("applications/<int:pk>/schedules/<int:document_id>/", finance_views.schedule_document_file,
         name="loan-schedule-pdf"),
    path("committee/", staff_views.committee_queue, name="committee"),
    path("secretariat/", staff_views.screening_queue, name="secretariat"),
    path("secretariat/batch/", staff_views.screening_batch, name="secretariat-batch"),
    path("finance/", finance_views.finance_desk, name="finance"),
    path("finance/funds/<slug:code>/", finance_views.fund_ledger, name="fund-ledger"),
    path("finance/disbursements/", finance_views.disbursement_list, name="finance-disbursements"),
    path("finance/disbursements/batch/", finance_views.disbursement_batch, name="finance-batch"),
    path("finance/disbursements/<int:pk>/do/<slug:action>/", finance_actions.disbursement_page,
         name="finance-disbursement-action"),
    path("finance/loans/<int:pk>/do/<slug:action>/", finance_actions.loan_action, name="finance-loan-action"),
    path("finance/loans/<int:pk>/repayments/<int:repayment_id>/reverse/", finance_actions.repayment_reverse,
         name="finance-repayment-reverse"),
    path("finance/disbursements/<int:pk>/<slug:action>/", finance_views.disbursement_action,
         name="finance-disbursement"),
    path("finance/loans/", finance_views.loan_list, name="finance-loans"),
    path("finance/loans/download.<slug:file_format>", finance_views.loan_export, name="finance-loans-export"),
    path("finance/portfolio/download.<slug:file_format>", finance_views.portfolio_export,
         name="finance-portfolio-export"),
    path("finance/funds/<slug:code>/download.<slug:file_format>", finance_views.ledger_export,
         name="fund-ledger-export"),
    path("finance/loans/<int:pk>/", finance_views.loan_detail, name="finance-loan"),
    path("finance/charts/", finance_views.charts_page, name="finance-charts"),
]
