from django.utils import timezone

from .access import access_for
from .models import ApiToken, Organization


def organizations_visible_to(user):
    access = access_for(user)
    if access.is_clac_staff:
        return Organization.objects.all()
    if access.organization_id is not None:
        return Organization.objects.filter(pk=access.organization_id)
    return Organization.objects.none()


def api_tokens_of(user):
    """``user``'s API tokens that still work: not expired, issued under the current password."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now(),
                                   password_fingerprint=user.get_session_auth_hash())
