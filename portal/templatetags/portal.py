"""Money, percentages and states, formatted for the language the page is in."""

import re
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision
from django import template

from core.formats import as_decimal as _decimal
from core.formats import babel_locale, number, percent
from core.money import Money

register = template.Library()

register.filter("number", number)
register.filter("percent", percent)


@register.filter
def money(value, currency=None):
    """``{{ amount|money:"USD" }}`` or ``{{ money_object|money }}``: e.g. "US$ 1.500,00" in Spanish."""
    if isinstance(value, Money):
        value, currency = value.amount, value.currency
    amount = _decimal(value)
    if amount is None:
        return "—"
    return format_money(amount, currency or "USD", babel_locale())


def format_money(amount: Decimal, currency: str, locale: str) -> str:
    """What ``babel.numbers.format_currency`` writes, without its cost on every value of a list: Babel
    writes one probe amount per locale and currency, and its shape (signs, symbol, separators) is
    reused. Anything the shape does not cover (not finite, negative zero) goes to Babel."""
    shape = _money_shape(locale, currency)
    if shape is None or not amount.is_finite():
        return format_currency(amount, currency, locale=locale)
    digits, plus, minus, group, decimal = shape
    rounded = amount.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN)
    if rounded.is_signed() and not rounded:
        return format_currency(amount, currency, locale=locale)
    before, after = minus if rounded < 0 else plus
    text = f"{abs(rounded):,.{digits}f}"
    if digits:
        whole, fraction = text.split(".")
        return f"{before}{whole.replace(',', group)}{decimal}{fraction}{after}"
    return f"{before}{text.replace(',', group)}{after}"


_PROBE_FRACTION = "987654321"


@lru_cache(maxsize=256)
def _money_shape(locale: str, currency: str):
    """(digits, (prefix, suffix), (negative prefix, negative suffix), group, decimal) as Babel writes
    ``currency`` in ``locale``, read from a probe and checked on a few amounts; None if it is not of
    that shape (Babel then writes every amount)."""
    digits = get_currency_precision(currency)
    fraction = _PROBE_FRACTION[:digits]
    probe = Decimal(f"1234567.{fraction}") if digits else Decimal(1234567)
    pattern = re.compile(r"^(\D*)1(?P<group>\D+)234(?P=group)567" + (rf"(\D+){fraction}" if digits else "()")
                         + r"(\D*)$")
    found = [pattern.match(format_currency(value, currency, locale=locale)) for value in (probe, -probe)]
    if not all(found):
        return None
    plus, minus = ((m.group(1), m.group(4)) for m in found)
    shape = (digits, plus, minus, found[0].group("group"), found[0].group(3))
    if found[1].group("group") != shape[3] or found[1].group(3) != shape[4]:
        return None
    for sample in ("0", "7.5", "-0.5", "999.994", "1000", "-12345.678", "100000000.125"):
        value = Decimal(sample)
        rounded = value.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_EVEN)
        before, after = minus if rounded < 0 else plus
        text = f"{abs(rounded):,.{digits}f}"
        if digits:
            whole, part = text.split(".")
            text = f"{before}{whole.replace(',', shape[3])}{shape[4]}{part}{after}"
        else:
            text = f"{before}{text.replace(',', shape[3])}{after}"
        if text != format_currency(value, currency, locale=locale):
            return None
    return shape


@register.filter
def number_input(value):
    """A stored number as an input of the page shows it ("4.000,50" in Spanish); empty for none."""
    from core.formats import number_input_value

    return number_input_value(value)


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
