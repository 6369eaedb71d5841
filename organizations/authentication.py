"""The API's token authentication: the token, its person and their active staff roles in one query."""

from django.db import connection
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .access import remember_access
from .accounts import hash_token
from .models import ApiToken, User

# One row per active staff role (or one row with NULLs for people without any); "revoked_at IS NULL" is
# ``StaffRole.objects.active()``, and the tests compare the two. Written by hand: the ORM's equivalent
# (a FilteredRelation) costs more to compile than the two queries it replaces.
PERSON_BY_KEY_SQL = """
SELECT u.*, t.id AS token_id, t.password_fingerprint AS token_fingerprint,
       t.expires_at > %s AS token_live, r.role AS active_role, r.fund_id AS active_role_fund_id
FROM organizations_user u
JOIN organizations_apitoken t ON t.user_id = u.id
LEFT JOIN organizations_staffrole r ON r.user_id = u.id AND r.revoked_at IS NULL
WHERE t.key_hash = %s
"""


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's ``Authorization: Token <key>``, with the same answers, in one query.

    The key is looked up by its hash. A token stops working when it expires and when the person's
    password changes (its fingerprint no longer matches, as Django does for sessions). Every API call
    needs the caller's staff roles for its permission checks, so they are read with the token and cached
    on the person (``organizations.access``).
    """

    def authenticate_credentials(self, key):
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = list(User.objects.raw(PERSON_BY_KEY_SQL, [now, hash_token(key)]))
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = rows[0]
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if not constant_time_compare(user.token_fingerprint, user.get_session_auth_hash()):
            raise exceptions.AuthenticationFailed(
                _("This token stopped working when the password changed. Ask for a new one."))
        if not user.token_live:
            raise exceptions.AuthenticationFailed(_("This token has expired. Ask for a new one."))
        remember_access(user, [(row.active_role, row.active_role_fund_id) for row in rows
                               if row.active_role is not None])
        return user, ApiToken(pk=user.token_id, user=user, password_fingerprint=user.token_fingerprint)
