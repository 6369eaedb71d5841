"""Account pages: joining, invitations, the profile, API token, team and staff roles.

Views check input, call one service and render; the services decide who may do what.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.errors import Invalid, Refused
from core.http import refusal_text
from listing.pages import listing_for

from . import services
from .access import access_for
from .accounts import verified_email
from .filters import JoinRequestFilter, RemovedRoleFilter
from .forms import (
    ApproveForm,
    ColleagueInviteForm,
    DeclineForm,
    InvitationAcceptForm,
    InviteForm,
    JoinRequestForm,
    ProfileForm,
    StaffRoleGrantForm,
)
from .models import Invitation, JoinRequest, JoinRequestStatus, StaffRole, User
from .selectors import api_tokens_of


def _apply_refusal(form, refusal: Refused) -> None:
    """Show a service's refusal on the form: per field when it names fields, else at the top."""
    if isinstance(refusal, Invalid):
        for field, reasons in refusal.errors.items():
            target = field if field in form.fields else None
            if field == "password" and "password1" in form.fields:
                target = "password1"
            for reason in reasons:
                form.add_error(target, reason)
    else:
        form.add_error(None, refusal.message)


def _form_page(request, form, *, title, submit, intro="", status=200):
    return render(request, "organizations/form_page.html",
                  {"form": form, "title": title, "intro": intro, "submit": submit}, status=status)


# Joining -------------------------------------------------------------------------------------------


def join_request_new(request):
    form = JoinRequestForm(request.POST or None, initial={"language": request.LANGUAGE_CODE[:2]})
    if request.method == "POST" and form.is_valid():
        services.join_request_submit(**form.cleaned_data)
        return redirect("accounts:join-sent")
    return _form_page(
        request, form, title=_("Ask to join Fondos"), submit=_("Send the request"),
        intro=_("Your organisation is not yet in Fondos? Tell us who you are. The CLAC secretariat checks "
                "the request and answers by e-mail; if it is approved, the contact receives an invitation "
                "to create an account."),
    )


def join_request_sent(request):
    return render(request, "organizations/message.html", {
        "title": _("Request sent"),
        "text": _("Thank you. The secretariat will answer by e-mail."),
    })


def invitation_accept(request, token):
    invitation = services.invitation_for_token(token)
    if invitation is None or not invitation.is_open:
        reason = (_("This invitation has expired. Ask for a new one.")
                  if invitation is not None and invitation.accepted_at is None
                  and invitation.revoked_at is None
                  else _("This invitation link is not valid or has already been used."))
        return render(request, "organizations/message.html",
                      {"title": _("Invitation"), "text": reason}, status=410 if invitation else 404)
    form = InvitationAcceptForm(request.POST or None, initial={"email": invitation.email,
                                                               "username": invitation.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                raw_token=token, email=form.cleaned_data["email"], username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"], first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except Refused as refusal:
            _apply_refusal(form, refusal)
        else:
            messages.success(request, _("Your account is ready. Sign in with your user name and password."))
            return redirect("login")
    return _form_page(
        request, form, title=_("Create your account"), submit=_("Create the account"),
        intro=_("You are invited to use Fondos for %(organization)s.") % {
            "organization": invitation.organization.legal_name},
    )


# Secretariat: requests to join and invitations -----------------------------------------------------


def _secretariat_only(request):
    access = access_for(request.user)
    if not (access.is_administrator or access.is_secretariat):
        raise Http404


@login_required
def join_request_list(request):
    _secretariat_only(request)
    decided = listing_for(request, JoinRequestFilter, JoinRequest.objects.exclude(
        status=JoinRequestStatus.PENDING).select_related("decided_by", "organization"))
    return render(request, "organizations/join_request_list.html", {
        "pending": JoinRequest.objects.filter(status=JoinRequestStatus.PENDING).order_by("created_at"),
        "listing": decided,
    }, status=decided.status)


@login_required
def join_request_detail(request, pk):
    _secretariat_only(request)
    join_request = get_object_or_404(JoinRequest, pk=pk)
    approve_form = ApproveForm(request.POST if request.POST.get("action") == "approve" else None)
    decline_form = DeclineForm(request.POST if request.POST.get("action") == "decline" else None)
    if request.method == "POST":
        form = approve_form if request.POST.get("action") == "approve" else decline_form
        if form.is_valid():
            try:
                if form is approve_form:
                    services.join_request_approve(join_request_id=pk, by=request.user,
                                                  short_name=form.cleaned_data["short_name"])
                    messages.success(request, _("Approved: the organisation is in Fondos and its contact "
                                                "has been invited."))
                else:
                    services.join_request_decline(join_request_id=pk, by=request.user,
                                                  reason=form.cleaned_data["reason"])
                    messages.success(request, _("Declined: the requester has been told why."))
                return redirect("accounts:join-requests")
            except Refused as refusal:
                _apply_refusal(form, refusal)
    return render(request, "organizations/join_request_detail.html", {
        "join_request": join_request, "approve_form": approve_form, "decline_form": decline_form,
    })


@login_required
def invitation_new(request):
    _secretariat_only(request)
    form = InviteForm(request.POST or None, initial={"organization": request.GET.get("organization")})
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(by=request.user, **form.cleaned_data)
        except Refused as refusal:
            _apply_refusal(form, refusal)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {
                "email": form.cleaned_data["email"]})
            return redirect("accounts:invitation-new")
    return _form_page(request, form, title=_("Invite an organisation's contact"),
                      submit=_("Send the invitation"))


# A representative's team ---------------------------------------------------------------------------


def _team_organization(request):
    user = request.user
    if user.organization_id is None or not services.may_manage_members(user, user.organization_id):
        raise Http404
    return user.organization


@login_required
def team(request):
    organization = _team_organization(request)
    form = ColleagueInviteForm(request.POST or None, initial={"language": organization.preferred_language})
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(organization=organization, by=request.user, **form.cleaned_data)
        except Refused as refusal:
            _apply_refusal(form, refusal)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {
                "email": form.cleaned_data["email"]})
            return redirect("accounts:team")
    return render(request, "organizations/team.html", {
        "organization": organization,
        "members": organization.members.order_by("-is_active", "last_name", "username"),
        "invitations": [invitation for invitation in
                        organization.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
                        if invitation.is_open],
        "form": form,
    })


