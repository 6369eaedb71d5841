"""What a fund allows, in words, from its parameters in force today: shown before a person applies.

Each fund's limits (the maximum, the percentage it pays, who may apply) are written by its rules
(``fund.rules.limits``) from its parameters, so a change recorded by an administrator shows here the
next day it is in force. Every fund also shows how long its decision takes and the documents it needs.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_percent
from django.utils import timezone
from django.utils.translation import gettext as _

from .templatetags.portal import babel_locale, money


def percent(value) -> str:
    """A percent number ("30", "4.5") as the language writes a percentage ("30 %", "4,5 %")."""
    return format_percent(Decimal(str(value)) / 100, locale=babel_locale(), decimal_quantization=False)


class PageFigures:
    """Figures as the page's language writes them, for the fund's rules (``funds.rules.base.Figures``)."""

    def __init__(self, currency: str):
        self.currency = currency

    def money(self, amount) -> str:
        return money(amount, self.currency)

    def percent(self, value) -> str:
        return percent(value)


def limits_for(fund, on=None) -> list[str]:
    """The fund's limits and who may apply, as sentences in the page's language."""
    on = on or timezone.localdate()
    params = fund.parameters_on(on)
    try:
        sentences = list(fund.rules.limits(params, PageFigures(fund.currency)))
    except AttributeError:  # a parameter this description needs is not recorded for the fund
        sentences = []
    sentences.append(_("The committee decides within %(days)d days of submission.") % {
        "days": params.decision_limit_days})
    required = [str(fund.rules.document_kinds[kind]) for kind in fund.rules.required_documents
                if kind in fund.rules.document_kinds]
    if required:
        sentences.append(_("Documents required: %(documents)s.") % {"documents": ", ".join(required)})
    return sentences
