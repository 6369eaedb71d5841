"""Every change to calls and declared events, and the rules applications follow about their call.

- ``call_create``, ``call_update``, ``call_close``: the secretariat and administrators manage calls.
- ``call_for_new_application`` and ``call_for_submission``: which call an application belongs to, and
  why it cannot be submitted once its call has closed.
- ``call_lock`` and ``call_available``: the approval service locks the call's row (after the fund's)
  and never commits more than the call has left.
- ``event_declare``: a declared event opens fast-track calls and announces itself (``calls.events``):
  notifications tells every organisation of the affected countries in the same transaction.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.errors import Invalid, NotPermitted
from core.money import Money
from core.parsing import parse_amount
from funds.models import Fund
from funds.rules import fund_code_for_events
from funds.rules.base import Parameters
from funds.rules.events import EVENT_CLAIMS, EVENT_PROJECTS, EVENT_TYPES
from organizations.access import access_for
from organizations.choices import Country, Product
from organizations.models import User

from .events import event_declared
from .models import Call, ClimateEvent
from .selectors import call_committed, calls_open_to, next_call

# A fast-track call's decision clock, unless the declaration says otherwise (days from submission).
FAST_TRACK_DECISION_DAYS = 15
FAST_TRACK_WARNING_DAYS = 10
# How long a fast-track call stays open, unless the declaration says otherwise.
FAST_TRACK_OPEN_DAYS = 90
TITLE_FIELDS = ("title_es", "title_pt", "title_fr", "title_en")


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def may_manage_calls(user) -> bool:
    access = access_for(user)
    return access.is_secretariat or access.is_administrator


def _require_manager(user) -> None:
    if not may_manage_calls(user):
        raise NotPermitted(_("Only the fund secretariat and administrators manage calls."))


# --------------------------------------------------------------------------- parameters


def call_parameters(call: Call | None, parameters: Parameters, fund: Fund) -> Parameters:
    """``fund``'s ``parameters`` with the call's overrides applied."""
    if call is None or not call.parameter_overrides:
        return parameters
    return fund.rules.parse_parameters({**parameters.as_json(), **call.parameter_overrides})


def override_errors(fund: Fund, overrides) -> list[str]:
    if not isinstance(overrides, dict):
        return [_("Give the overrides as an object of parameter names and values.")]
    current = fund.parameters_on(timezone.localdate())
    try:
        merged = fund.rules.parse_parameters({**current.as_json(), **overrides})
    except (ValueError, KeyError, TypeError) as exc:
        return [str(exc)]
    if merged.decision_warning_days > merged.decision_limit_days:
        return [_("The decision warning cannot come after the decision limit.")]
    return []


# --------------------------------------------------------------------------- managing calls


def _parse_budget(raw, currency: str, errors: dict, field: str = "budget", locale: str | None = None
                  ) -> Decimal | None:
    """The budget as ``core.parsing.parse_amount`` reads it (as the page's locale writes numbers when
    ``locale`` is given); a problem goes into ``errors``."""
    try:
        return parse_amount(raw, currency, locale, field=field)
    except Invalid as exc:
        errors.update(exc.errors)
        return None


def _clean(fund: Fund, values: dict[str, Any], errors: dict, *, call: Call | None = None,
           locale: str | None = None) -> dict[str, Any]:
    """The call's fields from ``values``, every problem collected in ``errors``."""
    cleaned: dict[str, Any] = {}
    for name in TITLE_FIELDS:
        if name in values:
            cleaned[name] = (values.get(name) or "").strip()[:200]
    if (call is None or "title_es" in cleaned) and not cleaned.get("title_es"):
        errors["title_es"] = [_("Give the call a title in Spanish.")]
    if call is None or "budget" in values:
        budget = _parse_budget(values.get("budget", ""), fund.currency, errors, locale=locale)
        if budget is not None:
            if call is not None:
                committed = call_committed(call)
                if budget < committed:
                    errors["budget"] = [_("The call has already committed %(committed)s; its budget "
                                          "cannot be less.") % {"committed": Money(committed, call.currency)}]
            cleaned["budget"] = budget
    opens_on = values.get("opens_on", call.opens_on if call else None)
    closes_on = values.get("closes_on", call.closes_on if call else None)
    if opens_on is None:
        errors["opens_on"] = [_("Give the date the call opens.")]
    elif closes_on is not None and closes_on < opens_on:
        errors["closes_on"] = [_("The call cannot close before it opens.")]
    cleaned["opens_on"], cleaned["closes_on"] = opens_on, closes_on
    if "countries" in values:
        countries = sorted({str(code).upper() for code in values.get("countries") or []})
        unknown = [code for code in countries if code not in Country.values]
        if unknown:
            errors["countries"] = [_("Unknown countries: %s.") % ", ".join(unknown)]
        cleaned["countries"] = countries
    if "products" in values:
        products = sorted(set(values.get("products") or []))
        unknown = [code for code in products if code not in Product.values]
        if unknown:
            errors["products"] = [_("Unknown products: %s.") % ", ".join(unknown)]
        cleaned["products"] = products
    if "parameter_overrides" in values:
        overrides = values.get("parameter_overrides") or {}
        problems = override_errors(fund, overrides)
        if problems:
            errors["parameter_overrides"] = problems
        cleaned["parameter_overrides"] = overrides
    return cleaned


