"""Every change to accounts: invitations, requests to join, members, profiles, tokens and staff roles.

Each service runs in one transaction with the changed row locked, checks who may act, is safe to run
twice, and sends its e-mail only after the transaction commits.
"""

import datetime

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import Invalid, NotPermitted, WrongState
from security.two_factor import confirmed_device, required_roles

from . import emails
from .access import access_for
from .accounts import email_verification_token, hash_token, new_token, read_email_verification_token
from .choices import FUND_SCOPED_ROLES, Language, Role
from .models import ApiToken, Invitation, JoinRequest, JoinRequestStatus, Organization, StaffRole, User

INVITATION_DAYS = 7


def _invitation_days() -> int:
    return getattr(settings, "FONDOS_INVITATION_DAYS", INVITATION_DAYS)


def _normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _forget_access(user: User) -> None:
    if hasattr(user, "_fondos_access"):
        del user._fondos_access


def may_manage_members(by: User, organization_id: int) -> bool:
    """The secretariat and administrators, for any organisation; a representative, for their own."""
    access = access_for(by)
    if access.is_administrator or access.is_secretariat:
        return True
    return bool(by.is_active and by.is_representative and access.organization_id == organization_id)


# Invitations ---------------------------------------------------------------------------------------


def _invite(*, organization, email, by: User, language, as_representative, template, context=None):
    email = _normalize_email(email)
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        raise Invalid({"email": [_("Someone already has an account with this address.")]})
    now = timezone.now()
    # Only the newest link for an address and organisation works.
    Invitation.objects.filter(
        organization=organization, email=email, accepted_at__isnull=True, revoked_at__isnull=True,
    ).update(revoked_at=now, revoked_by=by)
    raw, token_hash = new_token()
    invitation = Invitation.objects.create(
        organization=organization, email=email, language=language, as_representative=as_representative,
        token_hash=token_hash, invited_by=by, expires_at=now + datetime.timedelta(days=_invitation_days()),
    )
    link = emails.absolute(reverse("accounts:invitation-accept", args=[raw]))
    emails.send_after_commit(template, to=email, language=language, context={
        "invitation": invitation, "organization": organization, "link": link, "invited_by": by,
        "days": _invitation_days(), **(context or {}),
    })
    return invitation, raw


def invitation_create(*, organization: Organization, email: str, by: User, language: str | None = None,
                      as_representative: bool = False) -> tuple[Invitation, str]:
    """Invite ``email`` to an account of ``organization``; returns the invitation and its raw token.

    The raw token is only ever in the e-mailed link (and returned here for the caller's tests).
    """
    if not may_manage_members(by, organization.pk):
        raise NotPermitted()
    access = access_for(by)
    if as_representative and not (access.is_administrator or access.is_secretariat):
        raise NotPermitted(_("Only the secretariat names an organisation's representatives."))
    if language not in Language.values:
        language = organization.preferred_language
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        return _invite(organization=organization, email=email, by=by, language=language,
                       as_representative=as_representative, template="invitation")


def invitation_for_token(raw_token: str) -> Invitation | None:
    return (Invitation.objects.select_related("organization")
            .filter(token_hash=hash_token(raw_token or "")).first())


def invitation_accept(*, raw_token: str, email: str, username: str, password: str,
                      first_name: str = "", last_name: str = "") -> User:
    """Create the invited person's account, tied to the invitation's organisation and address."""
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update()
                      .filter(token_hash=hash_token(raw_token or "")).first())
        if invitation is None:
            raise NotPermitted(_("This invitation link is not valid."))
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            raise WrongState(_("This invitation has already been used or withdrawn."))
        if invitation.expires_at <= timezone.now():
            raise WrongState(_("This invitation has expired. Ask for a new one."))
        if _normalize_email(email) != invitation.email:
            raise Invalid({"email": [_("This invitation is for another e-mail address.")]})
        errors = {}
        username = (username or "").strip()
        if not username:
            errors["username"] = [_("Choose a user name.")]
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = [_("This user name is taken; choose another.")]
        if User.objects.filter(email__iexact=invitation.email, is_active=True).exists():
            errors["email"] = [_("Someone already has an account with this address.")]
        user = User(
            username=username, email=invitation.email, first_name=first_name.strip(),
            last_name=last_name.strip(), organization=invitation.organization, language=invitation.language,
            is_representative=invitation.as_representative,
            # The link reached this address, so the address is proved.
            email_verified=invitation.email, email_verified_at=timezone.now(),
        )
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            errors["password"] = list(error.messages)
        if errors:
            raise Invalid(errors)
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as error:
            raise Invalid({"username": [_("This user name is taken; choose another.")]}) from error
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        return user


def invitation_revoke(*, invitation_id: int, by: User) -> Invitation:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
        if not may_manage_members(by, invitation.organization_id):
            raise NotPermitted()
        if invitation.accepted_at is None and invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.revoked_by = by
            invitation.save(update_fields=["revoked_at", "revoked_by"])
        return invitation