@login_required
@require_POST
def member_remove(request, user_id):
    organization = _team_organization(request)
    member = get_object_or_404(User, pk=user_id, organization=organization)
    try:
        services.member_remove(user_id=member.pk, by=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("%(name)s no longer has access.") % {
            "name": member.get_full_name() or member.username})
    return redirect("accounts:team")


@login_required
@require_POST
def invitation_revoke(request, pk):
    organization = _team_organization(request)
    invitation = get_object_or_404(Invitation, pk=pk, organization=organization)
    services.invitation_revoke(invitation_id=invitation.pk, by=request.user)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("accounts:team")


# Profile, verification, token ----------------------------------------------------------------------


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={
        "first_name": user.first_name, "last_name": user.last_name, "email": user.email,
        "language": user.language,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except Refused as refusal:
            _apply_refusal(form, refusal)
        else:
            messages.success(request, _("Saved."))
            response = redirect("accounts:profile")
            # The saved language wins over a language picked earlier in this browser.
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"],
                                samesite="Lax", secure=request.is_secure())
            return response
    access = access_for(user)
    return render(request, "organizations/profile.html", {
        "form": form, "verified_email": verified_email(user), "access": access,
        "may_manage_team": user.organization_id is not None
        and services.may_manage_members(user, user.organization_id),
    })


@login_required
@require_POST
def verify_email_send(request):
    try:
        services.email_verification_send(user=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("We sent a confirmation link to %(email)s.") % {
            "email": request.user.email})
    return redirect("accounts:profile")


def verify_email(request, token):
    user = services.email_verify(token=token)
    if user is None:
        return render(request, "organizations/message.html", {
            "title": _("E-mail confirmation"),
            "text": _("This confirmation link is not valid, has expired, "
                      "or is for an address you no longer use."),
        }, status=400)
    return render(request, "organizations/message.html", {
        "title": _("E-mail confirmation"),
        "text": _("Thank you: %(email)s is confirmed.") % {"email": user.email},
    })


@login_required
def api_token(request):
    created = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.api_token_revoke(user=request.user)
            messages.success(request, _("Your API tokens are revoked."))
            return redirect("accounts:api-token")
        created = services.api_token_regenerate(user=request.user)
    return render(request, "organizations/api_token.html", {
        "created": created, "tokens": api_tokens_of(request.user), "days": services.api_token_days(),
    })


# Administrators: staff roles -----------------------------------------------------------------------


def _administrators_only(request):
    if not access_for(request.user).is_administrator:
        raise Http404


@login_required
def staff_roles(request):
    _administrators_only(request)
    form = StaffRoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_role_grant(by=request.user, **form.cleaned_data)
        except Refused as refusal:
            _apply_refusal(form, refusal)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:staff-roles")
    roles = StaffRole.objects.select_related("user", "fund", "granted_by", "revoked_by")
    return render(request, "organizations/staff_roles.html", {
        "form": form,
        "active": roles.filter(revoked_at__isnull=True).order_by("user__username", "role"),
        "listing": listing_for(request, RemovedRoleFilter, roles.filter(revoked_at__isnull=False)),
    })


@login_required
@require_POST
def staff_role_revoke(request, pk):
    _administrators_only(request)
    get_object_or_404(StaffRole, pk=pk)
    try:
        services.staff_role_revoke(role_id=pk, by=request.user)
    except Refused as refusal:
        messages.error(request, refusal_text(refusal))
    else:
        messages.success(request, _("Role removed."))
    return redirect("accounts:staff-roles")