def call_create(*, by: User, fund: Fund, values: dict[str, Any], event: ClimateEvent | None = None,
                locale: str | None = None) -> Call:
    """A new call of ``fund``: ``values`` holds the titles, ``budget``, ``opens_on``, ``closes_on`` (None:
    always open), ``countries``, ``products`` and ``parameter_overrides``. The budget is read as the API
    writes amounts, or as ``locale`` writes numbers (the pages)."""
    _require_manager(by)
    errors: dict[str, list] = {}
    cleaned = _clean(fund, values, errors, locale=locale)
    if errors:
        raise Invalid(errors)
    return Call.objects.create(fund=fund, currency=fund.currency, created_by=by, event=event, **cleaned)


def call_update(*, call_id: int, by: User, values: dict[str, Any], locale: str | None = None) -> Call:
    _require_manager(by)
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("fund").get(pk=call_id)
        errors: dict[str, list] = {}
        cleaned = _clean(call.fund, values, errors, call=call, locale=locale)
        if errors:
            raise Invalid(errors)
        for name, value in cleaned.items():
            setattr(call, name, value)
        call.save()
    return call


def call_close(*, call_id: int, by: User) -> Call:
    """Close the call now: drafts in it can no longer be submitted; what was submitted goes on."""
    _require_manager(by)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_id)
        if call.closed_at is None:
            today = timezone.localdate()
            call.closed_at = timezone.now()
            call.closed_by = by
            if call.closes_on is None or call.closes_on > today:
                call.closes_on = max(today, call.opens_on)
            call.save(update_fields=["closed_at", "closed_by", "closes_on", "search_text"])
    return call


# --------------------------------------------------------------------------- applications and their call


def call_initial_fields(call: Call | None) -> dict[str, Any]:
    """What an application in ``call`` starts with: for an event's call, what its fund's rules take from
    the event (the catastrophic events fund's form asks for its type and dates)."""
    if call is None or call.event_id is None:
        return {}
    return call.fund.rules.fields_from_event(call.event)


def call_for_new_application(*, fund: Fund, organization, chosen: Call | None = None,
                             day: datetime.date | None = None) -> Call | None:
    """The call a new draft belongs to: the one chosen, which must be open to the organisation, or
    the fund's open call for it. None when the fund has no open call for it (the draft waits; it is
    placed in a call when submitted)."""
    day = day or timezone.localdate()
    if chosen is not None:
        if chosen.fund_id != fund.pk:
            raise Invalid({"call": [_("This call belongs to another fund.")]})
        if not chosen.is_open_on(day):
            raise Invalid({"call": [_closed_message(chosen, day)]})
        if not chosen.is_for(organization):
            raise Invalid({"call": [_("This call is not open to organisations of your country or "
                                      "products.")]})
        return chosen
    open_calls = calls_open_to(organization, day=day, fund=fund)
    return open_calls[0] if open_calls else None


def _closed_message(call: Call, day: datetime.date) -> str:
    if call.opens_on > day and call.closed_at is None:
        return _("The call “%(call)s” opens on %(date)s.") % {"call": call.title, "date": _day(call.opens_on)}
    closed_on = call.closes_on or timezone.localdate(call.closed_at)
    text = _("The call “%(call)s” closed on %(date)s.") % {"call": call.title, "date": _day(closed_on)}
    return f"{text} {_next_call_sentence(call.fund, day)}"


def _next_call_sentence(fund: Fund, day: datetime.date) -> str:
    upcoming = next_call(fund, after=day)
    if upcoming is None:
        return _("No other call of this fund is scheduled yet.")
    return _("The next call of this fund, “%(call)s”, opens on %(date)s.") % {
        "call": upcoming.title, "date": _day(upcoming.opens_on)}


def call_for_submission(application, *, day: datetime.date) -> tuple[Call | None, list[str]]:
    """The call the application is submitted in, and why it cannot be (its call has closed).

    A fund that has never had a call works as before calls existed (the fund's balance only). A draft
    started while no call was open is placed in the call open now."""
    call = application.call if application.call_id else None
    if call is not None:
        if not call.is_open_on(day):
            return call, [_closed_message(call, day)]
        return call, []
    fund = application.fund
    if not Call.objects.filter(fund=fund).exists():
        return None, []
    open_calls = calls_open_to(application.organization, day=day, fund=fund)
    if open_calls:
        return open_calls[0], []
    return None, [_("No call of this fund is open to your organisation now.") + " "
                  + _next_call_sentence(fund, day)]


