"""What other parts of Fondos ask about a person's account, and the guards around signing in.

- ``verified_email(user)``: the address that may receive financial documents, or ``None``.
- Invitation tokens are random, e-mailed once and stored only as a SHA-256 hash (``token_hash``).
- E-mail verification links are signed (no storage) and name the address they verify.
- ``LockoutModelBackend`` makes sign-ins (web form and API token alike) wait after repeated failures.
"""

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from security.client import client_address

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


# Sign-in limits -------------------------------------------------------------------------------------
#
# Failures are counted in the cache (Redis in production, shared by every web process) per account
# (the user name, from any address: stops guessing one password from many addresses) and per client
# address (stops one client trying many user names). The address is the one ``security.client`` reads
# through the configured trusted proxies, so that the clients behind a proxy are counted apart and a
# forged ``X-Forwarded-For`` counts as nothing.
#
# The first ``FONDOS_LOGIN_FAILURES_PER_USERNAME`` failures of an account (``..._PER_ADDRESS`` of an
# address) cost nothing; each further one refuses every attempt for a delay that starts at
# ``FONDOS_LOGIN_FIRST_DELAY_SECONDS`` and doubles, capped at ``FONDOS_LOGIN_LOCKOUT_SECONDS``. Someone
# who locked another person's account thus keeps it closed only for minutes at a time, while guessing
# stays slow. Counts are forgotten ``FONDOS_LOGIN_FAILURE_MEMORY_SECONDS`` after the first failure; signing
# in clears the account's count. Attempts refused during a delay are not counted. A person with
# two-factor sign-in lifts their account's wait on the token endpoint by giving the code with the
# password (an address's wait is never lifted).


ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class _Limit:
    name: str
    key: str
    free_failures: int


def _settings(name: str, default: int) -> int:
    return getattr(settings, name, default)


def _limits(request, username: str) -> tuple[_Limit, ...]:
    namespace = _settings("FONDOS_LOGIN_LOCKOUT_NAMESPACE", "fondos:login-fail")
    account = _Limit(ACCOUNT, f"{namespace}:user:" + hash_token((username or "").strip().lower()),
                     _settings("FONDOS_LOGIN_FAILURES_PER_USERNAME", 5))
    address = client_address(request) if request is not None else ""
    if not address:
        return (account,)
    return account, _Limit(ADDRESS, f"{namespace}:addr:{address}",
                           _settings("FONDOS_LOGIN_FAILURES_PER_ADDRESS", 100))


def _delay(failures: int, free_failures: int) -> float:
    if failures < free_failures:
        return 0
    first = _settings("FONDOS_LOGIN_FIRST_DELAY_SECONDS", 30)
    longest = _settings("FONDOS_LOGIN_LOCKOUT_SECONDS", 15 * 60)
    return min(first * 2 ** min(failures - free_failures, 32), longest)


def login_waits(request, username: str) -> set[str]:
    """What makes a sign-in as ``username`` from this client wait now: ``ACCOUNT``, ``ADDRESS``, both or
    neither."""
    now = time.time()
    limits = {f"{limit.key}:until": limit.name for limit in _limits(request, username)}
    return {limits[key] for key, until in cache.get_many(list(limits)).items() if until > now}


def login_locked(request, username: str) -> bool:
    """Whether a sign-in as ``username`` from this client must wait (even with the right password)."""
    return bool(login_waits(request, username))


def login_failed(request, username: str) -> None:
    memory = _settings("FONDOS_LOGIN_FAILURE_MEMORY_SECONDS", 24 * 3600)
    for limit in _limits(request, username):
        if cache.add(limit.key, 1, timeout=memory):
            failures = 1
        else:
            try:
                failures = cache.incr(limit.key)
            except ValueError:  # forgotten between add and incr
                cache.add(limit.key, 1, timeout=memory)
                failures = 1
        delay = _delay(failures, limit.free_failures)
        if delay:
            # The end of the delay is compared with the clock here rather than left to the cache's
            # expiry, so that every cache backend (and a test's clock) agrees on it.
            cache.set(f"{limit.key}:until", time.time() + delay, timeout=int(delay) + 1)


def login_succeeded(request, username: str) -> None:
    account = _limits(request, username)[0]
    cache.delete_many([account.key, f"{account.key}:until"])


class LockoutModelBackend(ModelBackend):
    """Django's password check, refused while the account or the client address must wait.

    ``second_factor_follows=True`` (the token endpoint, given a code) checks the password during an
    account's wait too, and leaves the counts to the caller, who lifts the wait only once the person's
    second factor has been checked as well.
    """

    def authenticate(self, request, username=None, password=None, second_factor_follows=False, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if username is None or password is None:
            return None
        waits = login_waits(request, username)
        if waits and (not second_factor_follows or ADDRESS in waits):
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failed(request, username)
        elif not second_factor_follows:
            login_succeeded(request, username)
        return user

    @staticmethod
    def _username_field():
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
