"""What other parts of Fondos ask about a person's account, and the guards around signing in.

- ``verified_email(user)``: the address that may receive financial documents, or ``None``.
- Invitation tokens are random, e-mailed once and stored only as a SHA-256 hash (``token_hash``).
- E-mail verification links are signed (no storage) and name the address they verify.
- ``LockoutModelBackend`` refuses a sign-in (web form and API token alike) after repeated failures.
"""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

EMAIL_VERIFICATION_SALT = "fondos.organizations.email-verification"
EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 3600


def verified_email(user) -> str | None:
    """The person's e-mail address if they have proved they receive mail there, else ``None``.

    Send financial documents (letters, schedules, statements) only to the address this returns.
    Changing the address on the profile clears the verification until the new one is confirmed.
    """
    if user is None or not user.is_active or not user.email or not user.email_verified:
        return None
    if user.email.strip().lower() != user.email_verified.strip().lower():
        return None
    return user.email


def new_token() -> tuple[str, str]:
    """A fresh URL-safe token and the hash to store in its place."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def email_verification_token(user) -> str:
    return signing.dumps({"user": user.pk, "email": user.email.lower()}, salt=EMAIL_VERIFICATION_SALT)


def read_email_verification_token(token: str) -> tuple[int, str] | None:
    """``(user id, address)`` from a verification link still within its age, else ``None``."""
    try:
        data = signing.loads(token, salt=EMAIL_VERIFICATION_SALT, max_age=EMAIL_VERIFICATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return data["user"], data["email"]


# Sign-in lockout ------------------------------------------------------------------------------------
#
# A cache-based counter (Redis in production, shared by every web process): after
# ``FONDOS_LOGIN_FAILURES_PER_USERNAME`` failures for one user name, or
# ``FONDOS_LOGIN_FAILURES_PER_ADDRESS`` from one client address, within ``FONDOS_LOGIN_LOCKOUT_SECONDS``,
# every attempt is refused (even with the right password) until the window passes. A successful
# sign-in clears the user name's counter. Counting by user name stops password guessing from many
# addresses; counting by address stops one client from trying many user names.


def _limits() -> tuple[int, int, int]:
    return (
        getattr(settings, "FONDOS_LOGIN_FAILURES_PER_USERNAME", 5),
        getattr(settings, "FONDOS_LOGIN_FAILURES_PER_ADDRESS", 100),
        getattr(settings, "FONDOS_LOGIN_LOCKOUT_SECONDS", 15 * 60),
    )


def _keys(request, username: str) -> tuple[str, str | None]:
    namespace = getattr(settings, "FONDOS_LOGIN_LOCKOUT_NAMESPACE", "fondos:login-fail")
    name_key = f"{namespace}:user:" + hash_token((username or "").strip().lower())
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    address_key = f"{namespace}:addr:{address}" if address else None
    return name_key, address_key


def login_locked(request, username: str) -> bool:
    per_name, per_address, _seconds = _limits()
    name_key, address_key = _keys(request, username)
    if (cache.get(name_key) or 0) >= per_name:
        return True
    return address_key is not None and (cache.get(address_key) or 0) >= per_address


def login_failed(request, username: str) -> None:
    _per_name, _per_address, seconds = _limits()
    for key in _keys(request, username):
        if key is None:
            continue
        if not cache.add(key, 1, timeout=seconds):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=seconds)


def login_succeeded(request, username: str) -> None:
    cache.delete(_keys(request, username)[0])


class LockoutModelBackend(ModelBackend):
    """Django's password check, refused while the user name or the client address is locked out."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if username is None or password is None:
            return None
        if login_locked(request, username):
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failed(request, username)
        else:
            login_succeeded(request, username)
        return user

    @staticmethod
    def _username_field():
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