def call_lock(call_id: int | None) -> Call | None:
    """Lock the call's row until the transaction ends (taken after the fund's, always in that order)."""
    if call_id is None:
        return None
    return Call.objects.select_for_update().get(pk=call_id)


def call_available(call: Call) -> Money:
    """What the call can still commit: its budget less what its applications hold committed."""
    return Money(call.budget - call_committed(call), call.currency)


def call_over_budget_message(call: Call, requested: Money, available: Money) -> str:
    return _("The call “%(call)s” has %(available)s left of its budget; %(requested)s cannot be "
             "committed.") % {"call": call.title, "available": available, "requested": requested}


# --------------------------------------------------------------------------- declared events


def _event_errors(values: dict[str, Any]) -> dict[str, list]:
    errors: dict[str, list] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("Give the event's name, e.g. Hurricane Sara.")]
    if values.get("event_type") not in EVENT_TYPES:
        errors["event_type"] = [_("Choose the type of event.")]
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    today = timezone.localdate()
    if starts_on is None:
        errors["starts_on"] = [_("Give the date the event started.")]
    elif starts_on > today:
        errors["starts_on"] = [_("An event is declared once it has started.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The event cannot end before it started.")]
    countries = values.get("countries") or []
    if not countries:
        errors["countries"] = [_("Choose at least one affected country.")]
    elif any(code not in Country.values for code in countries):
        errors["countries"] = [_("Unknown countries: %s.") % ", ".join(
            code for code in countries if code not in Country.values)]
    limit, warning = values.get("decision_limit_days"), values.get("decision_warning_days")
    if not isinstance(limit, int) or limit < 1:
        errors["decision_limit_days"] = [_("Give the decision limit in days (1 or more).")]
    elif not isinstance(warning, int) or warning < 0 or warning > limit:
        errors["decision_warning_days"] = [_("The warning comes before the decision limit.")]
    closes_on = values.get("closes_on")
    if closes_on is None or closes_on < today:
        errors["closes_on"] = [_("The fast-track call closes today or later.")]
    glide = (values.get("glide") or "").strip()
    if glide and ClimateEvent.objects.filter(glide=glide).exists():
        errors["glide"] = [_("An event with this GLIDE number was already declared.")]
    return errors


def event_declare(*, by: User, values: dict[str, Any], locale: str | None = None) -> ClimateEvent:
    """Declare a climate event: ``name``, ``event_type``, ``starts_on``, ``ends_on``, ``countries``,
    ``regions``, ``glide``, the catastrophic fund's fast-track ``budget``, optionally ``climate_budget``
    (a call of the climate eventuality fund too), ``closes_on``, ``decision_limit_days`` and
    ``decision_warning_days`` (the fast-track decision clock)."""
    _require_manager(by)
    values = {
        "decision_limit_days": FAST_TRACK_DECISION_DAYS, "decision_warning_days": FAST_TRACK_WARNING_DAYS,
        "closes_on": timezone.localdate() + datetime.timedelta(days=FAST_TRACK_OPEN_DAYS), **values,
    }
    values["countries"] = sorted({str(code).upper() for code in values.get("countries") or []})
    errors = _event_errors(values)
    catastrophic = Fund.objects.get(code=fund_code_for_events(EVENT_CLAIMS))
    climate = Fund.objects.get(code=fund_code_for_events(EVENT_PROJECTS))
    budget = _parse_budget(values.get("budget", ""), catastrophic.currency, errors, locale=locale)
    wants_climate = values.get("climate_budget") not in (None, "")
    if wants_climate:
        climate_budget = _parse_budget(values["climate_budget"], climate.currency, errors,
                                       field="climate_budget", locale=locale)
    if errors:
        raise Invalid(errors)
    overrides = {"decision_limit_days": values["decision_limit_days"],
                 "decision_warning_days": values["decision_warning_days"]}
    with transaction.atomic():
        event = ClimateEvent.objects.create(
            name=values["name"].strip()[:200], event_type=values["event_type"], starts_on=values["starts_on"],
            ends_on=values.get("ends_on"), countries=values["countries"],
            regions=(values.get("regions") or "").strip(), glide=(values.get("glide") or "").strip() or None,
            declared_by=by,
        )
        calls = [(catastrophic, budget)]
        if wants_climate:
            calls.append((climate, climate_budget))
        for fund, budget in calls:
            call_values = {
                **_event_titles(event, fund), "budget": budget, "opens_on": timezone.localdate(),
                "closes_on": values["closes_on"], "countries": event.countries,
                "parameter_overrides": overrides,
            }
            call_create(by=by, fund=fund, values=call_values, event=event)
        event_declared(event=event)
    return event


def _event_titles(event: ClimateEvent, fund: Fund) -> dict[str, str]:
    from django.utils.translation import override

    titles = {}
    for name in TITLE_FIELDS:
        with override(name[-2:]):
            titles[name] = (_("%(fund)s: fast track for %(event)s")
                            % {"fund": fund.name, "event": event.name})[:200]
    return titles