# Requests to join ----------------------------------------------------------------------------------


def join_request_submit(*, legal_name: str, country: str, fairtrade_id: str, contact_name: str,
                        contact_email: str, language: str) -> JoinRequest:
    """Record an OPP's request to join; nothing is created or shown until the secretariat approves."""
    return JoinRequest.objects.create(
        legal_name=legal_name.strip(), country=country, fairtrade_id=fairtrade_id.strip(),
        contact_name=contact_name.strip(), contact_email=_normalize_email(contact_email),
        language=language if language in Language.values else Language.ES,
    )


def _require_secretariat(by: User) -> None:
    access = access_for(by)
    if not (access.is_administrator or access.is_secretariat):
        raise NotPermitted()


def join_request_approve(*, join_request_id: int, by: User, short_name: str = "") -> JoinRequest:
    """Create the organisation and invite the contact as its representative; the contact is told."""
    _require_secretariat(by)
    with transaction.atomic():
        request = JoinRequest.objects.select_for_update().get(pk=join_request_id)
        if request.status == JoinRequestStatus.APPROVED:
            return request
        if request.status != JoinRequestStatus.PENDING:
            raise WrongState(_("This request has already been declined."))
        if Organization.objects.filter(fairtrade_id__iexact=request.fairtrade_id).exists():
            raise Invalid({"fairtrade_id": [
                _("An organisation with this Fairtrade ID is already in Fondos.")]})
        organization = Organization.objects.create(
            legal_name=request.legal_name, short_name=(short_name.strip() or request.legal_name)[:80],
            country=request.country, fairtrade_id=request.fairtrade_id,
            preferred_language=request.language, contact_emails=[request.contact_email],
        )
        _invite(organization=organization, email=request.contact_email, by=by, language=request.language,
                as_representative=True, template="join_approved", context={"join_request": request})
        request.status = JoinRequestStatus.APPROVED
        request.organization = organization
        request.decided_at = timezone.now()
        request.decided_by = by
        request.save(update_fields=["status", "organization", "decided_at", "decided_by"])
        return request


def join_request_decline(*, join_request_id: int, by: User, reason: str) -> JoinRequest:
    _require_secretariat(by)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": [_("Say why the request is declined; the requester will read it.")]})
    with transaction.atomic():
        request = JoinRequest.objects.select_for_update().get(pk=join_request_id)
        if request.status == JoinRequestStatus.DECLINED:
            return request
        if request.status != JoinRequestStatus.PENDING:
            raise WrongState(_("This request has already been approved."))
        request.status = JoinRequestStatus.DECLINED
        request.decline_reason = reason
        request.decided_at = timezone.now()
        request.decided_by = by
        request.save(update_fields=["status", "decline_reason", "decided_at", "decided_by"])
        emails.send_after_commit("join_declined", to=request.contact_email, language=request.language,
                                 context={"join_request": request})
        return request


# Members -------------------------------------------------------------------------------------------


def _end_sessions(user: User) -> int:
    """Delete every stored session of ``user``; returns how many."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


def member_remove(*, user_id: int, by: User) -> User:
    """Take a person out of their organisation's access at once.

    The account is deactivated (not deleted, not detached) so that what they did stays attributed to
    them and to their organisation; its password is made unusable, and its API token and sessions are
    deleted, so that no request of theirs is honoured from now on.
    """
    with transaction.atomic():
        member = User.objects.select_for_update().get(pk=user_id)
        if member.organization_id is None or not may_manage_members(by, member.organization_id):
            raise NotPermitted()
        if member.pk == by.pk:
            raise NotPermitted(_("You cannot remove yourself; ask the secretariat."))
        if member.is_active or member.is_representative or member.has_usable_password():
            member.is_active = False
            member.is_representative = False
            member.set_unusable_password()
            member.save(update_fields=["is_active", "is_representative", "password"])
        ApiToken.objects.filter(user=member).delete()
        _end_sessions(member)
        return member


# Profile, e-mail verification and API token --------------------------------------------------------


def profile_update(*, user: User, first_name: str, last_name: str, email: str, language: str) -> User:
    """Change a person's name, address and language; a new address is unverified until confirmed."""
    if language not in Language.values:
        raise Invalid({"language": [_("Choose one of the offered languages.")]})
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.first_name = first_name.strip()
        locked.last_name = last_name.strip()
        locked.email = _normalize_email(email)
        locked.language = language
        locked.save(update_fields=["first_name", "last_name", "email", "language"])
    for field in ("first_name", "last_name", "email", "language"):
        setattr(user, field, getattr(locked, field))
    return user


def email_verification_send(*, user: User) -> None:
    if not user.email:
        raise Invalid({"email": [_("Enter an e-mail address first.")]})
    link = emails.absolute(reverse("accounts:verify-email", args=[email_verification_token(user)]))
    emails.send_after_commit("verify_email", to=user.email, language=user.language,
                             context={"user": user, "link": link})


