"""Numbers as the page's language writes them (Babel): 21.068,5 in es and pt, 21 068,5 in fr,
21,068.5 in en."""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from django.utils.translation import get_language

from .parsing import locale_for

# Babel locales for the page's language; Spanish follows Django's own "es" formats (decimal comma).
BABEL_LOCALES = {"es": "es", "pt": "pt_BR", "fr": "fr", "en": "en"}


def babel_locale() -> str:
    return BABEL_LOCALES.get((get_language() or "es")[:2], "es_419")


def as_decimal(value) -> Decimal | None:
    """``value`` as a Decimal, or None when it is empty or not a number."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value, decimals=None) -> str:
    """``value`` grouped by thousands, with ``decimals`` decimals when given ("—" when not a number)."""
    amount = as_decimal(value)
    if amount is None:
        return "—"
    pattern = None
    if decimals is not None:
        pattern = "#,##0." + "0" * int(decimals) if int(decimals) else "#,##0"
    return format_decimal(amount, format=pattern, locale=babel_locale())


def percent(value) -> str:
    """A percent number ("31.50") as "31,50 %" in Spanish."""
    amount = as_decimal(value)
    if amount is None:
        return "—"
    return format_decimal(amount, format="#,##0.00", locale=babel_locale()) + " %"


def number_input_value(value, language: str | None = None) -> str:
    """A stored number (``"4000.50"``) as a page's input shows it in the language (``"4.000,50"``), which
    :func:`core.parsing.parse_number` reads back; text that is not a number as it is."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    places = max(0, -number.as_tuple().exponent)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(number, format=pattern, locale=locale_for(language))
