"""The landing page (each role's panels, and an organisation's own applications), the notice centre,
notification preferences and the history of changes, as pages.

Notices change only through ``notifications.services`` (the API's functions): marking read is a POST,
and somebody else's notice does not exist for the person (404). The history of changes is for auditors
and administrators, as in the API.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_filters import rest_framework as filters

from applications.filters import OwnApplicationFilter
from applications.selectors import applications_visible_to
from core.errors import Invalid
from funds.models import Fund
from listing.pages import listing_for
from notifications import services as notices
from notifications.filters import NotificationFilter
from notifications.kinds import ESSENTIAL, Kind
from notifications.links import notice_path
from notifications.models import Notification
from notifications.serializers import PreferencesSerializer
from organizations import services as accounts
from organizations.access import access_for
from organizations.choices import Language
from portal.api_input import read_posted
from portal.staff_views import _back
from portal.views import for_lists, with_days_left
from security.api import AUDITED_MODELS, AuditHistoryFilter

from . import history
from .forms import LanguageForm
from .panels import panels_for
from .templatetags.notices import forget_unread_count

# --------------------------------------------------------------------------- the landing page


@login_required
def home(request):
    access = access_for(request.user)
    organization = request.user.organization
    listing = None
    if access.is_opp_staff:
        listing = listing_for(
            request, OwnApplicationFilter,
            for_lists(applications_visible_to(request.user).filter(organization_id=access.organization_id)),
            rows=with_days_left,
        )
    return render(request, "dashboard/home.html", {
        "access": access,
        "organization": organization,
        "funds": Fund.objects.all(),
        "listing": listing,
        "panels": panels_for(request.user, access),
    }, status=listing.status if listing else 200)


# --------------------------------------------------------------------------- the notice centre


class NoticeFilter(NotificationFilter):
    """The notice centre's list: the API's definition, with "unread only" as a choice."""

    unread = filters.ChoiceFilter(method="only_unread", label=gettext_lazy("Show"),
                                  choices=[("true", gettext_lazy("Unread only"))],
                                  empty_label=gettext_lazy("All notices"))
    page_fields = ("unread", "kind", "created_from", "created_to")


def _mine(request):
    return Notification.objects.filter(recipient=request.user, in_app=True)


def _with_links(page: list[Notification]) -> list[Notification]:
    for notification in page:
        notification.link = notice_path(notification)
    return page


@login_required
def notice_centre(request):
    listing = listing_for(request, NoticeFilter,
                          _mine(request).select_related("application__fund")
                          .defer("dedupe_key", "email_error"),
                          rows=_with_links)
    return render(request, "dashboard/notices.html", {"listing": listing}, status=listing.status)


@login_required
@require_POST
def notice_read(request, pk):
    notification = get_object_or_404(_mine(request), pk=pk)
    notices.notification_mark_read(notification_id=notification.pk, by=request.user)
    forget_unread_count(request)
    messages.success(request, _("Marked as read."))
    return redirect(_back(request, reverse("notices")))


@login_required
@require_POST
def notices_read_all(request):
    count = notices.notifications_mark_all_read(by=request.user)
    forget_unread_count(request)
    if count:
        messages.success(request, _("Every notice is marked as read."))
    return redirect(_back(request, reverse("notices")))


# --------------------------------------------------------------------------- preferences

GROUPS = (
    (gettext_lazy("Applications and decisions"), (
        Kind.APPLICATION_SUBMITTED, Kind.APPLICATION_RECEIVED, Kind.INFORMATION_REQUESTED,
        Kind.INFORMATION_ANSWERED, Kind.APPLICATION_APPROVED, Kind.APPLICATION_REJECTED,
        Kind.APPLICATION_EXPIRED, Kind.APPLICATION_WITHDRAWN)),
    (gettext_lazy("Committee and decision clocks"), (
        Kind.SENT_TO_COMMITTEE, Kind.REVIEW_REMINDER, Kind.DECISION_WARNING, Kind.DECISION_OVERDUE)),
    (gettext_lazy("Payments and loans"), (
        Kind.PAYMENT_MADE, Kind.LOAN_PAID_OUT, Kind.INSTALMENT_DUE, Kind.ARREARS_NOTICE)),
    (gettext_lazy("Project reports"), (
        Kind.FINAL_BASELINE_DUE, Kind.REPORT_DUE, Kind.REPORT_OVERDUE, Kind.REPORT_ESCALATED,
        Kind.REPORT_SUBMITTED, Kind.REPORT_RETURNED, Kind.REPORT_ACCEPTED)),
)


def grouped(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """The person's choices by group; a kind no group names yet is listed under "Other notices"."""
    by_kind = {row["kind"]: row for row in rows}
    groups, placed = [], set()
    for title, kinds in GROUPS:
        groups.append((title, [by_kind[kind] for kind in kinds if kind in by_kind]))
        placed.update(kinds)
    rest = [row for row in rows if row["kind"] not in placed]
    if rest:
        groups.append((gettext_lazy("Other notices"), rest))
    return groups


