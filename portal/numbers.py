"""Numbers as the person's language writes them: read from page forms, written back into their inputs.

Pages read every number they are given through :func:`parse_number`, which accepts the page language's
own way (4.000,50 in Spanish and Portuguese, 4 000,50 in French, with a plain, no-break or narrow no-break
space, 4,000.50 in English) and the plain form the API uses (4000.50). A number written any other way is
refused with :func:`number_hint`, which says how to write it, with an example in that language. The API
keeps plain decimal strings and never goes through this module.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, get_group_symbol, parse_decimal
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Babel's locale for each language of the pages (Brazilian Portuguese: the OPPs that write Portuguese).
LOCALES = {"es": "es", "pt": "pt_BR", "fr": "fr", "en": "en"}
SPACES = (" ", "\u00a0", "\u202f")
PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")
# Digits, a sign and separators only: no exponents, currency signs or words.
WRITTEN = re.compile(r"^[+-]?[0-9][0-9.,'\u00a0\u202f ]*$")
EXAMPLE = Decimal("4000.50")


class NumberFormatInvalid(ValueError):
    """A number written in neither the language's way nor the plain way; ``str()`` says how to write it."""


def locale_for(language: str | None = None) -> str:
    return LOCALES.get((language or get_language() or "es")[:2], "es")


def number_hint(language: str | None = None) -> str:
    """The translated message that says how to write a number, with examples in the language."""
    locale = locale_for(language)
    return _("Write the number as %(example)s (or %(plain)s), with no currency sign.") % {
        "example": format_decimal(EXAMPLE, format="#,##0.00", locale=locale),
        "plain": format_decimal(EXAMPLE, format="0.00", locale=locale),
    }


def parse_number(raw, language: str | None = None) -> Decimal | None:
    """The number in ``raw`` (``None`` when empty); :class:`NumberFormatInvalid` when it cannot be read.

    >>> parse_number("4.000,50", "es"), parse_number("4 000,50", "fr"), parse_number("4000.50", "es")
    (Decimal('4000.50'), Decimal('4000.50'), Decimal('4000.50'))
    """
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    if not WRITTEN.match(text):
        raise NumberFormatInvalid(number_hint(language))
    locale = locale_for(language)
    group = get_group_symbol(locale)
    if group in SPACES:
        for space in SPACES:
            text = text.replace(space, group)
    try:
        value = parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        if not PLAIN.match(text):
            raise NumberFormatInvalid(number_hint(language)) from None
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            raise NumberFormatInvalid(number_hint(language)) from None
    if not value.is_finite():
        raise NumberFormatInvalid(number_hint(language))
    return value


def plain_number(raw, language: str | None = None) -> str:
    """``raw`` as the API's plain decimal string; left as it was (for the API's own error) when unreadable."""
    try:
        value = parse_number(raw, language)
    except NumberFormatInvalid:
        return str(raw).strip()
    return "" if value is None else format(value, "f")


def is_unreadable(raw, language: str | None = None) -> bool:
    try:
        parse_number(raw, language)
    except NumberFormatInvalid:
        return True
    return False


def number_input_value(value, language: str | None = None) -> str:
    """A stored number (``"4000.50"``) as an input shows it in the language (``"4.000,50"``); text as is."""
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
