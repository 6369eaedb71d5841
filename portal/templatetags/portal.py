"""Money, percentages and states, formatted for the language the page is in."""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal
from django import template
from django.utils.translation import get_language

from core.money import Money

register = template.Library()

# Babel locales for the page's language; Spanish follows Django's own "es" formats (decimal comma).
BABEL_LOCALES = {"es": "es", "pt": "pt_BR", "fr": "fr", "en": "en"}


def babel_locale() -> str:
    return BABEL_LOCALES.get((get_language() or "es")[:2], "es_419")


def _decimal(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def money(value, currency=None):
    """``{{ amount|money:"USD" }}`` or ``{{ money_object|money }}``: e.g. "US$ 1.500,00" in Spanish."""
    if isinstance(value, Money):
        value, currency = value.amount, value.currency
    amount = _decimal(value)
    if amount is None:
        return "—"
    return format_currency(amount, currency or "USD", locale=babel_locale())


@register.filter
def number(value, decimals=None):
    amount = _decimal(value)
    if amount is None:
        return "—"
    pattern = None
    if decimals is not None:
        pattern = "#,##0." + "0" * int(decimals) if int(decimals) else "#,##0"
    return format_decimal(amount, format=pattern, locale=babel_locale())


@register.filter
def number_input(value):
    """A stored number as an input of the page shows it ("4.000,50" in Spanish); empty for none."""
    from portal.numbers import number_input_value

    return number_input_value(value)


@register.filter
def percent(value):
    """A percent number ("31.50") as "31,50 %" in Spanish."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    return format_decimal(amount, format="#,##0.00", locale=babel_locale()) + " %"


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.simple_tag
def user_access(user):
    from organizations.access import access_for

    return access_for(user)


@register.filter
def status_class(status):
    """A CSS class per state family, for the state badges."""
    if status in ("approved", "conditions_accepted", "in_execution", "reporting", "closed"):
        return "good"
    if status in ("rejected", "withdrawn", "expired"):
        return "bad"
    if status == "information_requested":
        return "warn"
    return "neutral"


@register.filter
def absolute(value):
    return abs(value) if value is not None else value


@register.simple_tag
def clock(application):
    """The decision clock as ``_clock.html`` writes it, without an include per row (lists of 50)."""
    from django.utils.html import format_html
    from django.utils.translation import ngettext

    days = getattr(application, "days_left", None)
    if days is None:
        return "—"
    css = " bad" if days < 0 else " warn" if days <= 7 else ""
    if days >= 0:
        text = ngettext("%(days)s day left", "%(days)s days left", days) % {"days": days}
    else:
        text = ngettext("%(days)s day late", "%(days)s days late", -days) % {"days": -days}
    return format_html('<span class="clock{}">{}</span>', css, text)
