from .access import access_for
from .models import Organization


def organizations_visible_to(user):
    access = access_for(user)
    if access.is_clac_staff:
        return Organization.objects.all()
    if access.organization_id is not None:
        return Organization.objects.filter(pk=access.organization_id)
    return Organization.objects.none()