def email_verify(*, token: str) -> User | None:
    """Mark the address in a verification link as proved; ``None`` if the link is bad, old or stale."""
    data = read_email_verification_token(token)
    if data is None:
        return None
    user_id, email = data
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or _normalize_email(user.email) != email:
            return None
        if _normalize_email(user.email_verified) != email:
            user.email_verified = user.email
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified", "email_verified_at"])
        return user


API_TOKEN_DAYS = 90
API_TOKENS_PER_PERSON = 20


def api_token_days() -> int:
    return getattr(settings, "FONDOS_API_TOKEN_DAYS", API_TOKEN_DAYS)


def _issue_api_token(user: User) -> ApiToken:
    now = timezone.now()
    raw, key_hash = new_token()
    token = ApiToken.objects.create(
        user=user, key_hash=key_hash, password_fingerprint=user.get_session_auth_hash(),
        expires_at=now + datetime.timedelta(days=api_token_days()),
    )
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
    keep = ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")[:API_TOKENS_PER_PERSON]
    ApiToken.objects.filter(user=user).exclude(pk__in=list(keep.values_list("pk", flat=True))).delete()
    # The key itself exists only here, in memory, for the caller to show once; the row holds its hash.
    token.key = raw
    return token


def api_token_create(*, user: User) -> ApiToken:
    """Another API token for ``user`` (``token.key`` is the key, shown once); earlier ones keep working
    until they expire, up to the newest ``API_TOKENS_PER_PERSON``."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        return _issue_api_token(locked)


def api_token_regenerate(*, user: User) -> ApiToken:
    """A new API token for ``user`` (``token.key`` is the key, shown once); every previous one stops
    working."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        ApiToken.objects.filter(user=locked).delete()
        return _issue_api_token(locked)


def api_token_revoke(*, user: User, token_id: int | None = None) -> None:
    """Revoke one of ``user``'s tokens, or all of them when no ``token_id`` is given."""
    tokens = ApiToken.objects.filter(user=user)
    if token_id is not None:
        tokens = tokens.filter(pk=token_id)
    tokens.delete()


# Staff roles ---------------------------------------------------------------------------------------


def _require_administrator(by: User) -> None:
    if not access_for(by).is_administrator:
        raise NotPermitted(_("Only administrators grant and remove staff roles."))


def staff_role_grant(*, user: User, role: str, fund=None, by: User) -> StaffRole:
    """Grant ``role`` (per ``fund`` for committee roles); granting an active role again changes nothing."""
    _require_administrator(by)
    errors = {}
    if role not in Role.values:
        errors["role"] = [_("Choose one of the staff roles.")]
    elif role in FUND_SCOPED_ROLES and fund is None:
        errors["fund"] = [_("Committee roles are held per fund: choose the fund.")]
    elif role not in FUND_SCOPED_ROLES and fund is not None:
        errors["fund"] = [_("Only committee roles are held per fund.")]
    if user.organization_id is not None:
        errors["user"] = [_("An OPP's staff cannot hold CLAC staff roles.")]
    if not user.is_active:
        errors["user"] = [_("This account is deactivated.")]
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        existing = StaffRole.objects.active().filter(user=user, role=role, fund=fund).first()
        if existing is not None:
            return existing
        if role == Role.COMMITTEE_CHAIR and StaffRole.objects.active().filter(
                role=Role.COMMITTEE_CHAIR, fund=fund).exists():
            raise Invalid({"role": [_("This fund's committee already has a chair; remove that role first.")]})
        if role == Role.DEPUTY_CHAIR and StaffRole.objects.active().filter(
                role=Role.DEPUTY_CHAIR, fund=fund).exists():
            raise Invalid({"role": [
                _("This fund's committee already has a deputy chair; remove that role first.")]})
        granted = StaffRole.objects.create(user=user, role=role, fund=fund, granted_by=by)
        if role in required_roles() and confirmed_device(user) is None:
            # Tokens issued on the password alone would get round the second factor the role requires.
            ApiToken.objects.filter(user=user).delete()
    _forget_access(user)
    return granted


def staff_role_revoke(*, role_id: int, by: User) -> StaffRole:
    """Remove a staff role: the row stays, stamped with who removed it and when."""
    _require_administrator(by)
    with transaction.atomic():
        granted = StaffRole.objects.select_for_update().select_related("user").get(pk=role_id)
        if granted.revoked_at is not None:
            return granted
        if (granted.role == Role.ADMINISTRATOR
                and not StaffRole.objects.active().filter(role=Role.ADMINISTRATOR)
                .exclude(pk=granted.pk).exists()
                and not User.objects.filter(is_superuser=True, is_active=True).exists()):
            raise Invalid({"role": [_("Fondos needs at least one administrator.")]})
        granted.revoked_at = timezone.now()
        granted.revoked_by = by
        granted.save(update_fields=["revoked_at", "revoked_by"])
    _forget_access(granted.user)
    return granted
