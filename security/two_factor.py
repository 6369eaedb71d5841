"""Two-factor sign-in with TOTP devices (django-otp).

After the password, a person with a confirmed TOTP device is asked for the current code before any
other page opens. A person holding a role listed in ``FONDOS_TWO_FACTOR_REQUIRED_ROLES`` (by default
administrators, superusers included, and finance) who has no device yet is sent to enrol one first, and
cannot turn it off. The state lives in the session (set at sign-in), so a request costs no query.
"""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.access import access_for
from organizations.choices import Role

SESSION_PENDING = "security:second-factor-pending"
SESSION_ENROL = "security:second-factor-enrol"
SESSION_VERIFIED = "security:second-factor-verified"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def required_roles() -> set[str]:
    return {role for role in getattr(settings, "FONDOS_TWO_FACTOR_REQUIRED_ROLES", ()) if role}


def second_factor_required(user) -> bool:
    """Whether one of ``user``'s roles makes two-factor sign-in compulsory for them."""
    required = required_roles()
    if not required:
        return False
    access = access_for(user)
    return bool(access.roles & required) or (access.is_superuser and Role.ADMINISTRATOR in required)


def require_second_factor_on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(SESSION_VERIFIED, None)
    request.session.pop(SESSION_PENDING, None)
    request.session.pop(SESSION_ENROL, None)
    if confirmed_device(user) is not None:
        request.session[SESSION_PENDING] = True
    elif second_factor_required(user):
        request.session[SESSION_ENROL] = True


def second_factor_pending(request) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_PENDING))


def enrolment_pending(request) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_ENROL))


def mark_verified(request) -> None:
    request.session.pop(SESSION_PENDING, None)
    request.session.pop(SESSION_ENROL, None)
    request.session[SESSION_VERIFIED] = True
    request.session.cycle_key()
