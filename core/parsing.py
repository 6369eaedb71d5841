"""Reading amounts, numbers and dates that people and API clients send: one reader of each, everywhere.

:func:`read_localised` is the one reader of numbers as a language writes them (``4.000,50`` in es and
pt, ``4 000,50`` in fr, ``4,000.50`` in en). :func:`parse_amount` reads an amount in a currency with it
(``locale=``) or in the API's plain form, and refuses more decimals than the currency has; the API's
amount fields (:class:`core.fields.AmountField`) read with it too, and pages read every number they are
given with :func:`parse_number` (the language's way, or the plain way).

Amounts and dates are refused with :class:`core.errors.Invalid`, whose ``errors`` name the field, so
that a service, an API view and a page give the same translated answer.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .errors import Invalid
from .money import minor_unit, quantize

# Whole-number digits of the largest amount any amount column holds (14 digits, 2 of them decimals):
# more is refused as bad input before the database would refuse it with an error.
MAX_WHOLE_DIGITS = 12

# Dates outside these years are typing mistakes (0001-01-01, 9999-12-31), never real events.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)

# Spaces people type between thousands (space, no-break space, narrow no-break space, thin space).
_SPACES = re.compile("[ \u00a0\u202f\u2009]")
_ISO_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_amount(text, currency: str, locale: str | None = None, *, field: str = "amount") -> Decimal:
    """The positive amount ``text`` gives in ``currency``, with exactly the currency's decimals.

    ``text`` is a string, a ``Decimal`` or an ``int`` (a JSON number arrives as its text).

    ``locale`` (a Babel locale name such as ``"es"``, ``"pt_BR"``, ``"fr"`` or ``"en"``) reads the text
    as people of that locale write numbers (:func:`read_localised`), and only so: ``4.000,50`` in es and
    pt, ``4 000,50`` in fr, ``4,000.50`` in en. Without a locale the text is the machine form the API
    speaks: ``4000.50``, a point for decimals and no thousands separator.

    Refused, with :class:`core.errors.Invalid` naming ``field``: text that is not a number, zero or less,
    more than twelve whole digits, and more decimals than the currency has (``0.5`` of a guaraní,
    ``10.001`` dollars): an amount is never rounded silently.
    """
    amount = read_amount(text, locale, field=field)
    unit = minor_unit(currency)
    if amount != quantize(amount, unit):
        raise Invalid({field: [_("The amount has more decimals than the currency allows.")]})
    return quantize(amount, unit)


def read_amount(text, locale: str | None = None, *, field: str = "amount") -> Decimal:
    """The positive amount ``text`` gives, read as :func:`parse_amount` reads it, before its currency is
    known (an API serializer's field): the currency's decimals are checked by :func:`parse_amount`."""
    amount = _machine_amount(text, field) if locale is None else _local_amount(text, locale, field)
    if not amount.is_finite() or amount <= 0:
        raise Invalid({field: [_("The amount must be more than zero.")]})
    if amount.adjusted() >= MAX_WHOLE_DIGITS:
        raise Invalid({field: [_("The amount is too large.")]})
    return amount


def _machine_amount(text, field: str) -> Decimal:
    if isinstance(text, bool):
        raise Invalid({field: [_("Give an amount such as 1500.00.")]})
    try:
        return Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise Invalid({field: [_("Give an amount such as 1500.00.")]}) from None


def _local_amount(text, locale: str, field: str) -> Decimal:
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        return Decimal(text)
    babel_locale = _babel_locale(locale)
    amount = read_localised(text, babel_locale)
    if amount is None:
        example = format_decimal(Decimal("1500.00"), format="#,##0.00", locale=babel_locale)
        raise Invalid({field: [_("Give an amount such as %(example)s.") % {"example": example}]})
    return amount


def _babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


def read_localised(text, locale: str | Locale) -> Decimal | None:
    """The number ``text`` writes as people of ``locale`` write numbers; ``None`` when it is written any
    other way. The one reader of numbers people type, for amounts and every other number of a page.

    ``4.000,50`` in es and pt, ``4 000,50`` in fr (any space between thousands: plain, no-break, narrow
    no-break or thin), ``4,000.50`` in en. Thousands separators are optional but, when present, group
    exactly three digits after a first group of one to three that does not start with 0. A decimal
    separator with nothing after it is read as none (``4000,``). Only ASCII digits, an optional sign and
    the locale's two separators are read (no exponent, no currency sign, no ``NaN``); the other
    locales' separators are refused.
    """
    babel_locale = locale if isinstance(locale, Locale) else _babel_locale(locale)
    point, group = get_decimal_symbol(babel_locale), get_group_symbol(babel_locale)
    raw = str(text if text is not None else "").strip()
    if _SPACES.fullmatch(group):
        raw, group = _SPACES.sub(" ", raw), " "
    sign = ""
    if raw and raw[0] in "+-":
        sign, raw = raw[0], raw[1:]
    whole, separated, fraction = raw.partition(point)
    groups = whole.split(group)
    well_formed = (
        all(part.isdigit() and part.isascii() for part in groups)
        and (len(groups) == 1 or (len(groups[0]) <= 3 and not groups[0].startswith("0")
                                  and all(len(part) == 3 for part in groups[1:])))
        and (not fraction or (fraction.isdigit() and fraction.isascii()))
    )
    if not well_formed:
        return None
    return Decimal(f"{sign}{''.join(groups)}.{fraction or '0'}")


# --------------------------------------------------------------------------- numbers on pages

# Babel's locale for each language of the pages (Brazilian Portuguese: the OPPs that write Portuguese).
PAGE_LOCALES = {"es": "es", "pt": "pt_BR", "fr": "fr", "en": "en"}
# The machine form: what the API sends and what a page may always be given instead of its own way.
_PLAIN = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_EXAMPLE = Decimal("4000.50")


class NumberUnreadable(ValueError):
    """A number written in neither the language's way nor the plain way; ``str()`` says how to write it."""


def locale_for(language: str | None = None) -> str:
    """The Babel locale of a page's language (the active language when none is given)."""
    return PAGE_LOCALES.get((language or get_language() or "es")[:2], "es")


def number_hint(language: str | None = None) -> str:
    """The translated message that says how to write a number, with examples in the language."""
    locale = locale_for(language)
    return _("Write the number as %(example)s (or %(plain)s), with no currency sign.") % {
        "example": format_decimal(_EXAMPLE, format="#,##0.00", locale=locale),
        "plain": format_decimal(_EXAMPLE, format="0.00", locale=locale),
    }


def parse_number(text, language: str | None = None) -> Decimal | None:
    """A number a page was given (``None`` when empty): as the page's language writes it
    (:func:`read_localised`) or in the API's plain form; :class:`NumberUnreadable` when neither.

    >>> parse_number("4.000,50", "es"), parse_number("4 000,50", "fr"), parse_number("4000.50", "es")
    (Decimal('4000.50'), Decimal('4000.50'), Decimal('4000.50'))
    """
    raw = str(text if text is not None else "").strip()
    if not raw:
        return None
    value = read_localised(raw, locale_for(language))
    if value is None and _PLAIN.fullmatch(raw):
        value = Decimal(raw)
    if value is None:
        raise NumberUnreadable(number_hint(language))
    return value


def plain_number(text, language: str | None = None) -> str:
    """A number a page was given, as the API's plain decimal string (``""`` when empty); left as it was
    when it cannot be read, for the API's serializer to refuse."""
    try:
        value = parse_number(text, language)
    except NumberUnreadable:
        return str(text).strip()
    return "" if value is None else format(value, "f")


def is_unreadable(text, language: str | None = None) -> bool:
    try:
        parse_number(text, language)
    except NumberUnreadable:
        return True
    return False


def parse_date(text, field: str = "date") -> datetime.date:
    """The day ``text`` names, written ``YYYY-MM-DD`` (ISO 8601, as the API and date inputs send it).

    ``text`` may already be a ``datetime.date``. Refused, with :class:`core.errors.Invalid` naming
    ``field``: any other form, a day that does not exist (2026-02-30), and a year before 1900 or after
    2100 (a typing mistake, never a real event).
    """
    if isinstance(text, datetime.datetime):
        day = text.date()
    elif isinstance(text, datetime.date):
        day = text
    else:
        raw = str(text if text is not None else "").strip()
        try:
            if not _ISO_DATE.fullmatch(raw):
                raise ValueError(raw)
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            raise Invalid({field: [_("Give a date such as 2026-05-31.")]}) from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise Invalid({field: [_("Give a date between 1900 and 2100.")]})
    return day
