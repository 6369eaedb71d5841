"""Two-factor sign-in with TOTP devices (django-otp).

After the password, a person with a confirmed TOTP device is asked for the current code before any
other page opens. The state lives in the session (set at sign-in), so a request of someone without a
device costs no query.
"""

from django_otp.plugins.otp_totp.models import TOTPDevice

SESSION_PENDING = "security:second-factor-pending"
SESSION_VERIFIED = "security:second-factor-verified"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def require_second_factor_on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(SESSION_VERIFIED, None)
    if confirmed_device(user) is not None:
        request.session[SESSION_PENDING] = True
    else:
        request.session.pop(SESSION_PENDING, None)


def second_factor_pending(request) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_PENDING))


def mark_verified(request) -> None:
    request.session.pop(SESSION_PENDING, None)
    request.session[SESSION_VERIFIED] = True
    request.session.cycle_key()
