"""The donor role is read-only and reaches its own donor's report only.

``DonorReadsOwnReportOnly`` is in the API's default permission classes: on any endpoint but the donors'
own, a person whose only staff role is the donor role gets 404, as if nothing were there.
``DonorPagesMiddleware`` does the same for pages (their home is their donor's report)."""

from django.http import Http404
from django.shortcuts import redirect
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from organizations.access import access_for
from organizations.choices import Role

# Pages a donor's reader may open: their report, signing in and out, their account, the language.
DONOR_PAGES = ("/donors/", "/accounts/", "/i18n/", "/static/", "/api/")


def donor_only(user) -> bool:
    """Whether ``user`` holds the donor role and nothing more (no organisation, no other staff role)."""
    if user is None or not user.is_authenticated:
        return False
    access = access_for(user)
    return access.roles == frozenset({Role.DONOR}) and not access.is_superuser and not access.is_opp_staff


class DonorReadsOwnReportOnly(BasePermission):
    def has_permission(self, request, view):
        if donor_only(request.user) and not getattr(view, "donors_may_read", False):
            raise NotFound()
        return True


class DonorReader(BasePermission):
    """Reading donors: staff who see the whole portfolio, finance, and the donor role (its own donor,
    filtered by ``donors.selectors.donors_visible_to``)."""

    def has_permission(self, request, view):
        from .selectors import may_see_all_donors

        # Read-only: the endpoints answer GET alone (anything else is 405).
        return may_see_all_donors(request.user) or access_for(request.user).is_donor


class DonorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if donor_only(getattr(request, "user", None)):
            if request.path == "/":
                return redirect("donor-report-own")
            if not request.path.startswith(DONOR_PAGES):
                raise Http404
        return self.get_response(request)
