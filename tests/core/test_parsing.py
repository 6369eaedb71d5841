"""One amount parser and one date parser for services, the API and the pages."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from core.errors import Invalid
from core.money import minor_unit
from core.parsing import parse_amount, parse_date


@pytest.mark.parametrize(
    ("text", "currency", "locale", "expected"),
    [
        ("4000.50", "USD", None, "4000.50"),
        ("4000.5", "USD", None, "4000.50"),
        (" 1500 ", "PYG", None, "1500"),
        (Decimal("12.5"), "USD", None, "12.50"),
        (7, "CLP", None, "7"),
        ("0.0001", "CLF", None, "0.0001"),
        ("4.000,50", "USD", "es", "4000.50"),
        ("4000,50", "USD", "es", "4000.50"),
        ("1.234.567,8", "USD", "pt_BR", "1234567.80"),
        ("4 000,50", "USD", "fr", "4000.50"),
        ("4\u00a0000,50", "USD", "fr", "4000.50"),
        ("4\u202f000,50", "EUR", "fr", "4000.50"),
        ("4,000.50", "USD", "en", "4000.50"),
        ("4000.50", "USD", "en", "4000.50"),
        ("1.500", "PYG", "es", "1500"),
    ],
)
def test_amounts_read_in_the_currency_and_locale(text, currency, locale, expected):
    amount = parse_amount(text, currency, locale)
    assert str(amount) == expected
    assert amount == amount.quantize(minor_unit(currency))


@pytest.mark.parametrize(
    ("text", "currency", "locale", "message"),
    [
        ("10.001", "USD", None, "The amount has more decimals than the currency allows."),
        ("0.5", "PYG", None, "The amount has more decimals than the currency allows."),
        ("1.500,5", "PYG", "es", "The amount has more decimals than the currency allows."),
        ("0", "USD", None, "The amount must be more than zero."),
        ("-3", "USD", None, "The amount must be more than zero."),
        ("NaN", "USD", None, "The amount must be more than zero."),
        ("1e20", "USD", None, "The amount is too large."),
        ("1000000000000", "USD", None, "The amount is too large."),
        ("abc", "USD", None, "Give an amount such as 1500.00."),
        (True, "USD", None, "Give an amount such as 1500.00."),
        ("", "USD", None, "Give an amount such as 1500.00."),
        ("4000.50", "USD", "es", "Give an amount such as 1.500,00."),
        ("1.5", "USD", "es", "Give an amount such as 1.500,00."),
        ("4,000.50", "USD", "fr", "Give an amount such as 1\u202f500,00."),
        ("4.000,50", "USD", "en", "Give an amount such as 1,500.00."),
        ("40,00,000.50", "USD", "en", "Give an amount such as 1,500.00."),
        ("", "USD", "en", "Give an amount such as 1,500.00."),
    ],
)
def test_bad_amounts_are_refused_with_the_field_named(text, currency, locale, message):
    with translation.override("en"), pytest.raises(Invalid) as refused:
        parse_amount(text, currency, locale, field="paid")
    assert refused.value.errors == {"paid": [message]}


def test_a_refusal_is_translated():
    with translation.override("es"), pytest.raises(Invalid) as refused:
        parse_amount("10.001", "USD")
    assert refused.value.errors["amount"] == ["El monto tiene más decimales de los que admite la moneda."]
    with translation.override("pt"), pytest.raises(Invalid) as refused:
        parse_amount("4000.50", "USD", "pt_BR")
    assert refused.value.errors["amount"] == ["Informe um valor como 1.500,00."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-31", datetime.date(2026, 5, 31)),
        (" 2026-05-31 ", datetime.date(2026, 5, 31)),
        (datetime.date(2030, 1, 2), datetime.date(2030, 1, 2)),
        (datetime.datetime(2030, 1, 2, 23, 59), datetime.date(2030, 1, 2)),
    ],
)
def test_dates_read(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/05/2026", "Give a date such as 2026-05-31."),
        ("20260531", "Give a date such as 2026-05-31."),
        ("2026-W22-1", "Give a date such as 2026-05-31."),
        ("2026-02-30", "Give a date such as 2026-05-31."),
        ("", "Give a date such as 2026-05-31."),
        (None, "Give a date such as 2026-05-31."),
        ("1899-12-31", "Give a date between 1900 and 2100."),
        ("2101-01-01", "Give a date between 1900 and 2100."),
    ],
)
def test_bad_dates_are_refused_with_the_field_named(text, message):
    with translation.override("en"), pytest.raises(Invalid) as refused:
        parse_date(text, "paid_on")
    assert refused.value.errors == {"paid_on": [message]}
