"""Account pages under /accounts/ (sign-in and sign-out are the portal's)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import LanguageAwarePasswordResetForm

app_name = "accounts"

urlpatterns = [
    path("join/", views.join_request_new, name="join"),
    path("join/sent/", views.join_request_sent, name="join-sent"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("profile/", views.profile, name="profile"),
    path("verify-email/", views.verify_email_send, name="verify-email-send"),
    path("verify-email/<str:token>/", views.verify_email, name="verify-email"),
    path("token/", views.api_token, name="api-token"),
    path("team/", views.team, name="team"),
    path("team/<int:user_id>/remove/", views.member_remove, name="member-remove"),
    path("team/invitations/<int:pk>/withdraw/", views.invitation_revoke, name="invitation-revoke"),
    path("join-requests/", views.join_request_list, name="join-requests"),
    path("join-requests/<int:pk>/", views.join_request_detail, name="join-request"),
    path("invitations/new/", views.invitation_new, name="invitation-new"),
    path("staff-roles/", views.staff_roles, name="staff-roles"),
    path("staff-roles/<int:pk>/remove/", views.staff_role_revoke, name="staff-role-revoke"),
    path("password/change/", auth_views.PasswordChangeView.as_view(
        template_name="organizations/password_change_form.html",
        success_url=reverse_lazy("accounts:password-change-done"),
    ), name="password-change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="organizations/password_change_done.html",
    ), name="password-change-done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(
        form_class=LanguageAwarePasswordResetForm,
        template_name="organizations/password_reset_form.html",
        email_template_name="organizations/email/password_reset.txt",
        subject_template_name="organizations/email/password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password-reset-done"),
        # Links point at the configured site address, never at the Host header of the request.
        extra_email_context={"site_url": settings.SITE_URL},
    ), name="password-reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="organizations/password_reset_done.html",
    ), name="password-reset-done"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="organizations/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password-reset-complete"),
    ), name="password-reset-confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="organizations/password_reset_complete.html",
    ), name="password-reset-complete"),
]
