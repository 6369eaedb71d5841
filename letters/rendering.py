"""A decision letter from its application: the HTML in the organisation's language, then the PDF.

Dates and amounts are written the way each language writes them (Babel); the template is
``letters/templates/letters/decision_letter.html`` and its stylesheet and logo are the only files
it may load (``letters.assets``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_percent
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from core.money import minor_unit, quantize
from disbursements.amortization import Schedule, build_schedule
from disbursements.services.schedules import schedule_terms
from funds.lending import RepaymentFrequency, ScheduleMethod

from .assets import LetterAssetFetcher, base_url
from .models import Decision, Letter

TEMPLATE = "letters/decision_letter.html"
BABEL_LOCALES = {"es": "es", "pt": "pt_BR", "fr": "fr", "en": "en"}



def loan_schedule(application, disbursed_on: datetime.date) -> Schedule:
    """The repayment schedule of an approved loan, as if disbursed on ``disbursed_on``: the same terms
    the loan itself is given when it is paid out."""
    terms = application.decision_terms
    return build_schedule(schedule_terms(
        principal=quantize(application.approved_amount, minor_unit(application.currency)),
        currency=application.currency,
        annual_interest_rate=terms["annual_interest_rate"],
        repayment_frequency=terms["repayment_frequency"],
        schedule_method=terms.get("schedule_method") or ScheduleMethod.DECLINING_BALANCE,
        harvest_dates=terms.get("harvest_dates") or [],
        term_months=int(terms["term_months"]),
        grace_months=int(terms.get("grace_months") or 0),
        starts_on=disbursed_on,
    ))


class Formatter:
    """Amounts, dates and rates as one language writes them."""

    def __init__(self, language: str, currency: str):
        self.locale = BABEL_LOCALES[language]
        self.currency = currency

    def money(self, amount: Decimal) -> str:
        return format_currency(amount, self.currency, locale=self.locale)

    def date(self, day: datetime.date, style: str = "long") -> str:
        return format_date(day, format=style, locale=self.locale)

    def percent(self, percent: Decimal) -> str:
        return format_percent(percent / 100, format="#,##0.##%", locale=self.locale)


def letter_context(letter: Letter) -> dict:
    application = letter.application
    organization = application.organization
    fmt = Formatter(letter.language, application.currency)
    decided_on = timezone.localdate(letter.decision_log.at)
    approved = letter.decision == Decision.APPROVED
    context = {
        "letter": letter,
        "language": letter.language,
        "reference": letter.reference,
        "application_reference": application.reference,
        "issued_on": fmt.date(timezone.localdate(letter.created_at)),
        "decided_on": fmt.date(decided_on),
        "organization": organization,
        "country": organization.get_country_display(),
        "fund_name": application.fund.name,
        "approved": approved,
        "by_committee": letter.decision_log.from_state == "committee_review",
        "signatory": _signatory(letter.decision_log.by),
        "reason": application.decision_reason,
        "conditions": application.conditions,
        "replaces": None,
    }
    if letter.supersedes_id:
        previous = letter.supersedes
        context["replaces"] = {
            "reference": previous.reference,
            "issued_on": fmt.date(timezone.localdate(previous.created_at)),
            "reason": letter.reissue_reason,
        }
    if approved:
        context["amount"] = fmt.money(application.approved_amount)
        if application.fund.lends and application.decision_terms:
            context["loan"] = _loan_context(application, decided_on, fmt)
    return context


def _loan_context(application, disbursed_on: datetime.date, fmt: Formatter) -> dict:
    terms = application.decision_terms
    schedule = loan_schedule(application, disbursed_on)
    return {
        "rate": fmt.percent(Decimal(str(terms["annual_interest_rate"]))),
        "term_months": terms["term_months"],
        "grace_months": terms.get("grace_months") or 0,
        "frequency": RepaymentFrequency(terms["repayment_frequency"]).in_a_sentence,
        "method": ScheduleMethod(
            terms.get("schedule_method") or ScheduleMethod.DECLINING_BALANCE
        ).in_a_sentence,
        "assumed_disbursement": fmt.date(disbursed_on),
        "rows": [
            {
                "n": row.n,
                "due": fmt.date(row.due_date, "medium"),
                "principal": fmt.money(row.principal),
                "interest": fmt.money(row.interest),
                "total": fmt.money(row.total),
                "balance": fmt.money(row.balance),
            }
            for row in schedule
        ],
        "total_principal": fmt.money(schedule.total_principal),
        "total_interest": fmt.money(schedule.total_interest),
        "total": fmt.money(schedule.total),
    }


def _signatory(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def letter_html(letter: Letter) -> str:
    with translation.override(letter.language):
        return render_to_string(TEMPLATE, letter_context(letter))


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=base_url(), url_fetcher=LetterAssetFetcher()).write_pdf()


def letter_pdf(letter: Letter) -> bytes:
    return html_to_pdf(letter_html(letter))
