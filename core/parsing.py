"""Reading amounts and dates that people and API clients send: one parser of each, everywhere.

Both refuse bad input with :class:`core.errors.Invalid`, whose ``errors`` name the field, so that a
service, an API view and a page give the same translated answer.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
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
    as people of that locale write numbers: ``4.000,50`` in es and pt, ``4 000,50`` in fr (any space
    between thousands), ``4,000.50`` in en. Thousands separators are optional but, when present, group
    exactly three digits; the other locales' separators are refused. Without a locale the text is the
    machine form the API speaks: ``4000.50``, a point for decimals and no thousands separator.

    Refused, with :class:`core.errors.Invalid` naming ``field``: text that is not a number, zero or less,
    more than twelve whole digits, and more decimals than the currency has (``0.5`` of a guaraní,
    ``10.001`` dollars): an amount is never rounded silently.
    """
    amount = _machine_amount(text, field) if locale is None else _local_amount(text, locale, field)
    if not amount.is_finite() or amount <= 0:
        raise Invalid({field: [_("The amount must be more than zero.")]})
    if amount.adjusted() >= MAX_WHOLE_DIGITS:
        raise Invalid({field: [_("The amount is too large.")]})
    unit = minor_unit(currency)
    if amount != quantize(amount, unit):
        raise Invalid({field: [_("The amount has more decimals than the currency allows.")]})
    return quantize(amount, unit)


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
    try:
        babel_locale = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        babel_locale = Locale.parse("en")
    point, group = get_decimal_symbol(babel_locale), get_group_symbol(babel_locale)
    raw = str(text if text is not None else "").strip()
    if _SPACES.fullmatch(group):
        raw, group = _SPACES.sub(" ", raw), " "
    sign = ""
    if raw and raw[0] in "+-":
        sign, raw = raw[0], raw[1:]
    whole, _sep, fraction = raw.partition(point)
    groups = whole.split(group)
    well_formed = (
        all(part.isdigit() and part.isascii() for part in groups)
        and (len(groups) == 1 or (len(groups[0]) <= 3 and all(len(part) == 3 for part in groups[1:])))
        and (not _sep or (fraction.isdigit() and fraction.isascii()))
    )
    if not well_formed:
        example = format_decimal(Decimal("1500.00"), format="#,##0.00", locale=babel_locale)
        raise Invalid({field: [_("Give an amount such as %(example)s.") % {"example": example}]})
    return Decimal(f"{sign}{''.join(groups)}.{fraction or '0'}")


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
