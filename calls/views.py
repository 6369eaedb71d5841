"""Pages: the secretariat and administrators manage calls and declare events; staff read an event's
claims; an organisation reads the events that struck its country.

Forms only read what was typed; every rule is in ``calls.services``, shared with the API and the admin.
"""

from __future__ import annotations

import datetime
import json

from babel.numbers import format_decimal
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import Invalid
from core.formats import babel_locale
from funds.models import Fund
from funds.rules.events import EVENT_TYPES
from listing.pages import listing_for
from organizations.access import access_for
from organizations.choices import Country, Product

from . import services
from .events import event_claims
from .filters import CallFilter, EventFilter
from .models import Call, ClimateEvent
from .selectors import calls_visible_to, calls_with_committed

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CallForm(forms.Form):
    fund = forms.ModelChoiceField(Fund.objects.all(), label=gettext_lazy("Fund"))
    title_es = forms.CharField(label=gettext_lazy("Title in Spanish"), max_length=200, required=False)
    title_pt = forms.CharField(label=gettext_lazy("Title in Portuguese"), max_length=200, required=False)
    title_fr = forms.CharField(label=gettext_lazy("Title in French"), max_length=200, required=False)
    title_en = forms.CharField(label=gettext_lazy("Title in English"), max_length=200, required=False)
    budget = forms.CharField(label=gettext_lazy("Budget"), required=False,
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    opens_on = forms.DateField(label=gettext_lazy("Opens on"), required=False, widget=DATE)
    closes_on = forms.DateField(label=gettext_lazy("Closes on"), required=False, widget=DATE,
                                help_text=gettext_lazy("Leave empty for a call that is always open."))
    countries = forms.MultipleChoiceField(label=gettext_lazy("Countries"), choices=Country.choices,
                                          required=False, widget=forms.CheckboxSelectMultiple,
                                          help_text=gettext_lazy("None chosen: every country."))
    products = forms.MultipleChoiceField(label=gettext_lazy("Products"), choices=Product.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple,
                                         help_text=gettext_lazy("None chosen: every product."))
    parameter_overrides = forms.CharField(
        label=gettext_lazy("Parameter overrides"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy('The fund\'s parameters that differ in this call, as JSON, e.g. '
                               '{"decision_limit_days": 20}. Empty: the fund\'s own.'),
    )

    def clean_parameter_overrides(self):
        raw = (self.cleaned_data.get("parameter_overrides") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Write the overrides as JSON, e.g. {\"decision_limit_days\": 20}."))
        return value


class EventForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    event_type = forms.ChoiceField(label=gettext_lazy("Type of event"), required=False,
                                   choices=[("", "—"), *EVENT_TYPES.items()])
    starts_on = forms.DateField(label=gettext_lazy("Started on"), required=False, widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Ended on"), required=False, widget=DATE)
    countries = forms.MultipleChoiceField(label=gettext_lazy("Affected countries"), choices=Country.choices,
                                          required=False, widget=forms.CheckboxSelectMultiple)
    regions = forms.CharField(label=gettext_lazy("Affected regions"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    glide = forms.CharField(label=gettext_lazy("GLIDE number (optional)"), max_length=40, required=False)
    budget = forms.CharField(label=gettext_lazy("Budget of the catastrophic events fund's fast-track call"),
                             required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    climate_budget = forms.CharField(
        label=gettext_lazy("Budget of a climate eventuality fund call (optional)"), required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=gettext_lazy("Leave empty to open a call of the catastrophic events fund only."),
    )
    closes_on = forms.DateField(label=gettext_lazy("The fast-track calls close on"), required=False,
                                widget=DATE)
    decision_limit_days = forms.IntegerField(label=gettext_lazy("Decision within (days)"), required=False,
                                             min_value=1, max_value=365)
    decision_warning_days = forms.IntegerField(label=gettext_lazy("Warning after (days)"), required=False,
                                               min_value=0, max_value=365)


def _manager(request) -> None:
    if not services.may_manage_calls(request.user):
        raise PermissionDenied


def _staff(request):
    access = access_for(request.user)
    if not access.is_clac_staff:
        raise PermissionDenied
    return access


def _form_errors(form, exc: Invalid) -> None:
    for name, reasons in exc.errors.items():
        field = name if name in form.fields else None
        for reason in reasons if isinstance(reasons, list) else [reasons]:
            form.add_error(field, str(reason))


# --------------------------------------------------------------------------- calls


def chosen_call(request, fund) -> Call | None:
    """The call named in the apply page's address (``?call=<id>``, as the open calls on the home page
    and an event's notice link to it): one of ``fund``'s calls that the person may see, or not found."""
    raw = request.GET.get("call", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(
        calls_visible_to(access_for(request.user)).filter(fund=fund).select_related("fund", "event"), pk=raw
    )


@login_required
def call_list(request):
    access = _staff(request)
    listing = listing_for(request, CallFilter, calls_with_committed(
        calls_visible_to(access).select_related("fund", "event")))
    return render(request, "calls/call_list.html", {
        "listing": listing, "may_manage": services.may_manage_calls(request.user),
        "today": timezone.localdate(),
    }, status=listing.status)


def _call_values(data) -> dict:
    values = {name: data[name] for name in ("title_es", "title_pt", "title_fr", "title_en", "budget",
                                           "opens_on", "closes_on", "countries", "products",
                                           "parameter_overrides")}
    return values


@login_required
def call_create(request):
    _manager(request)
    form = CallForm(request.POST or None, initial={"opens_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(by=request.user, fund=form.cleaned_data["fund"],
                                        values=_call_values(form.cleaned_data), locale=babel_locale())
        except Invalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The call “%(call)s” was created.") % {"call": call.title})
            return redirect("calls")
    return render(request, "calls/call_form.html", {"form": form, "call": None},
                  status=400 if form.errors else 200)


@login_required
def call_edit(request, pk):
    _manager(request)
    call = get_object_or_404(Call.objects.select_related("fund"), pk=pk)
    shown = ("title_es", "title_pt", "title_fr", "title_en", "budget", "opens_on", "closes_on", "countries",
             "products")
    initial = {name: getattr(call, name) for name in shown}
    initial["fund"] = call.fund
    initial["budget"] = format_decimal(call.budget, format="#,##0.00", locale=babel_locale())
    initial["parameter_overrides"] = json.dumps(call.parameter_overrides) if call.parameter_overrides else ""
    form = CallForm(request.POST or None, initial=initial)
    form.fields["fund"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(call_id=call.pk, by=request.user, values=_call_values(form.cleaned_data),
                                 locale=babel_locale())
        except Invalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The call was saved."))
            return redirect("calls")
    return render(request, "calls/call_form.html", {"form": form, "call": call},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def call_close(request, pk):
    _manager(request)
    call = get_object_or_404(Call, pk=pk)
    services.call_close(call_id=call.pk, by=request.user)
    messages.success(request, _("The call “%(call)s” is closed: its drafts can no longer be submitted.")
                     % {"call": call.title})
    return redirect("calls")


# --------------------------------------------------------------------------- events


@login_required
def event_list(request):
    _staff(request)
    listing = listing_for(request, EventFilter, ClimateEvent.objects.all())
    return render(request, "calls/event_list.html", {
        "listing": listing, "may_manage": services.may_manage_calls(request.user),
    }, status=listing.status)


@login_required
def event_declare(request):
    _manager(request)
    form = EventForm(request.POST or None, initial={
        "decision_limit_days": services.FAST_TRACK_DECISION_DAYS,
        "decision_warning_days": services.FAST_TRACK_WARNING_DAYS,
        "closes_on": timezone.localdate() + datetime.timedelta(days=services.FAST_TRACK_OPEN_DAYS),
    })
    if request.method == "POST" and form.is_valid():
        values = {name: value for name, value in form.cleaned_data.items() if value not in (None, "", [])}
        values.setdefault("budget", "")
        try:
            event = services.event_declare(by=request.user, values=values, locale=babel_locale())
        except Invalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The event was declared and its fast-track calls are open; the "
                                        "organisations of the affected countries are being notified."))
            return redirect("event", pk=event.pk)
    return render(request, "calls/event_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def event_detail(request, pk):
    """The event, its calls and its claims per country (of the applications the reader may see)."""
    access = access_for(request.user)
    event = get_object_or_404(ClimateEvent, pk=pk)
    if not access.is_clac_staff:
        raise PermissionDenied
    calls = list(calls_with_committed(event.calls.select_related("fund")).order_by("id"))
    claims = event_claims([event], user=request.user)[event.pk]
    for row in claims:
        known = row["country"] in Country.values
        row["country_name"] = Country(row["country"]).label if known else row["country"]
    totals = {name: sum((row[name] for row in claims), 0) for name in ("count", "claimed", "assessed",
                                                                       "awarded", "paid")}
    return render(request, "calls/event_detail.html", {
        "event": event, "calls": calls, "claims": claims, "totals": totals,
        "currency": calls[0].currency if calls else "USD",
        "event_type": EVENT_TYPES.get(event.event_type, event.event_type),
    })