@login_required
def preferences(request):
    """The person's language and which notices also come by e-mail (every notice is shown in Fondos;
    decisions, requests for information, expiries, payments and arrears always come by e-mail)."""
    user = request.user
    errors: list[str] = []
    if request.method == "POST":
        language_form = LanguageForm(request.POST)
        current = {row["kind"]: row for row in notices.preferences_for(user)}
        # The page's boxes as the API's body: a box sends "on" when ticked and nothing when not.
        rows = [{"kind": kind, "in_app": current[kind]["in_app"],
                 "email": True if kind in ESSENTIAL else request.POST.get(f"email-{kind}", False)}
                for kind in Kind.values]
        if not language_form.is_valid():
            errors += language_form.errors["language"]
        else:
            language = language_form.cleaned_data["language"]
            try:
                choices = read_posted(PreferencesSerializer, {}, extra={"preferences": rows})["preferences"]
                notices.preferences_set(user=user, choices=choices)
                accounts.profile_update(user=user, first_name=user.first_name, last_name=user.last_name,
                                        email=user.email, language=language)
            except Invalid as exc:
                errors += [str(error) for messages_ in exc.errors.values() for error in messages_]
        if not errors:
            from django.utils import translation

            with translation.override(language):
                messages.success(request, _("Your preferences are saved."))
            response = redirect("preferences")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
                                secure=request.is_secure())
            return response
    return render(request, "dashboard/preferences.html", {
        "groups": grouped(notices.preferences_for(user)),
        "language_choices": Language.choices,
        "language": user.language,
        "has_email": bool(user.email),
        "errors": errors,
    }, status=400 if errors else 200)


# --------------------------------------------------------------------------- the history of changes


class HistoryPageFilter(AuditHistoryFilter):
    """The API's filters, plus which kind of record (``model``) and, from a record's link, its ``id``."""

    model = filters.ChoiceFilter(method="keep", label=gettext_lazy("Records"), empty_label=None,
                                 choices=[(key, label) for key, label in history.LABELS.items()])
    id = filters.NumberFilter(field_name="id", min_value=1, max_value=2**63 - 1, label=gettext_lazy("Record"))
    page_fields = ("model", "type", "changed_from", "changed_to")

    def keep(self, queryset, name, value):
        return queryset  # the view already read the records of this kind


@login_required
def audit_history(request):
    access = access_for(request.user)
    if not (access.is_auditor or access.is_administrator):
        raise PermissionDenied
    model_key = request.GET.get("model") or "application"
    if model_key not in AUDITED_MODELS:
        model_key = "application"  # the filter reports the unknown value
    listing = listing_for(request, HistoryPageFilter, history.records(model_key),
                          rows=lambda page: history.changes_for(model_key, page))
    return render(request, "dashboard/history.html", {
        "listing": listing, "model_key": model_key, "model_label": history.LABELS[model_key],
        "models": history.LABELS.items(),
    }, status=listing.status)

