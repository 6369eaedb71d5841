"""Amounts on the pages are written as Babel writes them, without asking Babel for every value of a list
(it cost a fifth of a list page's own time)."""

from decimal import Decimal
from unittest import mock

from babel.numbers import format_currency
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.templatetags import portal

LOCALES = ["es", "pt_BR", "fr", "en", "es_419"]
CURRENCIES = ["USD", "HNL", "EUR", "BRL", "JPY", "KWD", "XOF"]


@settings(max_examples=400, deadline=None)
@given(
    amount=st.decimals(min_value=Decimal("-1e13"), max_value=Decimal("1e13"), allow_nan=False, places=4),
    locale=st.sampled_from(LOCALES),
    currency=st.sampled_from(CURRENCIES),
)
def test_an_amount_reads_exactly_as_babel_writes_it(amount, locale, currency):
    assert portal.format_money(amount, currency, locale) == format_currency(amount, currency, locale=locale)


def test_special_amounts_still_go_to_babel():
    for text in ("-0.001", "-0", "0.005", "-0.005", "Infinity"):
        amount = Decimal(text)
        assert portal.format_money(amount, "USD", "fr") == format_currency(amount, "USD", locale="fr")


def test_a_list_of_amounts_asks_babel_once_per_language_and_currency():
    portal._money_shape.cache_clear()
    with mock.patch.object(portal, "format_currency", wraps=format_currency) as babel:
        written = [portal.format_money(Decimal(n) / 7, "USD", "es") for n in range(1, 201)]
    assert written == [format_currency(Decimal(n) / 7, "USD", locale="es") for n in range(1, 201)]
    # The probe and its checks only: not one call per amount.
    assert babel.call_count <= 10
